// bench/async.mjs — the cost of fn.async (a libuv pool round trip) against a synchronous call, and its parallel speed-up on slow calls.
//
// Usage: node bench/async.mjs   (BENCH_SCALE=1 multiplies the call counts)
import cppyy from '../esm/index.mjs';

const SCALE = Math.max(0.01, Number(process.env.BENCH_SCALE ?? 1));
cppyy.cppdef(`
  #include <chrono>
  #include <thread>
  namespace abench {
    int add(int a, int b) { return a + b; }
    int slow(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); return ms; }
  }
`);
const { abench } = cppyy.gbl;

const ms = (t0) => performance.now() - t0;

// Synchronous baseline.
const syncN = Math.round(1_000_000 * SCALE);
abench.add(1, 2);
let t0 = performance.now();
let sink = 0;
for (let i = 0; i < syncN; i++) sink += abench.add(i, 1);
const syncNs = (ms(t0) * 1e6) / syncN;

// One call at a time: latency of a pool round trip (queue, run, complete, settle the promise).
const seqN = Math.round(5_000 * SCALE);
await abench.add.async(1, 2);
t0 = performance.now();
for (let i = 0; i < seqN; i++) sink += await abench.add.async(i, 1);
const seqUs = (ms(t0) * 1e3) / seqN;

// Many in flight: throughput when the pool and the main thread overlap.
const batch = 1000;
const batches = Math.max(1, Math.round(20 * SCALE));
t0 = performance.now();
for (let b = 0; b < batches; b++) {
  const results = await Promise.all(Array.from({ length: batch }, (_, i) => abench.add.async(i, 1)));
  sink += results.length;
}
const parUs = (ms(t0) * 1e3) / (batch * batches);

// Slow calls: 8 calls of 50 ms each, sequential vs concurrent (UV_THREADPOOL_SIZE, default 4).
t0 = performance.now();
for (let i = 0; i < 8; i++) abench.slow(50);
const slowSync = ms(t0);
t0 = performance.now();
await Promise.all(Array.from({ length: 8 }, () => abench.slow.async(50)));
const slowAsync = ms(t0);

console.log(`| case | result |
| --- | --- |
| sync \`abench.add(i, 1)\` | ${syncNs.toFixed(1)} ns/call |
| \`await abench.add.async(i, 1)\`, one at a time | ${seqUs.toFixed(1)} µs/call |
| \`abench.add.async\`, ${batch} in flight | ${parUs.toFixed(2)} µs/call |
| 8 × 50 ms C++ sleeps: sync vs \`.async\` together | ${slowSync.toFixed(0)} ms vs ${slowAsync.toFixed(0)} ms (pool size ${process.env.UV_THREADPOOL_SIZE ?? 4}) |
(sink ${sink})`);
