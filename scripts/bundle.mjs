// scripts/bundle.mjs — bundles tsc's output (dist/index.js and what it requires, lru-cache included) into dist/cppjit.js, the package's entry.
//
// Node loads ~30 separate modules in ~20 ms on this kind of machine (resolving, reading and
// compiling each); the one bundled file loads in ~8 ms. The start-up runs the interpreter's start
// in parallel with this load, so the load is most of what a script waits for before its first call.
// The bundle keeps tsc's CommonJS modules as they are (each still runs when first required, in the
// same order), so behaviour does not change. Without esbuild (an install without dev dependencies)
// dist/cppjit.js just re-exports dist/index.js.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'index.js');
const outfile = path.join(root, 'dist', 'cppjit.js');
const header = '// dist/cppjit.js — cppjit bundled (scripts/bundle.mjs); the modules are in dist/, the sources in src/.';

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  writeFileSync(outfile, `${header}\n'use strict';\nmodule.exports = require('./index.js');\n`);
  console.log('cppjit: esbuild is not installed; dist/cppjit.js re-exports the separate modules');
  process.exit(0);
}

esbuild.buildSync({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // Maps back to src/*.ts through tsc's own maps (node --enable-source-maps shows TypeScript lines).
  sourcemap: true,
  banner: { js: header },
  logLevel: 'warning',
  // The addon is required by a path computed at run time; node: built-ins stay Node's.
  external: ['*.node'],
});
