// test/headercache.test.ts — precompiled user headers (issue 18), through child processes sharing a cache directory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'bin', 'cppjit.mjs');
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cppjit-hcache-')));
const cache = path.join(work, 'cache');
const hdr = path.join(work, 'hdr');
const alt = path.join(work, 'alt');
const header = path.join(hdr, 'headercache.h');

// Each script is a run of its own (its record is keyed by the script's path).
const script = (name: string) => path.join(work, name);
const body = `
const cppyy = require(${JSON.stringify(root)}).default;
const mode = process.argv[2] || '';
if (mode === 'cppdef-first') cppyy.cppdef('int hc_early() { return 3; }');
if (mode === 'gbl-first') void cppyy.gbl;
cppyy.addIncludePath(process.env.HC_DIR);
if (mode === 'other-first') cppyy.include('headercache_other.h');
cppyy.include('headercache.h');
if (mode === 'other-after') cppyy.include('headercache_other.h');
const h = cppyy.gbl.hcache;
const c = new h.Counted();
const twice = c.twice(21);
const alive = h.Counted.alive;
c.delete();
console.log(JSON.stringify({
  version: h.version(), twice, alive, after: h.Counted.alive, add: h.add(2, 3), greet: h.greet('js'),
  other: typeof cppyy.gbl.hcache_other, early: typeof cppyy.gbl.hc_early, headers: cppyy.info().headerCache,
}));
`;

interface Report {
  version: number;
  twice: number;
  alive: number;
  after: number;
  add: number;
  greet: string;
  other: string;
  early: string;
  headers: { path: string | null; status: string; sequence: string[]; pending: boolean };
}

function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CPPJIT_CACHE_DIR: cache, CPPJIT_HEADER_CACHE_MIN_MS: '0', HC_DIR: hdr, ...extra };
  delete env.CPPJIT_DEBUG;
  delete env.CPPJIT_HEADER_CACHE;
  return env;
}

function run(name: string, mode = '', extra: NodeJS.ProcessEnv = {}): Report {
  const child = spawnSync(process.execPath, [script(name), mode], { env: environment(extra), encoding: 'utf8', timeout: 60_000 });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as Report;
  // Whatever the interpreter started on, the answers are the header's.
  expect(report).toMatchObject({ twice: 42, alive: 1, after: 0, add: 5, greet: 'hello js' });
  return report;
}

const pchFiles = () => (fs.existsSync(path.join(cache, 'headers')) ? fs.readdirSync(path.join(cache, 'headers')).filter((f) => f.endsWith('.pch')).sort() : []);

/**
 * Runs the script until a run starts on a precompiled header: the build its first run started in
 * the background takes a second or two. (A run that finds none starts another build, which waits
 * for the first and then finds its file.)
 */
async function untilLoaded(name: string, mode = ''): Promise<Report> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const report = run(name, mode);
    if (report.headers.path) return report;
    if (Date.now() > deadline) throw new Error(`no precompiled header was loaded: ${report.headers.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const sequence = (...headers: string[]) => [`I:${hdr}`, ...headers.map((h) => `H:"${path.join(hdr, h)}"`)];

beforeAll(() => {
  for (const dir of [hdr, alt]) fs.mkdirSync(dir, { recursive: true });
  for (const f of ['headercache.h', 'headercache_other.h']) fs.copyFileSync(fixture(f), path.join(hdr, f));
  fs.writeFileSync(path.join(alt, 'headercache.h'), fs.readFileSync(fixture('headercache.h'), 'utf8').replace('return 1;', 'return 3;'));
  for (const name of ['a.js', 'b.js', 'c.js', 'd.js', 'e.js']) fs.writeFileSync(script(name), body);
  // The standard headers' PCH, which user headers chain on, as the first start would build it.
  const built = spawnSync(process.execPath, [path.join(root, 'dist', 'pch-build.js')], { env: environment(), encoding: 'utf8' });
  expect(built.status).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('precompiled user headers', () => {
  it('a second run starts on the headers the first one included, with the same answers', async () => {
    const first = run('a.js');
    expect(first.headers.path).toBeNull();
    expect(first.version).toBe(1);
    const second = await untilLoaded('a.js');
    expect(second.headers.path).toMatch(/headers\/h-[0-9a-f]+-[0-9a-f]+\.pch$/);
    expect(second.headers.sequence).toEqual(sequence('headercache.h'));
    expect(second.headers.pending).toBe(false);
    expect(second.version).toBe(1);
    expect(second.other).toBe('undefined');
  }, 120_000);

  it('an edit of an included header is seen at once, even with the same size and times', async () => {
    const before = fs.statSync(header);
    const text = fs.readFileSync(header, 'utf8');
    fs.writeFileSync(header, text.replace('return 1;', 'return 2;'));
    fs.utimesSync(header, before.atime, before.mtime);
    expect(fs.statSync(header).size).toBe(before.size);
    expect(Math.floor(fs.statSync(header).mtimeMs / 1000)).toBe(Math.floor(before.mtimeMs / 1000));
    const edited = run('a.js');
    expect(edited.version).toBe(2);
    expect(edited.headers.path).toBeNull();
    expect(edited.headers.status).toMatch(/stale \(.*headercache\.h changed\)/);
    // It is rebuilt for the edited header, and used again.
    const again = await untilLoaded('a.js');
    expect(again.headers.path).not.toBeNull();
    expect(again.version).toBe(2);
  }, 180_000);

  it('a run that does something else first restarts without them, and sees only what it included', async () => {
    const used = run('a.js');
    expect(used.headers.path).not.toBeNull();
    // Another header first: the speculation ends at that include.
    const other = run('a.js', 'other-first');
    expect(other.other).toBe('object');
    expect(other.headers.path).toBeNull();
    // A definition first: the speculation ends before it.
    const early = run('a.js', 'cppdef-first');
    expect(early.early).toBe('function');
    expect(early.version).toBe(2);
    // Taking the global namespace first does not end it (nothing is looked up in it yet).
    run('e.js');
    await untilLoaded('e.js');
    const gblFirst = run('e.js', 'gbl-first');
    expect(gblFirst.headers.path).not.toBeNull();
    expect(gblFirst.version).toBe(2);
    const withOther = await untilLoaded('b.js', 'other-first');
    expect(withOther.headers.sequence).toEqual(sequence('headercache_other.h', 'headercache.h'));
    expect(withOther.headers.path).not.toBeNull();
    // That PCH holds hcache_other; a run of the same script that does not include it never sees it.
    const without = run('b.js', 'gbl-first');
    expect(without.other).toBe('undefined');
    expect(without.headers.path).toBeNull();
  }, 240_000);

  it('another include path or another flag does not load it', () => {
    const moved = run('a.js', '', { HC_DIR: alt });
    expect(moved.version).toBe(3);
    expect(moved.headers.path).toBeNull();
    const flagged = run('a.js', '', { CPPJIT_EXTRA_ARGS: '-DHCACHE_FLAG=1' });
    expect(flagged.version).toBe(2);
    expect(flagged.headers.path).toBeNull();
  }, 120_000);

  it('a damaged file or list of inputs is ignored, never loaded, and rebuilt', async () => {
    const file = (await untilLoaded('c.js')).headers.path!;
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const damaged = run('c.js');
    expect(damaged.headers.path).toBeNull();
    expect(damaged.headers.status).toMatch(/corrupt/);
    expect(damaged.version).toBe(2);
    // Rebuilt by the background build the damaged run started.
    const rebuilt = (await untilLoaded('c.js')).headers.path!;
    const list = rebuilt.replace(/\.pch$/, '.inputs');
    fs.writeFileSync(list, fs.readFileSync(list, 'utf8').replace(/[0-9a-f]{16} \//, '0000000000000000 /'));
    const badList = run('c.js');
    expect(badList.headers.path).toBeNull();
    expect(badList.headers.status).toMatch(/damaged/);
  }, 240_000);

  it('the directory keeps at most 48 precompiled headers, dropping the least recently used', async () => {
    const dir = path.join(cache, 'headers');
    // Old files standing for earlier builds, each last used an hour apart.
    const now = Date.now() / 1000;
    for (let i = 0; i < 60; i++) {
      const stem = path.join(dir, `h-${i.toString(16).padStart(16, '0')}-${'0'.repeat(16)}`);
      fs.writeFileSync(`${stem}.pch`, 'x');
      fs.writeFileSync(`${stem}.inputs`, 'x');
      fs.utimesSync(`${stem}.inputs`, now - 3600 * (100 - i), now - 3600 * (100 - i));
    }
    // A build (of a new sequence) trims the directory after it.
    const fresh = await untilLoaded('e.js', 'other-after');
    const left = pchFiles();
    // Trimmed to three quarters of the bound (a build of an earlier test may add one after).
    expect(left.length).toBeLessThanOrEqual(48);
    expect(left.filter((f) => f.endsWith(`-${'0'.repeat(16)}.pch`)).length).toBeLessThanOrEqual(36);
    expect(left).toContain(path.basename(fresh.headers.path!));
    // The least recently used went first: of the old ones, the newest stayed.
    expect(left).toContain(`h-${(59).toString(16).padStart(16, '0')}-${'0'.repeat(16)}.pch`);
    expect(left).not.toContain(`h-${'0'.repeat(16)}-${'0'.repeat(16)}.pch`);
  }, 180_000);

  it('cppjit precompile, run twice at once, builds one file that a new script uses from its first run', async () => {
    const precompile = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [cli, 'precompile', 'headercache.h', 'headercache_other.h', '-I', hdr], { env: environment(), stdio: 'ignore' });
        child.on('close', resolve);
      });
    const statuses = await Promise.all([precompile(), precompile()]);
    expect(statuses).toEqual([0, 0]);
    const fresh = run('d.js', 'other-after');
    expect(fresh.headers.path).not.toBeNull();
    expect(fresh.headers.sequence).toEqual(sequence('headercache.h', 'headercache_other.h'));
    expect(fresh.other).toBe('object');
    expect(fresh.version).toBe(2);
    const same = pchFiles().filter((f) => f.startsWith(path.basename(fresh.headers.path!).slice(0, 19)));
    expect(same).toHaveLength(1);
  }, 180_000);
});
