// src/pch-build.ts — run as a process of its own: builds the precompiled header of the standard headers.
// Started in the background by the first process that finds none; `node dist/pch-build.js` (no
// argument: options from the environment, as a start would use) builds it in the foreground.
import { loadAddon, startOptions } from './native';
import type { StartOptions } from './types';

const options: StartOptions = process.argv[2] ? JSON.parse(process.argv[2]) : startOptions();
try {
  loadAddon().buildPrecompiledHeader(options);
} catch (e) {
  console.error(`cppjit: ${(e as Error).message}`);
  process.exitCode = 1;
}
