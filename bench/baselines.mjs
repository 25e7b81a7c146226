// bench/baselines.mjs — loads the competitor bindings of bench/cases.h: hand-written node-addon-api and koffi
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Absolute path of the shared library every binding calls (built by bench/build-lib.sh). */
export const libPath = path.join(here, 'build', 'libbenchcases.so');
const addonPath = path.join(here, 'handwritten', 'build', 'Release', 'handwritten.node');

for (const p of [libPath, addonPath, path.join(here, 'node_modules', 'koffi')]) {
  if (!existsSync(p)) throw new Error(`bench baselines: ${p} is missing; run bench/build.sh first`);
}

/**
 * Hand-written node-addon-api binding:
 *   add(a, b), cAdd(a, b), hypot2(a, b), over(x: number | string), liveCounters(), sumCallback(n, f),
 *   class Counter { constructor(start?); inc(by); value (get/set); delete() }
 */
export const handwritten = require(addonPath);

const koffi = require('koffi');
const lib = koffi.load(libPath);

/** koffi's binding of `extern "C" int c_add(int, int)`. */
export const koffiAdd = lib.func('int c_add(int a, int b)');
