// test/pch-setup.mjs — vitest global setup: builds the precompiled header first, so every suite runs with it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const builder = fileURLToPath(new URL('../dist/pch-build.js', import.meta.url));
  // A failure is reported, not fatal: the suites still run (without the PCH), and startup.test.ts says so.
  spawnSync(process.execPath, [builder], { stdio: 'inherit' });
}
