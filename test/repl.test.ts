// test/repl.test.ts — drives `cppjit` in a real terminal (tmux) and asserts what the screen shows after Tab and Enter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const session = `cppjit-repl-${process.pid}`;
const dir = mkdtempSync(path.join(tmpdir(), 'cppjit-repl-'));
const history = path.join(dir, 'history');

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
/** Types text literally (tmux reads a trailing `;` as its own command separator unless escaped). */
const type = (text: string) => tmux('send-keys', '-t', session, '-l', text.replace(/;$/, '\\;'));
const screen = () => tmux('capture-pane', '-p', '-J', '-t', session, '-S', '-200');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the screen satisfies `test` (or fails with the screen in the message). */
async function waitFor(test: (s: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen();
    if (test(s)) return s;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}

/** The last line that starts with a prompt: what is being typed (Node may preview a value below it). */
const lastLine = (s: string) => s.trimEnd().split('\n').filter((l) => l.startsWith('cppjit> ')).pop() ?? '';
const promptCount = (s: string) => (s.match(/^cppjit> /gm) ?? []).length;

/** Types a line, presses Enter and waits for the next prompt. */
async function enter(line: string): Promise<string> {
  const before = promptCount(screen());
  type(line);
  tmux('send-keys', '-t', session, 'Enter');
  return waitFor((s) => promptCount(s) > before && /cppjit> $/.test(s.trimEnd() + ' '), `the prompt after ${line}`);
}

async function tab(text: string): Promise<string> {
  type(text);
  tmux('send-keys', '-t', session, 'Tab');
  await sleep(400);
  return screen();
}

function clearLine() {
  tmux('send-keys', '-t', session, 'C-u');
}

beforeAll(async () => {
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50',
    `cd ${root} && CPPJIT_REPL_HISTORY=${history} NODE_NO_WARNINGS=1 ${process.execPath} bin/cppjit.mjs`);
  await waitFor((s) => s.includes('cppjit> '), 'the first prompt');
});

afterAll(() => {
  try {
    tmux('kill-session', '-t', session);
  } catch {
    // already gone
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('cppjit REPL in a terminal', () => {
  it('defines C++ with .cpp and includes headers with .include', async () => {
    await enter('.cpp namespace geo { struct Point { double x, y; double norm() const { return x * x + y * y; } }; enum Color { Red, Green }; }');
    await enter(`.include ${fixture('callbacks.h')}`);
    const s = await enter('gbl.geo.Green + gbl.cb.add(40, 1)');
    expect(s).toMatch(/^42$/m);
  });

  it('completes C++ names at any depth with Tab', async () => {
    // (gbl.ge<Tab> is ambiguous: the C library's getenv, getchar... are global names too.)
    let s = await tab('gbl.geo.Po');
    expect(lastLine(s)).toBe('cppjit> gbl.geo.Point');
    clearLine();
    s = await tab('gbl.geo.Col');
    expect(lastLine(s)).toBe('cppjit> gbl.geo.Color');
    s = await tab('.Gr');
    expect(lastLine(s)).toBe('cppjit> gbl.geo.Color.Green');
    clearLine();
    // C functions (declared in extern "C" blocks) complete too.
    s = await tab('gbl.strle');
    expect(lastLine(s)).toBe('cppjit> gbl.strlen');
    clearLine();
    s = await tab('std.vec');
    expect(lastLine(s)).toBe('cppjit> std.vector');
    clearLine();
    // Several candidates: a second Tab lists them.
    await tab('gbl.cb.a');
    s = await tab('');
    expect(s).toMatch(/\badd\b/);
    expect(s).toMatch(/\bapply\b/);
    clearLine();
    s = await tab('gbl.cb.Ops.s');
    expect(lastLine(s)).toBe('cppjit> gbl.cb.Ops.sub');
    clearLine();
    await enter('const p = new gbl.geo.Point()');
    s = await tab('p.no');
    expect(lastLine(s)).toBe('cppjit> p.norm');
    clearLine();
    s = await tab("std.vector['int'].prototype.push_b");
    expect(lastLine(s)).toBe("cppjit> std.vector['int'].prototype.push_back");
    clearLine();
  });

  it('prints objects and containers through util.inspect', async () => {
    let s = await enter('p.x = 1.5, p.y = 2, p');
    expect(s).toContain('geo::Point { x: 1.5, y: 2 }');
    s = await enter("const v = new std.vector['int'](); for (let i = 0; i < 150; i++) v.push_back(i); v");
    expect(s).toMatch(/std::vector<int.*>\(150\) \[/);
    expect(s).toContain('... 50 more items');
  });

  it('help(x) prints signatures and members', async () => {
    let s = await enter('help()');
    expect(s).toContain('.cpp <code>');
    s = await enter('help(gbl.cb.add)');
    expect(s).toContain('int cb::add(int a, int b)');
    expect(s).toContain('double cb::add(double a, double b)');
    s = await enter('help(std.vector)');
    expect(s).toContain("class template std::vector<...>: instantiate with vector['args']");
    s = await enter('help(gbl.geo.Point)');
    expect(s).toContain('class geo::Point');
    expect(s).toContain('double norm() const');
  });

  it('help(x) prints the C++ documentation comments', async () => {
    await enter(`.include ${fixture('documented.h')}`);
    let s = await enter('help(gbl.documented.plus)');
    expect(s).toMatch(/int documented::plus\(int a, int b\)\n\s+Adds two integers; never overflows in the tests\./);
    s = await enter('help(gbl.documented)');
    expect(s).toMatch(/namespace documented: \d+ declared members\n\s+Geometry helpers with documentation comments\./);
    s = await enter('help(gbl.documented.Spot)');
    expect(s).toContain('A point in the plane.');
    expect(s).toMatch(/norm2\(\) const\n\s+Squared distance from the origin\./);
  });

  it('shows compile errors with a caret and goes on', async () => {
    let s = await enter('.cpp int broken() { return undeclared_thing; }');
    expect(s).toContain("error: use of undeclared identifier 'undeclared_thing'");
    const lines = s.split('\n');
    const at = lines.findIndex((l) => l.includes('int broken() { return undeclared_thing; }') && !l.startsWith('cppjit>'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1].indexOf('^')).toBe(lines[at].indexOf('undeclared_thing'));
    s = await enter("cppyy.cppdef('int alsoBroken = ;')");
    expect(s).toMatch(/Uncaught CppCompileError:\ninput:1:\d+: error: expected expression/);
    s = await enter('.include no/such/header.h');
    expect(s).toMatch(/fatal: 'no\/such\/header\.h' file not found/);
    s = await enter('.cpp int fixed() { return 7; }');
    s = await enter('gbl.fixed() * 6');
    expect(s).toMatch(/^42$/m);
  });

  it('continues an open .cpp block on the next lines and runs statements', async () => {
    const before = promptCount(screen());
    type('.cpp int thrice(int x) {');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor((s) => /\.\.\.\. $/.test(s.trimEnd() + ' '), 'the continuation prompt');
    type('  return 3 * x;');
    tmux('send-keys', '-t', session, 'Enter');
    type('}');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor((s) => promptCount(s) > before, 'the prompt after the block');
    let s = await enter('gbl.thrice(14)');
    expect(s).toMatch(/^42$/m);
    s = await enter('.cpp printf("from C++ %d\\n", thrice(2));');
    expect(s).toMatch(/^from C\+\+ 6$/m);
    s = await enter('.cpp sizeof(int) * thrice(3)');
    expect(s).toMatch(/^36$/m);
  });

  it('Ctrl-C cancels the input, including an open .cpp block', async () => {
    type('.cpp struct Half {');
    tmux('send-keys', '-t', session, 'Enter');
    await waitFor((s) => /\.\.\.\. $/.test(s.trimEnd() + ' '), 'the continuation prompt');
    tmux('send-keys', '-t', session, 'C-c');
    await waitFor((s) => /cppjit> $/.test(s.trimEnd() + ' '), 'the prompt after Ctrl-C');
    const s = await enter('typeof gbl.Half');
    expect(s).toMatch(/^'undefined'$/m);
  });

  it('keeps a history file', async () => {
    await enter('1 + 1');
    tmux('send-keys', '-t', session, 'Up');
    await sleep(300);
    expect(lastLine(screen())).toBe('cppjit> 1 + 1');
    clearLine();
    tmux('send-keys', '-t', session, 'C-d');
    await sleep(1000);
    expect(readFileSync(history, 'utf8')).toContain('gbl.thrice(14)');
  });
});
