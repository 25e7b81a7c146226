#!/usr/bin/env node
// bin/cppjit.mjs — the `cppjit` command: the REPL, or `cppjit dts ...` to write TypeScript declarations.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [command, ...rest] = process.argv.slice(2);

if (command === 'dts') {
  const { main } = require('../dist/cli/dts.js');
  process.exitCode = main(rest);
} else if (command === '--help' || command === '-h') {
  console.log('usage: cppjit               start the C++ REPL (cppyy, gbl, std preloaded; .help lists commands)\n' +
    '       cppjit dts <headers...> [-I dir] [-o out.d.ts] [--scope ns] [--instantiate T<args>]');
} else if (command !== undefined) {
  console.error(`cppjit: unknown command '${command}' (try cppjit --help)`);
  process.exitCode = 2;
} else {
  const { startRepl } = require('../dist/repl/server.js');
  await startRepl();
}
