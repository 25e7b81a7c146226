// test/async.test.ts — fn.async on the libuv pool (parallelism, results, exceptions, lifetimes) and JS callbacks called from other threads.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy, { CppError } from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const distIndex = fileURLToPath(new URL('../dist/cppjit.js', import.meta.url));

let as: any;
beforeAll(() => {
  cppyy.include(fixture('async.h'));
  as = cppyy.gbl.as;
});
beforeEach(async () => {
  await collectGarbage();
});

describe('fn.async', () => {
  it('returns a promise of the converted result, computed on another thread', async () => {
    const p = as.sleepy.async(10, 7);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(7);
    expect(await as.ranOffMain.async(1)).toBe(true);
    expect(as.ranOffMain(1)).toBe(false); // the synchronous call stays on this thread
    expect(await as.nap.async(1)).toBeUndefined();
    expect(await as.greet.async('pool')).toBe('hello pool'); // default argument omitted
    expect(await as.length.async('four', 1)).toBe(4);
    expect(await as.total.async([1, 2, 3, 4], 5)).toBe(10); // a JS array as const std::vector<int>&
  });

  it('resolves overloads like a synchronous call', async () => {
    expect(await as.sleepy.async(1, 2)).toBe(2);
    expect(await as.sleepy.async(1, 1.5)).toBe(15);
    expect(await as.sleepy.overload('int, double').async(1, 2)).toBe(20);
    expect(await as.twiceLater.async(2.5, 1)).toBe(5); // a function template, deduced
    expect(await as.twiceLater['std::string'].async('ab', 1)).toBe('abab'); // explicit arguments
  });

  it('runs concurrent calls in parallel and leaves the main thread free', async () => {
    await as.sleepy.async(1, 0); // compiled before timing
    const started = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const results = await Promise.all([0, 1, 2, 3].map((i) => as.sleepy.async(200, i)));
    clearInterval(timer);
    const elapsed = performance.now() - started;
    expect(results).toEqual([0, 1, 2, 3]);
    expect(elapsed).toBeLessThan(550); // one after the other: 800 ms
    expect(ticks).toBeGreaterThan(5); // the event loop kept turning meanwhile
  });

  it('rejects with CppError when the C++ call throws, and with TypeError for wrong arguments', async () => {
    const err = await as.fail.async(42, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CppError);
    expect(err.cppType).toBe('std::out_of_range');
    expect(err.what).toBe('code 42');
    await expect(as.sleepy.async('x', 1)).rejects.toThrow(TypeError);
    await expect(as.sleepy.async(1)).rejects.toThrow(/no overload of as::sleepy/);
    expect(await as.sleepy.async(1, 3)).toBe(3); // still usable
  });

  it('keeps C struct literals intact while synchronous calls reuse their conversion space', async () => {
    const pending = as.slowLength.async({ from: 1, to: 11 }, 80);
    for (let i = 0; i < 50; i++) expect(as.slowLength({ from: i, to: 2 * i }, 0)).toBe(i);
    expect(await pending).toBe(10);
  });

  it('many concurrent calls are safe', async () => {
    const n = 200;
    const calls = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? as.greet.async(`n${i}`, 0) : as.sleepy.async(0, i)));
    const results = await Promise.all(calls);
    results.forEach((r, i) => expect(r).toBe(i % 3 === 0 ? `hello n${i}` : i));
  });

  it('works on methods, with the object as this or as first argument', async () => {
    const c = new as.Counter(5);
    expect(await c.slowGet.async(c, 5)).toBe(5);
    expect(await c.slowAdd.async.call(c, 3, 5)).toBe(8);
    expect(c.value).toBe(8);
    await expect(c.slowGet.async(5)).rejects.toThrow(TypeError);
    c.delete();
  });

  it('returns objects owned by JS, and borrowed references as the same object', async () => {
    const before = as.Counter.alive;
    const made = await as.makeCounter.async(9, 5);
    expect(made).toBeInstanceOf(as.Counter);
    expect(made.value).toBe(9);
    expect(as.Counter.alive).toBe(before + 1);
    made.delete();
    expect(as.Counter.alive).toBe(before);
    const c = new as.Counter(1);
    expect(await c.self.async(c)).toBe(c);
    c.delete();
  });

  it('keeps the objects and strings it was given alive until it completes', async () => {
    const before = as.Counter.alive;
    // Nothing but the pending call references this object: without it, GC would run its destructor.
    const p = as.readLater.async(new as.Counter(33), 400);
    await collectGarbage(3);
    expect(as.Counter.alive).toBe(before + 1);
    expect(await p).toBe(33);
    const long = 'x'.repeat(100000);
    expect(await as.length.async(long.slice(1), 50)).toBe(99999);
    await collectGarbage();
    expect(as.Counter.alive).toBe(before);
  });
});

describe('callbacks from other threads', () => {
  it('a std::function called on the pool runs the JS function on the main thread', async () => {
    const threads = new Set<boolean>();
    const r = await as.applyLater.async((x: number) => {
      threads.add(as.offMainThread());
      return x * 2;
    }, 20, 5);
    expect(r).toBe(41);
    expect([...threads]).toEqual([false]);
    expect(await as.describeLater.async((c: any) => `v=${c.value}`, 4)).toBe('v=4!');
  });

  it('a JS exception in such a callback rejects the promise with the same value', async () => {
    const boom = new RangeError('from JS');
    await expect(as.applyLater.async(() => { throw boom; }, 1, 1)).rejects.toBe(boom);
  });

  it('function pointers called from std::threads the C++ created', async () => {
    const seen: number[] = [];
    const f = (i: number) => {
      seen.push(i);
      return i * 10;
    };
    expect(await as.fanOut.async(f, 6)).toBe(150);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a synchronous call that waits for a thread calling back fails with a CppError instead of hanging', () => {
    const started = performance.now();
    let err: any;
    try {
      as.viaThread((x: number) => x + 1, 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CppError);
    expect(err.what).toMatch(/main thread is blocked.*fn\.async/);
    expect(performance.now() - started).toBeLessThan(5000);
    // C++ can catch it like any exception; the same call through fn.async works.
    expect(as.catchOnThread((x: number) => x)).toMatch(/^caught: cppjit: a JS callback was called on another thread/);
    return expect(as.viaThread.async((x: number) => x + 1, 1)).resolves.toBe(2);
  });

  it('a callback waits while the main thread is busy (not blocked) in a synchronous call, then runs', async () => {
    const p = as.applyLater.async((x: number) => x * 2, 5, 10);
    as.spin(700); // the pool thread calls back meanwhile and must wait, not fail
    expect(await p).toBe(11);
  });

  it('std::async and std::call_once work in JIT-compiled code (libstdc++ thread_locals are bridged)', async () => {
    expect(as.futureSum(10)).toBe(285);
    expect(await as.futureSum.async(5)).toBe(30);
  });

  it('callbacks on the main thread keep the direct path', () => {
    expect(as.applyLater((x: number) => x * 3, 2, 0)).toBe(7);
  });
});

describe('worker_threads', () => {
  it('a worker can start the interpreter: sync calls, fn.async and callbacks from threads work there; it outlives the worker', () => {
    // A process whose main thread never loads cppjit; its worker does.
    const script = `
      const { Worker } = require('node:worker_threads');
      const workerCode = \`
        const { parentPort, workerData } = require('node:worker_threads');
        const cppyy = require(workerData.dist).default;
        cppyy.include(workerData.header);
        const as = cppyy.gbl.as;
        (async () => {
          const sync = as.sleepy(1, 5);
          const offMain = as.offMainThread();
          const parallel = await Promise.all([as.sleepy.async(50, 1), as.greet.async('worker', 5)]);
          const fanned = await as.fanOut.async((i) => i + 1, 4);
          let error = '';
          try { as.fail(3, 0); } catch (e) { error = e.constructor.name + ': ' + e.what; }
          parentPort.postMessage({ sync, offMain, parallel, fanned, error });
          // Still running on the pool (and calling back) when the worker is terminated.
          as.nap.async(300);
          as.applyLater.async((x) => x, 1, 200);
          parentPort.postMessage('pending');
        })().catch((e) => parentPort.postMessage({ failed: String(e && e.stack || e) }));
      \`;
      const w = new Worker(workerCode, { eval: true, workerData: ${JSON.stringify({ dist: distIndex, header: fixture('async.h') })} });
      w.on('message', (m) => { if (m === 'pending') w.terminate(); else console.log(JSON.stringify(m)); });
      w.on('error', (e) => { console.log(JSON.stringify({ failed: String(e && e.stack || e) })); });
      w.on('exit', () => {
        // The interpreter stayed (idle) when its only user exited: this thread joins it, and sees
        // what the worker declared.
        const cppyy = require(${JSON.stringify(distIndex)}).default;
        try { console.log(JSON.stringify({ after: cppyy.gbl.as.sleepy(0, 7) })); }
        catch (e) { console.log(JSON.stringify({ after: e.message })); }
      });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    const [result, after] = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(result).toEqual({ sync: 5, offMain: false, parallel: [1, 'hello worker'], fanned: 10, error: 'CppError: code 3' });
    expect(after.after).toBe(7);
  });
});

describe('exceptions no C++ handler catches on a std::thread', () => {
  // Child processes: what is raised is an uncaught exception of that process.
  const child = (body: string, handler = true) => {
    const script = `
      const cppyy = require(${JSON.stringify(distIndex)}).default;
      cppyy.include(${JSON.stringify(fixture('async.h'))});
      const as = cppyy.gbl.as;
      ${handler ? "process.on('uncaughtException', (e) => console.log('uncaught ' + e.constructor.name + ': ' + e.message));" : ''}
      (async () => { ${body} })();
    `;
    return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  };

  it('a JS callback that throws there: raised in JS as uncaught, the thread gets a zero result, no abort', () => {
    const r = child(`
      console.log('result ' + await as.onBareThread.async((x) => { throw new RangeError('boom ' + x); }, 3));
      await as.onBareThreadVoid.async(() => { throw new TypeError('void boom'); });
      console.log('void returned');
      // A thread that catches still gets the exception as a C++ exception, rethrown to JS by the call.
      try { await as.viaThread.async((x) => { throw new Error('caught ' + x); }, 4); } catch (e) { console.log('rejected ' + e.message); }
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(
      ['rejected caught 4', 'result 1', 'uncaught RangeError: boom 3', 'uncaught TypeError: void boom', 'void returned'].sort());
  });

  it("the deadlock guard's error there: raised in JS as uncaught once the blocked call returns", () => {
    const r = child(`console.log('result ' + as.onBareThread((x) => x * 2, 3));`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^result 1\nuncaught Error: cppjit: a JS callback was called on another thread while the main thread is blocked/);
  });

  it('without an uncaughtException handler the process ends as for any uncaught JS error (status 1, not an abort)', () => {
    const r = child(`await as.onBareThread.async((x) => { throw new Error('unhandled ' + x); }, 5);`, false);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Error: unhandled 5/);
  });
});
