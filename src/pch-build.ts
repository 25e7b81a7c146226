// src/pch-build.ts — run as a process of its own: builds the precompiled header of the standard headers, or of user headers.
// Started in the background by the first process that finds none (or, with `--headers <json list>`,
// at the exit of a run whose leading includes were slow); `node dist/pch-build.js` (no argument:
// options from the environment, as a start would use) builds the standard one in the foreground.
import { loadAddon, startOptions } from './native';
import type { StartOptions } from './types';

const options: StartOptions = process.argv[2] ? JSON.parse(process.argv[2]) : startOptions();
try {
  if (process.argv[3] === '--headers') loadAddon().buildHeaderCache(options, JSON.parse(process.argv[4]) as string[]);
  else loadAddon().buildPrecompiledHeader(options);
} catch (e) {
  console.error(`cppjit: ${(e as Error).message}`);
  process.exitCode = 1;
}
