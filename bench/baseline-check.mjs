// bench/baseline-check.mjs — sanity-checks and times the baselines alone (hand-written node-addon-api, koffi)
import assert from 'node:assert/strict';
import { handwritten as hw, koffiAdd } from './baselines.mjs';
import { measure, table } from './harness.mjs';

// --- correctness first --------------------------------------------------------
assert.equal(hw.add(2, 3), 5);
assert.equal(hw.cAdd(2, 3), 5);
assert.equal(koffiAdd(2, 3), 5);
assert.equal(hw.hypot2(3, 4), 25);
assert.equal(hw.over(41), 42);          // int overload: a + 1
assert.equal(hw.over(1.5), 3);          // double overload: a * 2
assert.equal(hw.over('hi'), 'hi');      // const char* overload
assert.throws(() => hw.add('x', 1), TypeError);
{
  const live0 = hw.liveCounters();
  const c = new hw.Counter(10);
  assert.equal(hw.liveCounters(), live0 + 1);
  assert.equal(c.inc(5), 15);
  assert.equal(c.value, 15);
  c.value = 7;
  assert.equal(c.inc(1), 8);
  assert.equal(new hw.Counter().value, 0);
  c.delete();
  assert.equal(hw.liveCounters(), live0 + 1); // the default-constructed one is still alive (until GC)
  assert.throws(() => c.inc(1), /deleted/);
}

// --- timings -----------------------------------------------------------------
const jsAdd = (a, b) => (a + b) | 0;
const N = { iterations: 2_000_000, warmup: 200_000 };
const counter = new hw.Counter(0);
const rows = [
  measure('js add (reference)', (n) => { let s = 0; for (let i = 0; i < n; i++) s = jsAdd(s, 1); return s; }, N),
  measure('handwritten add', (n) => { let s = 0; for (let i = 0; i < n; i++) s = hw.add(s, 1); return s; }, N),
  measure('handwritten cAdd', (n) => { let s = 0; for (let i = 0; i < n; i++) s = hw.cAdd(s, 1); return s; }, N),
  measure('koffi c_add', (n) => { let s = 0; for (let i = 0; i < n; i++) s = koffiAdd(s, 1); return s; }, N),
  measure('handwritten hypot2', (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.hypot2(i, 0.5); return s; }, N),
  measure('handwritten over(int)', (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over(i); return s; }, N),
  measure('handwritten over(double)', (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over(i + 0.5); return s; }, N),
  measure('handwritten over(string)', (n) => { let s = 0; for (let i = 0; i < n; i++) s += hw.over('hello').length; return s; }, N),
  measure('handwritten Counter.inc', (n) => { let s = 0; for (let i = 0; i < n; i++) s = counter.inc(1); return s; }, N),
  measure('handwritten Counter.value get', (n) => { let s = 0; for (let i = 0; i < n; i++) s += counter.value; return s; }, N),
  measure('handwritten Counter.value set', (n) => { for (let i = 0; i < n; i++) counter.value = i; return counter.value; }, N),
  measure('handwritten new Counter + delete', (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const c = new hw.Counter(i); s += c.value; c.delete(); }
    return s;
  }, { iterations: 500_000, warmup: 50_000 }),
];
table(rows.map((r) => ({ case: r.name, 'ns/op (median)': r.nsPerOp, min: r.minNs, max: r.maxNs })));
