// examples/workers.mjs — worker_threads: the main thread and a pool of workers use the process's one interpreter at once.
import { Worker, isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import cppyy from 'cppjit';

// Declared once, by the main thread, before it starts the workers: what one thread declares, all
// threads see (any thread may cppdef or include).
if (isMainThread) {
  cppyy.cppdef(`
    namespace wx {
      // The number of primes in [from, to): CPU work worth spreading over threads.
      inline int primesIn(int from, int to) {
        int count = 0;
        for (int i = from < 2 ? 2 : from; i < to; ++i) {
          bool prime = true;
          for (int d = 2; d * d <= i; ++d) if (i % d == 0) { prime = false; break; }
          count += prime;
        }
        return count;
      }
      inline int apply(int (*f)(int), int x) { return f(x); }
    }
  `);
}
const { wx } = cppyy.gbl;

if (isMainThread) {
  const chunks = 4;
  const size = 500_000;
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: chunks }, (_, i) => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { from: i * size, to: (i + 1) * size } });
    w.on('message', resolve);
    w.on('error', reject);
  })));
  console.log(`primes below ${chunks * size}: ${counts.reduce((a, b) => a + b.count, 0)} in ${Math.round(performance.now() - started)} ms`);
  for (const c of counts) console.log(`  worker ${c.threadId}: ${c.count} primes; its JS callback ran on thread ${c.calledOn}`);
  // The main thread uses the same interpreter meanwhile and afterwards.
  console.log(`main thread: wx.primesIn(0, 100) = ${wx.primesIn(0, 100)}`);
} else {
  const count = wx.primesIn(workerData.from, workerData.to);
  let calledOn;
  wx.apply((x) => { calledOn = threadId; return x; }, 1); // C++ calls this worker's JS function
  parentPort.postMessage({ count, threadId, calledOn });
}
