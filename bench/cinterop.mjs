// bench/cinterop.mjs — C interop costs: a C call, structs by value and a TypedArray as T*, cppjit vs koffi vs hand-written
//
// Usage: bash bench/build.sh && bash bench/cinterop/build.sh && node --expose-gc bench/cinterop.mjs
// Options (env): BENCH_PASSES=3, BENCH_SCALE=1 (as bench/run.mjs).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import cppyy from '../esm/index.mjs';
import { measure, table } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const libPath = path.join(here, 'build', 'libbenchc.so');
const hw = require(path.join(here, 'cinterop', 'build', 'Release', 'handwritten_c.node'));
const koffi = require('koffi');

const PASSES = Math.max(1, Number(process.env.BENCH_PASSES ?? 3));
const SCALE = Math.max(0.01, Number(process.env.BENCH_SCALE ?? 1));
const CALL = { iterations: Math.round(2_000_000 * SCALE), warmup: Math.round(200_000 * SCALE), rounds: 5 };
const gc = globalThis.gc ?? (() => {});

cppyy.loadLibrary(libPath);
cppyy.include(path.join(here, 'cinterop', 'cfuncs.h'));
const g = cppyy.gbl;

const klib = koffi.load(libPath);
const kvec = koffi.struct('cvec', { x: 'double', y: 'double' });
const kAdd3 = klib.func('int c_add3(int a, int b, int c)');
const kDot = klib.func('double c_vec_dot(cvec a, cvec b)');
const kVecAdd = klib.func('cvec c_vec_add(cvec a, cvec b)');
const kSum = klib.func('double c_sum(const double* p, int n)');

// Correctness first (also compiles cppjit's thunks).
const values = new Float64Array(16).map((_, i) => i + 0.5);
const a = new g.cvec(); a.x = 1; a.y = 2;
const b = new g.cvec(); b.x = 3; b.y = 4;
assert.equal(g.c_add3(1, 2, 3), 6);
assert.equal(kAdd3(1, 2, 3), 6);
assert.equal(g.c_vec_dot(a, b), 11);
assert.equal(g.c_vec_dot({ x: 1, y: 2 }, { x: 3, y: 4 }), 11);
assert.equal(kDot({ x: 1, y: 2 }, { x: 3, y: 4 }), 11);
assert.equal(g.c_vec_add(a, b).y, 6);
assert.equal(kVecAdd({ x: 1, y: 2 }, { x: 3, y: 4 }).y, 6);
assert.equal(g.c_sum(values, 16), 128);
assert.equal(hw.cSum(values, 16), 128);
assert.equal(kSum(values, 16), 128);

const KA = { x: 1, y: 2 };
const KB = { x: 3, y: 4 };
const cases = [
  ['C function `c_add3(i, 1, 2)`', {
    cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_add3(i, 1, 2); return s; },
    koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += kAdd3(i, 1, 2); return s; },
  }, '≤1.0× koffi'],
  ['struct by value `c_vec_dot(a, b)` (cppjit: instances; koffi: objects)', {
    cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_vec_dot(a, b); return s; },
    koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += kDot(KA, KB); return s; },
  }, '≤1.0× koffi'],
  ['struct by value `c_vec_dot({x, y}, {x, y})` (object literals, both)', {
    cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_vec_dot(KA, KB); return s; },
    koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += kDot(KA, KB); return s; },
  }, 'recorded'],
  ['struct result `c_vec_add(a, b).y`', {
    cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_vec_add(a, b).y; return s; },
    koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += kVecAdd(KA, KB).y; return s; },
  }, 'recorded'],
  ['TypedArray as `const double*`: `c_sum(f64, 16)`', {
    cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_sum(values, 16); return s; },
    'hand-written': (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.cSum(values, 16); return s; },
    koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += kSum(values, 16); return s; },
  }, '≤1.25× hw'],
];

const rows = [];
for (const [name, contenders, target] of cases) {
  const best = {};
  for (let pass = 0; pass < PASSES; pass++) {
    const order = Object.keys(contenders);
    for (let k = 0; k < pass; k++) order.push(order.shift());
    for (const who of order) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      const r = measure(`${name} ${who}`, contenders[who], CALL);
      best[who] = Math.min(best[who] ?? Infinity, r.nsPerOp);
    }
  }
  const row = { case: name, 'cppjit ns/op': best.cppjit, 'hand-written ns/op': best['hand-written'] ?? '—', 'koffi ns/op': best.koffi };
  row['cppjit/hand-written'] = best['hand-written'] ? `${(best.cppjit / best['hand-written']).toFixed(2)}×` : '—';
  row['cppjit/koffi'] = `${(best.cppjit / best.koffi).toFixed(2)}×`;
  row.target = target;
  rows.push(row);
}
// The cost of signalsAsExceptions: the same C call with it off and on (a sigsetjmp per call when on).
{
  const loop = (n) => { let s = 0; for (let i = 0; i < n; i++) s += g.c_add3(i, 1, 2); return s; };
  const best = { off: Infinity, on: Infinity };
  for (let pass = 0; pass < PASSES; pass++) {
    for (const mode of pass % 2 ? ['on', 'off'] : ['off', 'on']) {
      cppyy.ll.signalsAsExceptions(mode === 'on');
      gc();
      best[mode] = Math.min(best[mode], measure(`signals ${mode}`, loop, CALL).nsPerOp);
    }
  }
  cppyy.ll.signalsAsExceptions(false);
  rows.push({ case: '`c_add3` with signalsAsExceptions(true) (koffi column: the same call with it off)', 'cppjit ns/op': best.on,
    'hand-written ns/op': '—', 'koffi ns/op': best.off, 'cppjit/hand-written': '—', 'cppjit/koffi': `${(best.on / best.off).toFixed(2)}× (on/off)`, target: 'recorded' });
}
console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
table(rows);
