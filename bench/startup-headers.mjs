// bench/startup-headers.mjs — include() of heavy user headers in run after run: first run, second run (precompiled after the first), after an edit.
//
// Usage: node bench/startup-headers.mjs (also run by bench/startup.mjs)   (env: STARTUP_RUNS=3)
// Each case is a script of its own that includes a library and a small header of its own (the one
// edited), in a cache directory that already has the standard headers' PCH. first: nothing of
// the case cached (the script's leading includes are recorded at exit and precompiled in the
// background; the bench waits for that build). second: the next run, on that PCH. edited: the
// small header changed (same size), so the PCH is stale: parsed as in a first run. CPU is the
// process's (all threads) during the include calls; start is the interpreter start before them
// (a run on a user PCH starts ~50 ms slower, on the prestart thread); RSS after the includes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.STARTUP_RUNS || 3);

// 10,000 declarations: 5,000 functions and 1,250 structs of a field, a method and a constructor.
function generated() {
  let text = '#pragma once\nnamespace gen {\n';
  for (let i = 0; i < 5000; i++) text += `inline int f${i}(int x) { return x + ${i}; }\n`;
  for (let i = 0; i < 1250; i++) text += `struct S${i} { int a = ${i}; S${i}() = default; int get(int x) const { return a * x; } };\n`;
  return text + '}\n';
}

const cases = [
  { name: 'nlohmann/json', headers: ['nlohmann/json.hpp'], need: '/usr/include/nlohmann/json.hpp', use: "String(cppyy.gbl.nlohmann.json.parse('[1,2]').dump())", expect: '[1,2]' },
  { name: 'Eigen/Dense', dirs: ['/usr/include/eigen3'], headers: ['Eigen/Dense'], need: '/usr/include/eigen3/Eigen/Dense', use: 'cppyy.gbl.Eigen.Matrix2d.Identity().trace()', expect: 2 },
  { name: 'json + Eigen', dirs: ['/usr/include/eigen3'], headers: ['nlohmann/json.hpp', 'Eigen/Dense'], need: '/usr/include/eigen3/Eigen/Dense', use: "String(cppyy.gbl.nlohmann.json.parse('[1,2]').dump())", expect: '[1,2]' },
  { name: 'Boost.Multiprecision', headers: ['boost/multiprecision/cpp_int.hpp'], need: '/usr/include/boost/multiprecision/cpp_int.hpp', use: "String(new cppyy.gbl.boost.multiprecision.cpp_int('12345678901234567890').str())", expect: '12345678901234567890' },
  { name: 'generated (10,000 decls)', headers: ['gen.h'], generate: true, use: 'cppyy.gbl.gen.f42(1)', expect: 43 },
];

const child = (c, dir) => `
const cppyy = require(${JSON.stringify(root)}).default;
const s0 = process.cpuUsage();
cppyy.info();
const s1 = process.cpuUsage(s0);
const c0 = process.cpuUsage(); const w0 = performance.now();
cppyy.addIncludePath(${JSON.stringify(dir)});
for (const d of ${JSON.stringify(c.dirs || [])}) cppyy.addIncludePath(d);
for (const h of ${JSON.stringify(c.headers)}) cppyy.include(h);
cppyy.include('mine.h');
const w1 = performance.now(); const c1 = process.cpuUsage(c0);
const rss = process.memoryUsage().rss / 2 ** 20;
const result = ${c.use};
if (result !== ${JSON.stringify(c.expect)} || cppyy.gbl.mine.v() !== Number(process.env.MINE)) throw new Error('wrong result ' + result);
console.log(JSON.stringify({ start: (s1.user + s1.system) / 1000, cpu: (c1.user + c1.system) / 1000, wall: w1 - w0, rss, loaded: cppyy.info().headerCache.path, status: cppyy.info().headerCache.status }));
`;

function once(script, cacheDir, mine) {
  // Every case is precompiled, even one that parses faster than the default 150 ms threshold.
  const env = { ...process.env, CPPJIT_CACHE_DIR: cacheDir, MINE: String(mine), CPPJIT_HEADER_CACHE_MIN_MS: '0' };
  delete env.CPPJIT_DEBUG;
  delete env.CPPJIT_HEADER_CACHE;
  const r = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function waitForBuild(dir, before) {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const names = existsSync(dir) ? readdirSync(dir) : [];
    const pchs = names.filter((n) => n.endsWith('.pch')).sort().join();
    if (pchs !== before && !names.some((n) => n.endsWith('.lock') || n.endsWith('.tmp'))) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error(`the build in ${dir} did not finish`);
}
const pchList = (dir) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.pch')).sort().join() : '');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const scratch = mkdtempSync(path.join(os.tmpdir(), 'cppjit-headers-bench-'));
const rows = [];
try {
  const cacheDir = path.join(scratch, 'cache');
  const built = spawnSync(process.execPath, [path.join(root, 'dist', 'pch-build.js')], { env: { ...process.env, CPPJIT_CACHE_DIR: cacheDir } });
  if (built.status !== 0) throw new Error('cannot build the standard headers PCH');
  const headersDir = path.join(cacheDir, 'headers');
  for (const c of cases) {
    if (c.need && !existsSync(c.need)) {
      console.log(`(skipped ${c.name}: ${c.need} not installed)`);
      continue;
    }
    const samples = { first: [], second: [], edited: [] };
    for (let i = 0; i < runs; i++) {
      const dir = path.join(scratch, `${rows.length}-${i}`);
      mkdirSync(dir);
      if (c.generate) writeFileSync(path.join(dir, 'gen.h'), generated());
      const mine = (v) => writeFileSync(path.join(dir, 'mine.h'), `#pragma once\nnamespace mine { inline int v() { return ${v}; } }\n`);
      mine(1);
      const script = path.join(dir, 'run.js');
      writeFileSync(script, child(c, dir));
      const before = pchList(headersDir);
      const first = once(script, cacheDir, 1);
      if (first.loaded) throw new Error('a first run loaded a precompiled header');
      samples.first.push(first);
      waitForBuild(headersDir, before);
      const second = once(script, cacheDir, 1);
      if (!second.loaded) throw new Error(`${c.name}: a second run did not load the precompiled header (${second.status})`);
      samples.second.push(second);
      mine(2);
      const edited = once(script, cacheDir, 2);
      if (edited.loaded) throw new Error('a run after an edit loaded the stale precompiled header');
      samples.edited.push(edited);
      // That run's exit started a rebuild: let it end before the next measurement.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
      waitForBuild(headersDir, '');
    }
    rows.push({ name: c.name, samples });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`\ninclude() of user headers, median of ${runs} scripts (CPU and wall ms of the include calls; start CPU ms; RSS MB after)\n`);
const head = ['headers', 'first cpu', 'wall', 'second cpu', 'wall', 'start', 'edited cpu', 'wall', 'RSS 1st', 'RSS 2nd'];
console.log(head.map((h, i) => (i === 0 ? h.padEnd(26) : h.padStart(11))).join(''));
for (const { name, samples } of rows) {
  const m = (kind, key) => median(samples[kind].map((r) => r[key]));
  const cells = [m('first', 'cpu'), m('first', 'wall'), m('second', 'cpu'), m('second', 'wall'), m('second', 'start'), m('edited', 'cpu'), m('edited', 'wall'), m('first', 'rss'), m('second', 'rss')];
  console.log(name.padEnd(26) + cells.map((v) => v.toFixed(v >= 100 ? 0 : 1).padStart(11)).join(''));
}
console.log('\ntarget (issue 18): the second run\'s include() of nlohmann/json + Eigen/Dense <= 150 ms CPU.');
