#!/usr/bin/env node
// bin/cppjit.mjs — the `cppjit` command: the REPL, `cppjit dts ...` (TypeScript declarations), `cppjit precompile ...`, `cppjit build-from-source`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [command, ...rest] = process.argv.slice(2);

if (command === 'dts') {
  const { main } = require('../dist/cli/dts.js');
  process.exitCode = main(rest);
} else if (command === 'precompile') {
  // cppjit precompile <headers...> [-I dir]: what a later run includes first, parsed ahead of time.
  const headers = [];
  const includePaths = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '-I') includePaths.push(rest[++i]);
    else if (rest[i].startsWith('-I')) includePaths.push(rest[i].slice(2));
    else headers.push(rest[i]);
  }
  if (headers.length === 0) {
    console.error('usage: cppjit precompile <headers...> [-I dir]');
    process.exitCode = 2;
  } else {
    try {
      const { precompile } = require('../dist/index.js');
      const began = Date.now();
      const { sequence } = precompile(headers, { includePaths });
      console.log(`cppjit: precompiled ${sequence.filter((a) => a.startsWith('H:')).length} header(s) in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    } catch (e) {
      console.error(e.message);
      process.exitCode = 1;
    }
  }
} else if (command === 'build-from-source') {
  // The addon built here (build/Release) is loaded instead of the prebuilt one. Needs LLVM 19.
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    execFileSync(process.execPath, ['scripts/llvm.mjs', 'check'], { cwd: root, stdio: 'inherit' });
    execFileSync('npx', ['--yes', 'node-gyp', 'rebuild', '-j', '2'], { cwd: root, stdio: 'inherit' });
  } catch {
    process.exitCode = 1;
  }
} else if (command === '--help' || command === '-h') {
  console.log('usage: cppjit               start the C++ REPL (cppyy, gbl, std preloaded; .help lists commands)\n' +
    '       cppjit precompile <headers...> [-I dir]  parse headers ahead of time for later runs that include them first\n' +
    '       cppjit dts <headers...> [-I dir] [-o out.d.ts] [--scope ns] [--instantiate T<args>]\n' +
    '       cppjit build-from-source  build the addon from source (needs LLVM 19) instead of the prebuilt one');
} else if (command !== undefined) {
  console.error(`cppjit: unknown command '${command}' (try cppjit --help)`);
  process.exitCode = 2;
} else {
  const { startRepl } = require('../dist/repl/server.js');
  await startRepl();
}
