// bench/run.mjs — the benchmark: cppjit vs a hand-written node-addon-api binding vs koffi, on bench/cases.h
//
// Usage: bash bench/build.sh && node --expose-gc bench/run.mjs   (or `npm run bench`)
// Options (env): BENCH_PASSES=3 (interleaved passes per case), BENCH_SCALE=1 (multiplies iteration counts),
//                BENCH_ONLY=free,cAdd (run only these case keys), BENCH_VERBOSE=1 (print every pass),
//                BENCH_JSON=path (also write the raw results as JSON).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

import cppyy from '../esm/index.mjs';
import { handwritten as hw, koffiAdd, libPath } from './baselines.mjs';
import { measure, table, getSink } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// A full GC between measurements keeps one contender's garbage from being collected on another's clock.
// `npm run bench` does not pass --expose-gc, so obtain gc() through V8's flag API when it is missing.
const gc = globalThis.gc ?? (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return () => {};
  }
})();

// Yield to the event loop, then collect. Ending the current job matters for cppjit: every `new WeakRef(obj)`
// keeps obj alive until the job ends (ECMAScript KeepDuringJob), and cppjit makes one per constructed object.
// Without this, all objects constructed by one measurement would still be on the heap during the next one.
const settle = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
};

const PASSES = Math.max(1, Number(process.env.BENCH_PASSES ?? 3));
const SCALE = Math.max(0.01, Number(process.env.BENCH_SCALE ?? 1));
const iters = (n) => Math.max(1000, Math.round(n * SCALE));
const CALL = { iterations: iters(2_000_000), warmup: iters(200_000), rounds: 5 };
const CALLBACK_N = 100; // JS callbacks per C++ call in the callback case
const CALLBACKS = { iterations: iters(2_000_000 / CALLBACK_N), warmup: iters(200_000 / CALLBACK_N), rounds: 5 };
const ALLOC = { iterations: iters(200_000), warmup: iters(20_000), rounds: 5 };

// ------------------------------------------------------------------------------------------------
// Bindings
// ------------------------------------------------------------------------------------------------
cppyy.loadLibrary(libPath);
cppyy.include(path.join(here, 'cases.h'));
const gbl = cppyy.gbl; // hoisting the global namespace is allowed; `bench.add` etc. are looked up in every iteration

// koffi can also bind the C++ free functions whose signatures are plain C types, through their mangled names.
const koffi = require('koffi');
const klib = koffi.load(libPath);
const koffiCxxAdd = klib.func('_ZN5bench3addEii', 'int', ['int', 'int']);
const koffiHypot2 = klib.func('_ZN5bench6hypot2Edd', 'double', ['double', 'double']);
// koffi passes a JS function for a callback parameter through a trampoline valid during the call.
const koffiIntCb = koffi.proto('int bench_int_cb(int)');
const koffiSumCallback = klib.func('_ZN5bench12sum_callbackEiPFiiE', 'int', ['int', koffi.pointer(koffiIntCb)]);

// ------------------------------------------------------------------------------------------------
// Correctness first (this also JIT-compiles every cppjit wrapper the timed loops use)
// ------------------------------------------------------------------------------------------------
const problems = [];
function check(label, fn) {
  try {
    fn();
  } catch (e) {
    problems.push(`${label}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}

for (const [who, add, cAdd, hypot2, over] of [
  ['cppjit', (a, b) => gbl.bench.add(a, b), (a, b) => gbl.c_add(a, b), (a, b) => gbl.bench.hypot2(a, b), (x) => gbl.bench.over(x)],
  ['hand-written', hw.add, hw.cAdd, hw.hypot2, hw.over],
  ['koffi', koffiCxxAdd, koffiAdd, koffiHypot2, null],
]) {
  check(`${who} add(2, 3) === 5`, () => assert.equal(add(2, 3), 5));
  check(`${who} add(-7, 3) === -4`, () => assert.equal(add(-7, 3), -4));
  check(`${who} c_add(2, 3) === 5`, () => assert.equal(cAdd(2, 3), 5));
  check(`${who} hypot2(3, 4) === 25`, () => assert.equal(hypot2(3, 4), 25));
  check(`${who} hypot2(1.5, 2.5) === 8.5`, () => assert.equal(hypot2(1.5, 2.5), 8.5));
  if (over) {
    check(`${who} over(41) === 42 (int overload)`, () => assert.equal(over(41), 42));
    check(`${who} over(1.25) === 2.5 (double overload)`, () => assert.equal(over(1.25), 2.5));
    check(`${who} over('hi') === 'hi' (const char* overload)`, () => assert.equal(over('hi'), 'hi'));
  }
}
check('cppjit and hand-written see the same live_counters', () => assert.equal(gbl.bench.live_counters, hw.liveCounters()));
for (const [who, Counter, live] of [
  ['cppjit', gbl.bench.Counter, () => gbl.bench.live_counters],
  ['hand-written', hw.Counter, () => hw.liveCounters()],
]) {
  check(`${who} Counter`, () => {
    const live0 = live();
    const c = new Counter(10);
    assert.equal(live(), live0 + 1, 'constructor increments live_counters');
    assert.equal(c.value, 10, 'Counter(10).value');
    assert.equal(c.inc(5), 15, 'inc(5)');
    assert.equal(c.value, 15, 'value after inc');
    c.value = 7;
    assert.equal(c.value, 7, 'value after write');
    assert.equal(c.inc(1), 8, 'inc after write');
    c.delete();
    assert.equal(live(), live0, 'delete() runs the destructor');
    assert.throws(() => c.inc(1), 'inc on a deleted object throws');
  });
}
check('cppjit rejects add("x", 1)', () => assert.throws(() => gbl.bench.add('x', 1), TypeError));
// The callback cases run last, and their checks with them: while C++ holds JS functions (a JS
// subclass's overrides, callbacks not yet collected), no call takes V8's fast path (see
// docs/performance.md), so the cases before them measure what a program without callbacks gets.
class JsSource extends gbl.bench.Source {
  value(i) { return i & 7; }
}
let jsSource;
function checkCallbacks() {
  for (const [who, sumCallback] of [
    ['cppjit', (n, f) => gbl.bench.sum_callback(n, f)],
    ['hand-written', hw.sumCallback],
    ['koffi', koffiSumCallback],
  ]) {
    check(`${who} sum_callback(4, i => i * 2) === 12`, () => assert.equal(sumCallback(4, (i) => i * 2), 12));
  }
  // The 'virtual' case: a JS class overriding a pure virtual, called by a C++ loop.
  jsSource = new JsSource();
  check('cppjit: sum_virtual over a JS override === sum_callback', () =>
    assert.equal(gbl.bench.sum_virtual(jsSource, 20), gbl.bench.sum_callback(20, (i) => i & 7)));
  check('cppjit: a JS error thrown in a callback reaches the caller', () => {
    const boom = new Error('boom');
    assert.throws(() => gbl.bench.sum_callback(3, () => { throw boom; }), (e) => e === boom);
  });
}
if (problems.length) {
  console.log('CORRECTNESS PROBLEMS (timings below are still printed, but treat them with suspicion):');
  for (const p of problems) console.log('  - ' + p);
  process.exitCode = 1;
}

// ------------------------------------------------------------------------------------------------
// First call of a fresh function: lookup + wrapper JIT, timed with performance.now()
// ------------------------------------------------------------------------------------------------
const FRESH = 10;
const RUN_NONCE = `${process.pid}-${Date.now()}`;
/** cppdef FRESH new functions `ns::f0..f9(int, int)`, then time the first and second call of each. */
function firstCalls(ns) {
  const defMs = [];
  for (let i = 0; i < FRESH; i++) {
    const t0 = performance.now();
    // The nonce makes this run's history new, so the wrappers are compiled, not linked from the
    // compiled-wrapper cache a previous run filled.
    cppyy.cppdef(`// run ${RUN_NONCE}\nnamespace ${ns} { int f${i}(int a, int b) { return a + b + ${i}; } }`);
    defMs.push(performance.now() - t0);
  }
  const firstMs = [];
  const lookupMs = [];
  const secondUs = [];
  for (let i = 0; i < FRESH; i++) {
    const t0 = performance.now();
    const f = gbl[ns][`f${i}`];
    const t1 = performance.now();
    const r = f(2, 3);
    const t2 = performance.now();
    const r2 = gbl[ns][`f${i}`](2, 3);
    const t3 = performance.now();
    if (r !== 5 + i || r2 !== 5 + i) problems.push(`${ns}::f${i}(2, 3) returned ${r} then ${r2}, expected ${5 + i}`);
    firstMs.push(t2 - t0);
    lookupMs.push(t1 - t0);
    secondUs.push((t3 - t2) * 1000);
  }
  return { firstMs, lookupMs, secondUs, defMs };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Measured before the micro-benchmarks (a fresh heap, as at application start-up) and again after them.
const fresh = firstCalls('fresh');

// ------------------------------------------------------------------------------------------------
// Timed cases
// ------------------------------------------------------------------------------------------------
// Every loop is its own closure (own inline caches), writes its results into `s`, and returns it.
const hc = new hw.Counter(0);
const jc = new gbl.bench.Counter(0);

// V8 fast calls (Node 20): the cases whose callables take them have the issue-19 targets.
const FAST = cppyy.info().fastCalls.enabled;
const fastTarget = (hwMax, koffiMax) => (FAST
  ? { target: `≤${hwMax}× hw${koffiMax ? `, ≤${koffiMax}× koffi` : ''} (fast calls)`, maxVsHw: hwMax, maxVsKoffi: koffiMax }
  : {});

/** @type {Array<{ key: string, label: string, target: string, maxVsHw?: number, maxVsKoffi?: number, opts: object,
 *                 loops: { cppjit: Function, hw: Function, koffi?: Function } }>} */
const allCases = [
  {
    key: 'free', label: 'free fn `bench.add(i, 1)` (namespace lookup each call)', target: '≤1.25× hw, ≤1.0× koffi',
    maxVsHw: 1.25, maxVsKoffi: 1.0, ...fastTarget(0.25, 0.25), opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.add(i, 1); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.add(i, 1); return s; },
      koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffiCxxAdd(i, 1); return s; },
    },
  },
  {
    key: 'hypot2', label: 'free fn `bench.hypot2(x, 0.5)` (doubles)', target: '≤1.25× hw, ≤1.0× koffi',
    maxVsHw: 1.25, maxVsKoffi: 1.0, ...fastTarget(0.3, 0.3), opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.hypot2(i * 0.25, 0.5); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.hypot2(i * 0.25, 0.5); return s; },
      koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffiHypot2(i * 0.25, 0.5); return s; },
    },
  },
  {
    key: 'overInt', label: 'overloaded `bench.over(i)` → over(int)', target: '≤1.5× hw', maxVsHw: 1.5, opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.over(i); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over(i); return s; },
    },
  },
  {
    key: 'overDouble', label: 'overloaded `bench.over(i + 0.5)` → over(double)', target: '≤1.5× hw', maxVsHw: 1.5, opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.over(i + 0.5); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over(i + 0.5); return s; },
    },
  },
  {
    key: 'overMixed', label: 'overloaded, alternating int / double args', target: '≤1.5× hw', maxVsHw: 1.5, opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.over(i & 1 ? i : i + 0.5); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over(i & 1 ? i : i + 0.5); return s; },
    },
  },
  {
    key: 'overString', label: "overloaded `bench.over('hello')` → over(const char*)", target: '≤1.5× hw', maxVsHw: 1.5, opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.over('hello').length; return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over('hello').length; return s; },
    },
  },
  {
    key: 'method', label: 'method `c.inc(1)`', target: '≤1.5× hw', maxVsHw: 1.5, ...fastTarget(0.2), opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s = jc.inc(1); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s = hc.inc(1); return s; },
    },
  },
  {
    key: 'get', label: 'field read `c.value`', target: '≤1.5× hw', maxVsHw: 1.5, ...fastTarget(0.2), opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += jc.value; return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hc.value; return s; },
    },
  },
  {
    key: 'set', label: 'field write `c.value = i`', target: '≤1.5× hw', maxVsHw: 1.5, opts: CALL,
    loops: {
      cppjit: (n) => { for (let i = 0; i < n; i++) jc.value = i; return jc.value; },
      hw: (n) => { for (let i = 0; i < n; i++) hc.value = i; return hc.value; },
    },
  },
  {
    key: 'ctor', label: '`new Counter(1)` + `.delete()`', target: '≤2× hw', maxVsHw: 2, opts: ALLOC,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) { const c = new gbl.bench.Counter(1); c.delete(); s += 1; } return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) { const c = new hw.Counter(1); c.delete(); s += 1; } return s; },
    },
  },
  {
    key: 'cAdd', label: 'C function `c_add(i, 1)`', target: '≤1.25× hw, ≤1.0× koffi', maxVsHw: 1.25, maxVsKoffi: 1.0,
    ...fastTarget(0.25, 0.2), opts: CALL,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.c_add(i, 1); return s; },
      hw: (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.cAdd(i, 1); return s; },
      koffi: (n) => { let s = 0; for (let i = 0; i < n; i++) s += koffiAdd(i, 1); return s; },
    },
  },
  {
    key: 'callback', label: `C++ loop calling a JS callback ${CALLBACK_N}× \`bench.sum_callback(${CALLBACK_N}, f)\` (ns per call, i.e. per ${CALLBACK_N} callbacks)`,
    target: '(no target)', opts: CALLBACKS,
    loops: {
      cppjit: (n) => { let s = 0; const f = (i) => i & 7; for (let i = 0; i < n; i++) s += gbl.bench.sum_callback(CALLBACK_N, f); return s; },
      hw: (n) => { let s = 0; const f = (i) => i & 7; for (let i = 0; i < n; i++) s += hw.sumCallback(CALLBACK_N, f); return s; },
      koffi: (n) => { let s = 0; const f = (i) => i & 7; for (let i = 0; i < n; i++) s += koffiSumCallback(CALLBACK_N, f); return s; },
    },
  },
  {
    key: 'virtual', label: `C++ loop calling a virtual method ${CALLBACK_N}× that a JS class overrides \`bench.sum_virtual(obj, ${CALLBACK_N})\` (hw: the callback loop, the closest hand-written equivalent)`,
    target: '(no target)', opts: CALLBACKS,
    loops: {
      cppjit: (n) => { let s = 0; for (let i = 0; i < n; i++) s += gbl.bench.sum_virtual(jsSource, CALLBACK_N); return s; },
      hw: (n) => { let s = 0; const f = (i) => i & 7; for (let i = 0; i < n; i++) s += hw.sumCallback(CALLBACK_N, f); return s; },
    },
  },
];

const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const cases = only ? allCases.filter((c) => only.has(c.key)) : allCases;
const verbose = !!process.env.BENCH_VERBOSE;

/** Share of all CPUs busy (with anything, including other processes) over `ms` milliseconds. */
async function cpuBusy(ms) {
  const sample = () => os.cpus().reduce((a, c) => {
    const t = c.times;
    a.idle += t.idle;
    a.total += t.user + t.nice + t.sys + t.idle + t.irq;
    return a;
  }, { idle: 0, total: 0 });
  const a = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = sample();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}
const busy = await cpuBusy(500);
const load = os.loadavg()[0];
console.log(`cppjit benchmark — node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, ` +
  `CPU busy before start ${(busy * 100).toFixed(0)}% (load average ${load.toFixed(2)}); ` +
  `best of ${PASSES} interleaved passes, each the median of 5 rounds`);
if (busy > 0.2) console.log(`warning: other processes keep ${(busy * 100).toFixed(0)}% of the CPUs busy; timings will be noisy`);

const liveStart = hw.liveCounters();
const results = {};
let fastBefore = cppyy.info().fastCalls.calls;
for (const c of cases) {
  if ((c.key === 'callback' || c.key === 'virtual') && !jsSource) checkCallbacks();
  const contenders = Object.keys(c.loops);
  // all contenders of a case must agree on what the loop computes
  // (the Counter cases are stateful, so both counters restart from 0 for this check)
  hc.value = 0; jc.value = 0;
  const expect = c.loops.hw(1000);
  for (const k of contenders) {
    hc.value = 0; jc.value = 0;
    const got = c.loops[k](1000);
    if (got !== expect) problems.push(`${c.key}: ${k} loop returned ${got}, hand-written ${expect}`);
  }
  const best = {};
  for (let p = 0; p < PASSES; p++) {
    // rotate the order every pass so no contender always runs first (or right after a GC)
    const order = contenders.map((_, i) => contenders[(i + p) % contenders.length]);
    for (const k of order) {
      await settle();
      const r = measure(`${c.key}/${k}`, c.loops[k], c.opts);
      if (verbose) console.log(`  pass ${p} ${r.name}: ${r.nsPerOp.toFixed(1)} ns/op (rounds ${r.rounds.map((x) => x.toFixed(1)).join(' ')})`);
      if (!best[k] || r.nsPerOp < best[k].nsPerOp) best[k] = r;
    }
  }
  results[c.key] = best;
  const fastNow = cppyy.info().fastCalls.calls;
  best.cppjit.fastCalls = fastNow - fastBefore;
  fastBefore = fastNow;
  if (c.key === 'ctor') {
    const liveNow = hw.liveCounters();
    if (liveNow !== liveStart) {
      const msg = `live_counters went from ${liveStart} to ${liveNow} over the construct+delete loops`;
      console.log('WARNING: ' + msg);
      problems.push(msg);
    }
    if (gbl.bench.live_counters !== liveNow) {
      problems.push(`cppjit reads bench::live_counters as ${gbl.bench.live_counters}, hand-written as ${liveNow}`);
    }
  }
}

await settle();
const freshLate = firstCalls('fresh_late');

// ------------------------------------------------------------------------------------------------
// Report
// ------------------------------------------------------------------------------------------------
const fmtNs = (x) => (x === undefined ? '—' : x.toFixed(1));
const fmtRatio = (x) => (x === undefined ? '—' : x.toFixed(2) + '×');
const rows = cases.map((c) => {
  const r = results[c.key];
  const j = r.cppjit.nsPerOp;
  const h = r.hw.nsPerOp;
  const k = r.koffi?.nsPerOp;
  const vsHw = j / h;
  const vsKoffi = k === undefined ? undefined : j / k;
  const misses = [];
  if (c.maxVsHw !== undefined && vsHw > c.maxVsHw) misses.push(`hw ${vsHw.toFixed(2)}×`);
  if (c.maxVsKoffi !== undefined && vsKoffi !== undefined && vsKoffi > c.maxVsKoffi) misses.push(`koffi ${vsKoffi.toFixed(2)}×`);
  return {
    case: c.label,
    'cppjit ns/op': fmtNs(j),
    'hand-written ns/op': fmtNs(h),
    'koffi ns/op': fmtNs(k),
    'cppjit/hand-written': fmtRatio(vsHw),
    'cppjit/koffi': fmtRatio(vsKoffi),
    // Field reads take the fast addon's built-in readers, which do not count themselves.
    'fast calls': r.cppjit.fastCalls > 0 ? 'yes' : c.key === 'get' && FAST ? 'yes (reader)' : '—',
    target: c.target,
    met: misses.length ? `**no** (${misses.join(', ')})` : 'yes',
  };
});
const firstMed = median(fresh.firstMs);
rows.push({
  case: `first call of a fresh \`fresh::fN(int,int)\` (median of ${FRESH})`,
  'cppjit ns/op': `${firstMed.toFixed(2)} ms`,
  'hand-written ns/op': '—',
  'koffi ns/op': '—',
  'cppjit/hand-written': '—',
  'cppjit/koffi': '—',
  'fast calls': '—',
  target: '< 5 ms',
  met: firstMed < 5 ? 'yes' : `**no** (${(firstMed / 5).toFixed(2)}× the budget)`,
});

// Bun's FFI on the same C function, run back to back (BENCH_BUN=path, or bun in bench/node_modules).
const bunBin = process.env.BENCH_BUN || path.join(here, 'node_modules', '.bin', 'bun');
if (results.cAdd && (process.env.BENCH_BUN || (await import('node:fs')).existsSync(bunBin))) {
  const { spawnSync } = await import('node:child_process');
  const bun = spawnSync(bunBin, [path.join(here, 'bunffi.mjs'), libPath], { encoding: 'utf8', timeout: 120_000 });
  const bunNs = bun.status === 0 ? JSON.parse(bun.stdout.trim().split('\n').pop()).nsPerOp : undefined;
  if (bunNs === undefined) problems.push(`bun bench/bunffi.mjs failed: ${(bun.stderr || bun.error?.message || '').trim().split('\n').pop()}`);
  else {
    const j = results.cAdd.cppjit.nsPerOp;
    rows.push({
      case: 'C function `c_add(i, 1)` vs Bun\'s FFI (`bun:ffi`, same library, run back to back)',
      'cppjit ns/op': fmtNs(j), 'hand-written ns/op': '—', 'koffi ns/op': `bun ${fmtNs(bunNs)}`,
      'cppjit/hand-written': '—', 'cppjit/koffi': `${fmtRatio(j / bunNs)} bun`, 'fast calls': results.cAdd.cppjit.fastCalls > 0 ? 'yes' : '—',
      target: '≤3× bun', met: j / bunNs <= 3 ? 'yes' : `**no** (${(j / bunNs).toFixed(2)}×)`,
    });
  }
}

console.log('');
console.log(`V8 fast calls: ${FAST ? 'on' : 'off (Node-API only)'}`);
table(rows);
console.log('');
const fmtMs = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
console.log(`first call (ms), before the micro-benchmarks: ${fmtMs(fresh.firstMs)}; median ${firstMed.toFixed(2)},` +
  ` of which lookup \`gbl.fresh.fN\` ${median(fresh.lookupMs).toFixed(2)}; second call ${median(fresh.secondUs).toFixed(1)} µs;` +
  ` cppdef (not counted) ${median(fresh.defMs).toFixed(2)}`);
console.log(`first call (ms), after the micro-benchmarks: ${fmtMs(freshLate.firstMs)}; median ${median(freshLate.firstMs).toFixed(2)}`);
console.log(`spread (min–max ns/op of the 5 rounds in the best pass): ` + cases.map((c) =>
  `${c.key} ` + Object.entries(results[c.key]).map(([k, r]) => `${k} ${r.minNs.toFixed(1)}–${r.maxNs.toFixed(1)}`).join(' / ')).join('; '));
console.log(`(sink ${getSink()})`);

if (problems.length) {
  console.log('\nPROBLEMS:');
  for (const p of problems) console.log('  - ' + p);
  process.exitCode = 1;
}

if (process.env.BENCH_JSON) {
  writeFileSync(process.env.BENCH_JSON, JSON.stringify({
    node: process.version, load, busy, passes: PASSES, scale: SCALE,
    cases: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Object.fromEntries(
      Object.entries(v).map(([who, r]) => [who, { nsPerOp: r.nsPerOp, minNs: r.minNs, maxNs: r.maxNs, rounds: r.rounds }]))])),
    firstCall: fresh, firstCallAfterBenchmarks: freshLate, problems,
  }, null, 2));
}
