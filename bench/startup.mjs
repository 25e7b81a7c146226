// bench/startup.mjs — start-up time of a fresh process: include('<vector>') plus a first std.vector['int'] push_back, cold and warm cache; heavy user headers run after run.
//
// Usage: node bench/startup.mjs   (env: STARTUP_RUNS=5; STARTUP_PARTS=std,headers)
// cold: CPPJIT_CACHE_DIR is a new empty directory, so the standard headers are parsed (and the
//       precompiled header is built afterwards, in the background: the script waits for that build
//       to end before the next run, so it does not compete for the CPU).
// warm: the precompiled header is present, the compiled-wrapper cache empty (a new script's first run).
// hot: both present (the same script run again: its call wrappers are linked from the cache).
// Each run is a new `node` process; it reports the time from before loading cppjit to the
// result of the first call, split into start (loading the addon, starting the interpreter),
// include('<vector>') and std.vector['int'] instantiation + construction + first push_back. `process` is the child's whole life, Node's own
// start-up included. Medians over the runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = root;  // the package's entry (dist/cppjit.js)
const runs = Number(process.env.STARTUP_RUNS || 5);

const child = `
const t0 = performance.now();
const cppyy = require(${JSON.stringify(entry)}).default;
const pch = cppyy.info().pch;
const t1 = performance.now();
cppyy.include('<vector>');
const t2 = performance.now();
const v = new cppyy.gbl.std.vector['int']();
v.push_back(1);
const result = v.size();
const t3 = performance.now();
if (result !== 1) throw new Error('wrong result ' + result);
const objectHits = cppyy.info().objectCache.hits;
console.log(JSON.stringify({ start: t1 - t0, include: t2 - t1, firstCall: t3 - t2, total: t3 - t0, pch, objectHits }));
`;

function once(cacheDir) {
  const env = { ...process.env, CPPJIT_CACHE_DIR: cacheDir };
  delete env.CPPJIT_DEBUG;
  const begin = performance.now();
  const r = spawnSync(process.execPath, ['-e', child], { env, encoding: 'utf8' });
  const wall = performance.now() - begin;
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), process: wall };
}

function waitForBuild(dir) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const names = existsSync(dir) ? readdirSync(dir) : [];
    if (names.some((n) => n.endsWith('.pch')) && !names.some((n) => n.endsWith('.lock'))) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error(`the precompiled header build in ${dir} did not finish`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const parts = (process.env.STARTUP_PARTS || 'std,headers').split(',');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cppjit-startup-bench-'));
const results = { cold: [], warm: [], hot: [] };
if (parts.includes('std')) try {
  for (let i = 0; i < runs; i++) {
    const dir = path.join(scratch, `cold-${i}`);
    const r = once(dir);
    if (r.pch !== null) throw new Error('a cold run loaded a precompiled header');
    results.cold.push(r);
    waitForBuild(dir);
  }
  const warmDir = path.join(scratch, 'cold-0');
  for (let i = 0; i < runs; i++) {
    rmSync(path.join(warmDir, 'objects'), { recursive: true, force: true });
    const r = once(warmDir);
    if (r.pch === null) throw new Error('a warm run did not load the precompiled header');
    if (r.objectHits !== 0) throw new Error('a warm run linked cached wrappers');
    results.warm.push(r);
  }
  for (let i = 0; i < runs; i++) {
    const r = once(warmDir);
    if (r.objectHits === 0) throw new Error('a hot run compiled its wrappers');
    results.hot.push(r);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const columns = ['start', 'include', 'firstCall', 'total', 'process'];
if (parts.includes('std')) {
  console.log(`start-up, median of ${runs} fresh processes (ms)\n`);
  console.log(['cache', ...columns].map((c) => c.padStart(10)).join(''));
  for (const kind of ['cold', 'warm', 'hot']) {
    const row = columns.map((c) => median(results[kind].map((r) => r[c])).toFixed(1).padStart(10));
    console.log(kind.padStart(10) + row.join(''));
  }
  console.log('\ntotal: from before loading cppjit to the result of the first call; process: the whole child, Node included.');
  console.log('targets (DESIGN.md): total < 300 ms cold, < 100 ms with the cache warm (warm: PCH only; hot: PCH and wrappers).');
}
if (parts.includes('headers')) await import('./startup-headers.mjs');
