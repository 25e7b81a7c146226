// scripts/bundle.mjs — bundles tsc's output (lru-cache included) into the package's entry: dist/cppjit.js (starts the interpreter) + dist/cppjit-core.js (the rest).
//
// Node loads ~30 separate modules in ~20 ms on this kind of machine (resolving, reading and
// compiling each); bundled, they load in ~10 ms. The bundles keep tsc's CommonJS modules as they are
// (each still runs when first required, in the same order), so behaviour does not change.
// The entry is split in two because V8 compiles a whole file before running any of it (~5 ms for
// the core): the small first file loads the addon and starts the interpreter on its own thread
// (src/prestart.ts), and only then is the core compiled, in parallel with that start. (The core
// holds a second copy of the few modules prestart needs; they share the addon's state.)
// Without esbuild (an install without dev dependencies) dist/cppjit.js re-exports dist/index.js.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outfile = path.join(dist, 'cppjit.js');
const header = (name) => `// dist/${name} — cppjit bundled (scripts/bundle.mjs); the modules are in dist/, the sources in src/.`;

function unbundled(why) {
  const note = `// dist/cppjit.js — the package entry (scripts/bundle.mjs), unbundled: ${why}.`;
  writeFileSync(outfile, `${note}\n'use strict';\nmodule.exports = require('./index.js');\n`);
  console.log(`cppjit: ${why}; dist/cppjit.js re-exports the separate modules`);
  process.exit(0);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  unbundled('esbuild is not installed');
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // Maps back to src/*.ts through tsc's own maps (node --enable-source-maps shows TypeScript lines).
  sourcemap: true,
  logLevel: 'warning',
};
try {
  esbuild.buildSync({
    ...common,
    entryPoints: [path.join(dist, 'index.js')],
    outfile: path.join(dist, 'cppjit-core.js'),
    banner: { js: header('cppjit-core.js') },
  });
  esbuild.buildSync({
    ...common,
    stdin: {
      contents: "require('./prestart.js');\nmodule.exports = require('./cppjit-core.js');\n",
      resolveDir: dist,
      sourcefile: 'cppjit-entry.js',
    },
    outfile,
    external: ['./cppjit-core.js'],
    banner: { js: header('cppjit.js') },
  });
} catch (e) {
  // esbuild's native binary can be missing (its install script not run): still a working package.
  unbundled(`esbuild failed (${e.message.split('\n')[0]})`);
}
