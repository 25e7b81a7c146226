// test/startup.test.ts — the on-disk precompiled header of the standard headers, exercised through child processes.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import cppyy from '../esm/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// The package's entry, as users load it: the bundles dist/cppjit.js + dist/cppjit-core.js.
const entry = root;
const builder = path.join(root, 'dist', 'pch-build.js');

// What each child process does: a first use of <vector>, then a report of how it started.
const firstUse = `
const cppyy = require(${JSON.stringify(entry)}).default;
cppyy.include('<vector>');
cppyy.cppdef('#include <vector>\\nint startup_f() { std::vector<int> v; v.push_back(1); v.push_back(2); return v.size(); }');
console.log(JSON.stringify({ result: cppyy.gbl.startup_f(), ...cppyy.info() }));
`;

interface Report {
  result: number;
  pch: string | null;
  pchStatus: string;
}

function environment(cacheDir: string): NodeJS.ProcessEnv {
  const env = { ...process.env, CPPJIT_CACHE_DIR: cacheDir };
  delete env.CPPJIT_DEBUG;
  return env;
}

function parse(stdout: string, stderr: string, status: number | null): Report {
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Report;
}

function run(cacheDir: string, code = firstUse): Report {
  const child = spawnSync(process.execPath, ['-e', code], { env: environment(cacheDir), encoding: 'utf8' });
  return parse(child.stdout, child.stderr, child.status);
}

function runAsync(cacheDir: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', firstUse], { env: environment(cacheDir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve(parse(stdout, stderr, status));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function buildNow(cacheDir: string, extraEnv: NodeJS.ProcessEnv = {}): void {
  const env = { ...environment(cacheDir), ...extraEnv };
  const child = spawnSync(process.execPath, [builder], { env, encoding: 'utf8' });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
}

const pchFiles = (dir: string) => fs.readdirSync(dir).filter((f) => /^std-[0-9a-f]{16}-[0-9a-f]{16}\.pch$/.test(f));

/** Waits until the background build is over: a PCH file exists and no build lock is left. */
async function settled(dir: string): Promise<string[]> {
  for (const deadline = Date.now() + 50_000; Date.now() < deadline; ) {
    const names = fs.readdirSync(dir);
    if (pchFiles(dir).length > 0 && !names.some((f) => f.endsWith('.lock'))) return pchFiles(dir);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no precompiled header appeared in ${dir}: ${fs.readdirSync(dir).join(', ')}`);
}

const scratchDirs: string[] = [];
const scratch = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cppjit-startup-'));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('startup: precompiled header cache', () => {
  it('is in use in this test run (built by the global setup)', () => {
    expect(cppyy.info().pch).toMatch(/std-[0-9a-f]{16}-[0-9a-f]{16}\.pch$/);
    expect(cppyy.info().pchStatus).toMatch(/^loaded /);
  });

  it('creates the cache directory 0700, builds the PCH after the first use, and the next process loads it', async () => {
    const dir = path.join(scratch(), 'nested', 'cache');
    const first = run(dir);
    expect(first).toMatchObject({ result: 2, pch: null });
    expect(first.pchStatus).toMatch(/not built yet/);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    const [name] = await settled(dir);
    const second = run(dir);
    expect(second).toMatchObject({ result: 2, pch: path.join(dir, name), pchStatus: `loaded ${path.join(dir, name)}` });
  });

  it('lets two processes start at once: both succeed, one build happens', async () => {
    const dir = path.join(scratch(), 'cache');
    const reports = await Promise.all([runAsync(dir), runAsync(dir)]);
    for (const r of reports) expect(r).toMatchObject({ result: 2, pch: null });
    expect(reports.filter((r) => /a build is needed/.test(r.pchStatus))).toHaveLength(1);
    expect(await settled(dir)).toHaveLength(1);
    expect(run(dir).pch).not.toBeNull();
  });

  it('rebuilds a corrupted PCH instead of loading it', async () => {
    const dir = path.join(scratch(), 'cache');
    buildNow(dir);
    const [name] = pchFiles(dir);
    const file = path.join(dir, name);
    const bytes = fs.readFileSync(file);
    for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 4096; i += 7) bytes[i] ^= 0x5a;
    fs.writeFileSync(file, bytes);
    const damaged = run(dir);
    expect(damaged).toMatchObject({ result: 2, pch: null });
    expect(damaged.pchStatus).toMatch(/corrupt/);
    await settled(dir);
    expect(run(dir).pch).not.toBeNull();

    fs.truncateSync(file, 100_000);
    const truncated = run(dir);
    expect(truncated).toMatchObject({ result: 2, pch: null });
    expect(truncated.pchStatus).toMatch(/corrupt/);
    await settled(dir);
    expect(run(dir).pch).not.toBeNull();
  });

  it('rebuilds a PCH older than the headers it was made from', async () => {
    const dir = path.join(scratch(), 'cache');
    buildNow(dir);
    const [name] = pchFiles(dir);
    const old = new Date('2000-01-01T00:00:00Z');
    fs.utimesSync(path.join(dir, name), old, old);
    const stale = run(dir);
    expect(stale).toMatchObject({ result: 2, pch: null });
    expect(stale.pchStatus).toMatch(/stale \(.* is newer\)/);
    await settled(dir);
    expect(fs.statSync(path.join(dir, pchFiles(dir)[0])).mtimeMs).toBeGreaterThan(old.getTime());
    expect(run(dir).pch).not.toBeNull();
  });

  it('keys the PCH by the compiler flags: other flags use another file', () => {
    const dir = path.join(scratch(), 'cache');
    buildNow(dir);
    const [name] = pchFiles(dir);
    const code = firstUse.replace('const cppyy', 'process.env.CPPJIT_EXTRA_ARGS = "-DSTARTUP_FLAG=1"; const cppyy');
    const other = run(dir, code);
    expect(other).toMatchObject({ result: 2, pch: null });
    expect(other.pchStatus).toMatch(/not built yet/);
    expect(run(dir).pch).toBe(path.join(dir, name));
  });

  it('refuses a PCH made with other flags or another header search path, even under the right name', () => {
    const reference = path.join(scratch(), 'cache');
    buildNow(reference);
    const key = pchFiles(reference)[0].slice('std-'.length, 'std-'.length + 16);
    const foreign: [NodeJS.ProcessEnv, RegExp][] = [
      [{ CPPJIT_EXTRA_ARGS: '-DSTARTUP_OTHER=1' }, /built by another compiler version or with other options/],
      [{ CPLUS_INCLUDE_PATH: scratch() }, /built with another header search path/],
    ];
    for (const [env, reason] of foreign) {
      const other = path.join(scratch(), 'cache');
      buildNow(other, env);
      const [name] = pchFiles(other);
      const dir = path.join(scratch(), 'cache');
      fs.mkdirSync(dir, { mode: 0o700 });
      // Its checksum still matches its name: only the checks of how it was made can tell.
      fs.copyFileSync(path.join(other, name), path.join(dir, `std-${key}-${name.slice(-20)}`));
      const report = run(dir);
      expect(report).toMatchObject({ result: 2, pch: null });
      expect(report.pchStatus).toMatch(reason);
    }
  });

  it('falls back silently when the cache directory is unusable', () => {
    const base = scratch();
    const file = path.join(base, 'a-file');
    fs.writeFileSync(file, '');
    const underFile = run(path.join(file, 'cache'));
    expect(underFile).toMatchObject({ result: 2, pch: null });
    expect(underFile.pchStatus).toMatch(/cache directory unusable/);

    const shared = path.join(base, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    const open = run(shared);
    expect(open).toMatchObject({ result: 2, pch: null });
    expect(open.pchStatus).toMatch(/writable by other users/);
    expect(fs.readdirSync(shared)).toEqual([]);
  });

  it('behaves the same with and without the PCH: diagnostics, rollback, exceptions', async () => {
    const script = `
const cppyy = require(${JSON.stringify(entry)}).default;
const out = [];
const attempt = (f) => { try { return f(); } catch (e) { return { error: e.constructor.name, message: e.message, diagnostics: e.diagnostics }; } };
out.push(attempt(() => cppyy.cppdef('int startup_broken( {')));
out.push(attempt(() => { cppyy.cppdef('#include <string>\\nint startup_len(const std::string& s) { return s.size(); }'); return cppyy.gbl.startup_len('four'); }));
out.push(attempt(() => cppyy.cppdef('int startup_len(const std::string& s) { return 0; }')));
out.push(attempt(() => cppyy.gbl.startup_len('abc')));
out.push(attempt(() => cppyy.cppdef('int startup_m() { std::string s("abc"); return s.size() + nope; }')));
out.push(attempt(() => { cppyy.cppdef('#include <algorithm>\\nint startup_max(int a, int b) { return std::max(a, b); }'); return cppyy.gbl.startup_max(3, 4); }));
// Definitions read from the PCH while an input with an error is parsed must still be generated later.
out.push(attempt(() => cppyy.cppdef('int startup_e(unsigned a) { nope; return std::__detail::__to_chars_len(a); }')));
out.push(attempt(() => { cppyy.cppdef('int startup_len10(unsigned a) { return std::__detail::__to_chars_len(a); }'); return cppyy.gbl.startup_len10(12345); }));
out.push(attempt(() => { cppyy.include('<stdexcept>'); return cppyy.cppexec('throw std::out_of_range("range");'); }));
out.push(attempt(() => { cppyy.cppdef('#include <sstream>\\nstd::string startup_fmt(double d) { std::ostringstream o; o << d; return o.str(); }'); return cppyy.gbl.startup_fmt(1.5); }));
out.push(attempt(() => cppyy.evaluate('std::string("xyz").size()')));
// What the prelude's string/callback/async half serves (loaded on first need without the PCH).
out.push(attempt(() => { cppyy.cppdef('#include <string_view>\\nstd::string_view startup_sv(const char* s) { return std::string_view(s).substr(1); }'); return cppyy.gbl.startup_sv('abc'); }));
out.push(attempt(() => { cppyy.cppdef('int startup_cb(int (*f)(int)) { return f(20) + 1; }'); return cppyy.gbl.startup_cb((x) => x * 2); }));
cppyy.gbl.startup_max.async(7, 9).then((v) => {
  out.push(v);
  console.log(JSON.stringify({ out, ...cppyy.info() }));
});
`;
    const dir = path.join(scratch(), 'cache');
    buildNow(dir);
    const withPch = run(dir, script) as Report & { out: unknown[] };
    const file = path.join(scratch(), 'a-file');
    fs.writeFileSync(file, '');
    const without = run(path.join(file, 'cache'), script) as Report & { out: unknown[] };
    expect(withPch.pch).not.toBeNull();
    expect(without.pch).toBeNull();
    expect(withPch.out).toEqual(without.out);
    expect(withPch.out[3]).toBe(3);
    expect(withPch.out[7]).toBe(5);
    expect(withPch.out[8]).toMatchObject({ error: 'CppError' });
    expect(withPch.out.slice(-3)).toEqual(['bc', 41, 9]);
  });
});

describe('startup: compiled-wrapper (object) cache', () => {
  interface CacheReport extends Report {
    out: unknown[];
    objectCache: { directory: string | null; hits: number; stored: number };
  }
  // A script that uses a header of its own, a std class template, a method, a free function and
  // an exception: each needs wrappers compiled, which the second process should link instead.
  const script = (header: string) => `
const cppyy = require(${JSON.stringify(entry)}).default;
cppyy.include('<vector>');
cppyy.include(${JSON.stringify(header)});
const out = [];
out.push(cppyy.gbl.objc.answer());
const v = new cppyy.gbl.std.vector['int']();
v.push_back(4); v.push_back(5);
out.push(v.size(), v[1]);
const b = new cppyy.gbl.objc.Box(7);
out.push(b.twice());
try { cppyy.gbl.objc.fail(); } catch (e) { out.push(e.constructor.name + ': ' + e.message); }
console.log(JSON.stringify({ out, result: 0, ...cppyy.info() }));
`;
  const header = (answer: number) =>
    `#pragma once\n#include <stdexcept>\nnamespace objc {\ninline int answer() { return ${answer}; }\n` +
    `struct Box { int v; explicit Box(int v) : v(v) {} int twice() const { return 2 * v; } };\n` +
    `inline void fail() { throw std::runtime_error("objc"); }\n}\n`;
  /** A cache directory with its PCH built (else one built between two runs would start a new history) and a header. */
  const prepared = (text: string) => {
    const dir = path.join(scratch(), 'cache');
    buildNow(dir);
    const file = path.join(scratch(), 'objc.h');
    fs.writeFileSync(file, text);
    return { dir, file };
  };

  it('a second process with the same steps links the stored wrappers and behaves the same', () => {
    const { dir, file } = prepared(header(1));
    const first = run(dir, script(file)) as CacheReport;
    expect(first.out).toEqual([1, 2, 5, 14, 'CppError: std::runtime_error: objc']);
    expect(first.objectCache.directory).toBe(path.join(dir, 'objects'));
    expect(first.objectCache.hits).toBe(0);
    expect(first.objectCache.stored).toBeGreaterThanOrEqual(5);
    expect((fs.statSync(first.objectCache.directory!).mode & 0o777).toString(8)).toBe('700');
    const second = run(dir, script(file)) as CacheReport;
    expect(second.out).toEqual(first.out);
    expect(second.objectCache.hits).toBe(first.objectCache.stored);
    expect(second.objectCache.stored).toBe(0);
  });

  it("a class's first construction compiles its constructor and deleter in one input", () => {
    const { dir, file } = prepared(header(1));
    const code = `
const cppyy = require(${JSON.stringify(entry)}).default;
cppyy.include(${JSON.stringify(file)});
const before = cppyy.info().objectCache.stored;
const b = new cppyy.gbl.objc.Box(7);
const afterConstruction = cppyy.info().objectCache.stored;
b.delete();
console.log(JSON.stringify({ result: 0, out: [afterConstruction - before, cppyy.info().objectCache.stored - before] }));
`;
    const report = run(dir, code) as CacheReport;
    // One stored object for the constructor with the deleter; delete() needed no compile of its own.
    expect(report.out).toEqual([1, 1]);
  });

  it('keeps the directory under 4,096 files, dropping the least recently used first', async () => {
    const { dir, file } = prepared(header(3));
    const objects = path.join(dir, 'objects');
    fs.mkdirSync(objects, { mode: 0o700 });
    const old = new Date('2001-01-01T00:00:00Z');
    for (let i = 0; i < 4200; i++) {
      const name = path.join(objects, `stale-${i}`);
      fs.writeFileSync(name, 'x');
      fs.utimesSync(name, old, old);
    }
    // The listing runs on a thread of its own: the process stays a little longer than its script.
    const report = run(dir, `${script(file)}\nsetTimeout(() => {}, 500);\n`) as CacheReport;
    expect(report.out[0]).toBe(3);
    const deadline = Date.now() + 10_000;
    while (fs.readdirSync(objects).length > 3072 + report.objectCache.stored && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const left = fs.readdirSync(objects);
    expect(left.length).toBeLessThanOrEqual(3072 + report.objectCache.stored);
    // What this process stored is the most recently used: it stays.
    expect(left.filter((n) => !n.startsWith('stale-')).length).toBe(report.objectCache.stored);
  });

  it('an edited header (same size, same mtime second) is a new history: nothing stale is linked', () => {
    const { dir, file } = prepared(header(1));
    const stamp = fs.statSync(file).mtime;
    expect((run(dir, script(file)) as CacheReport).out[0]).toBe(1);
    fs.writeFileSync(file, header(2));
    fs.utimesSync(file, stamp, stamp);
    const edited = run(dir, script(file)) as CacheReport;
    expect(edited.out[0]).toBe(2);
    expect(edited.objectCache.hits).toBe(0);
  });

  it('ignores damaged objects, and compiles (and stores) them again', () => {
    const { dir, file } = prepared(header(3));
    const first = run(dir, script(file)) as CacheReport;
    const objects = first.objectCache.directory!;
    const names = fs.readdirSync(objects);
    expect(names.length).toBe(first.objectCache.stored);
    names.forEach((name, i) => {
      const target = path.join(objects, name);
      const bytes = fs.readFileSync(target);
      if (i % 2) fs.writeFileSync(target, bytes.subarray(0, bytes.length >> 1));  // truncated
      else fs.writeFileSync(target, Buffer.concat([Buffer.from([bytes[0] ^ 0xff]), bytes.subarray(1)]));  // flipped
    });
    const again = run(dir, script(file)) as CacheReport;
    expect(again.out).toEqual([3, 2, 5, 14, 'CppError: std::runtime_error: objc']);
    expect(again.objectCache.hits).toBe(0);
    expect(again.objectCache.stored).toBe(first.objectCache.stored);
  });

  it('is off, silently, where the cache directory is unusable', () => {
    const shared = path.join(scratch(), 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o777);
    const file = path.join(scratch(), 'objc.h');
    fs.writeFileSync(file, header(4));
    const report = run(shared, script(file)) as CacheReport;
    expect(report.out[0]).toBe(4);
    expect(report.objectCache).toEqual({ directory: null, hits: 0, stored: 0 });
    expect(fs.readdirSync(shared)).toEqual([]);
  });
});

describe('startup: the interpreter starts while the modules load', () => {
  const debugRun = (code: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['-e', code], {
      env: { ...environment(path.join(scratch(), 'cache')), CPPJIT_DEBUG: '1', ...extra },
      encoding: 'utf8',
    });

  it('the first use adopts the interpreter that loading cppjit started', () => {
    const child = debugRun(firstUse);
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout.trim().split('\n').pop()!).result).toBe(2);
    expect(child.stderr).toMatch(/interpreter adopted/);
  });

  it('starts anew when the environment changed between loading and first use', () => {
    const code = `
const cppyy = require(${JSON.stringify(entry)}).default;
process.env.CPPJIT_EXTRA_ARGS = '-DPRESTART_FLAG=42';
cppyy.cppdef('int prestart_flag() { return PRESTART_FLAG; }');
console.log(cppyy.gbl.prestart_flag());
`;
    const child = debugRun(code);
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('42');
    expect(child.stderr).toMatch(/interpreter started/);
    expect(child.stderr).not.toMatch(/interpreter adopted/);
  });

  it('a process that loads cppjit and never uses it exits cleanly, at once or later', () => {
    for (const code of [
      `require(${JSON.stringify(entry)}); console.log('done');`,
      `require(${JSON.stringify(entry)}); setTimeout(() => console.log('done'), 300);`,
      `require(${JSON.stringify(entry)}); process.exit(0);`,
    ]) {
      const child = debugRun(code);
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
    }
  });

  it('the package entry loads two bundled files, the small one (which starts the interpreter) first', () => {
    const code = `
const before = new Set(Object.keys(require.cache));
const cppyy = require(${JSON.stringify(entry)}).default;
const loaded = Object.keys(require.cache).filter((f) => !before.has(f));
console.log(JSON.stringify({ loaded, sum: cppyy.evaluate('1 + 2') }));
`;
    const child = debugRun(code);
    expect(child.status).toBe(0);
    const { loaded, sum } = JSON.parse(child.stdout.trim().split('\n').pop()!);
    expect(sum).toBe(3);
    // No separate module of dist/ nor of node_modules (lru-cache is inside the bundle): only the
    // two bundles and the addon, in this order.
    const rel = (loaded as string[]).map((f) => path.relative(root, f));
    expect(rel).toEqual([path.join('dist', 'cppjit.js'), path.join('build', 'Release', 'cppjit.node'), path.join('dist', 'cppjit-core.js')]);
    expect(child.stderr).toMatch(/interpreter adopted/);
  });

  it('CPPJIT_PRESTART=0 starts the interpreter on first use only', () => {
    const child = debugRun(firstUse, { CPPJIT_PRESTART: '0' });
    expect(child.status).toBe(0);
    expect(child.stderr).toMatch(/interpreter started/);
  });
});
