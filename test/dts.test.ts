// test/dts.test.ts — `cppjit dts` on real headers: tsc --strict accepts a correct program and rejects wrong argument/result types.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from './helpers';
import { run } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dir = mkdtempSync(path.join(tmpdir(), 'cppjit-dts-'));
mkdirSync(path.join(dir, 'node_modules'));
symlinkSync(root, path.join(dir, 'node_modules', 'cppjit'));
symlinkSync(path.join(root, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `cppjit dts ...`; returns the file text and how long it took. */
async function dts(out: string, ...args: string[]): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  const r = await run(process.execPath, [path.join(root, 'bin', 'cppjit.mjs'), 'dts', ...args, '-o', path.join(dir, out)]);
  if (r.status !== 0) throw new Error(`cppjit dts failed (${r.status}):\n${r.stderr}`);
  return { text: readFileSync(path.join(dir, out), 'utf8'), ms: Date.now() - started };
}

/** Type-checks `files` (strict, the declarations themselves checked too); returns tsc's exit status and output. */
async function typecheck(name: string, files: string[]): Promise<{ status: number | null; output: string }> {
  const config = {
    compilerOptions: {
      strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true,
      skipLibCheck: false, types: ['node'], lib: ['es2022', 'esnext.disposable'],
    },
    files,
  };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(config));
  const r = await run(process.execPath, [tsc, '-p', path.join(dir, `${name}.json`)], { cwd: dir });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('cppjit dts', { timeout: 240_000 }, () => {
  const headers = ['basics.h', 'objects.h', 'callbacks.h', 'templates.h'].map(fixture);
  let generated = '';

  it('declares functions, overloads, classes, enums, variables and namespaces', async () => {
    generated = (await dts('fixtures.d.ts', ...headers, '-I', fixture('.'), '--instantiate', 'tpl::Box<int>')).text;
    expect(generated).toContain("declare module 'cppjit'");
    expect(generated).toContain('interface CppGlobal');
    expect(generated).toContain('add: { (a: number, b: number): number; } & CppFunction;');
    expect(generated).toContain('pick64: { (x: number | bigint): number | bigint; } & CppFunction;');
    expect(generated).toContain('scaled: { (a: number, factor?: number, offset?: number): number; } & CppFunction;');
    expect(generated).toMatch(/readonly Green: 5;/);
    expect(generated).toMatch(/new\(x_: number, y_: number\): I_objects\$Point;/);
    // Function templates: a type parameter used as an argument type is a TS type parameter.
    expect(generated).toContain('twice: { <T>(x: T): any; } & CppFunction & CppExplicitArgs;');
    expect(generated).toContain('describe: { (arg0: number): string; <T>(arg0: T): string; } & CppFunction & CppExplicitArgs;');
    expect(generated).toContain('norm: { <T>(p: T): number; } & CppFunction & CppExplicitArgs;');
    expect(generated).toContain('mix: { <A, B>(a: A, b: B): any; } & CppFunction & CppExplicitArgs;');
    expect(generated).toContain('total: { (values: any): any; } & CppFunction & CppExplicitArgs;');
    // Member templates too; one whose parameter is not deduced is called with explicit arguments only.
    expect(generated).toContain('as: { } & CppExplicitArgs;');
    // Only explicit arguments can call it: no call signature.
    expect(generated).toContain('power_of_two: { } & CppFunction & CppExplicitArgs;');
    // Only what the headers add: nothing from the prelude's <string> is re-declared.
    expect(generated).not.toMatch(/\bto_string\b/);
    expect(generated).not.toMatch(/PTHREAD_CREATE_JOINABLE|readonly FILE:/);
  });

  it('a correct program type-checks with tsc --strict', async () => {
    writeFileSync(path.join(dir, 'good.mts'), `
import cppyy from 'cppjit';
import './fixtures.js';
const { basics, objects, cb } = cppyy.gbl;
const n: number = basics.add(1, 2);
const s: number = basics.scaled(1) + basics.scaled(1, 2, 3);
const big: number | bigint = basics.pick64(5n);
const p1: number = basics.pick('text') + basics.pick(1.5) + basics.pick(true) + basics.pick(1, 2);
const green: 5 = basics.Green;
const c: number = basics.colorValue(basics.Color.Green);
const where: string | null = basics.inner.where();
const depth: number = basics.inner.deeper.depth();
const p = new objects.Point(1, 2);
const sum: number = p.sum();
p.x = 3;
const mid: number = objects.midpoint(p, new objects.Point()).x;
const sq = new objects.Square(2);
const area: number = sq.area() + sq.shapeTag();
const name: string = sq.name();
const shape = objects.makeShape(1);
const a2: number = shape ? objects.areaOf(shape) : 0;
const viaNull: number = objects.sumVia(null);
const applied: number = cb.apply((x, y) => x * y, 6, 7) + cb.apply(cb.add, 1, 2);
const integral: number = cb.integrate((x) => x * x, 0, 1, 10);
const sigs: readonly string[] = basics.add.signatures;
const total: number = objects.Point.instances();
p.delete();
const { tpl } = cppyy.gbl;
const described: string = tpl.describe(1.5) + tpl.describe('x') + tpl.describe(2);
const normed: number = tpl.norm(new tpl.Point(3, 4));
const doubled: number = tpl.twice(2) + tpl.twice['double'](1.5);
const mixed: number = tpl.mix(2, 1.5);
const pow: number = tpl.power_of_two['3']();
const summed: number = tpl.total([1, 2]);
const boxed: number = new tpl.Box['int'](3).as['double']() + new tpl.Box['int'](3).scaled();
export { n, s, big, p1, green, c, where, depth, sum, mid, area, name, a2, viaNull, applied, integral, sigs, total };
export { described, normed, doubled, mixed, pow, summed, boxed };
`);
    const r = await typecheck('good', ['good.mts', 'fixtures.d.ts']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('wrong argument and result types are tsc errors', async () => {
    const lines = [
      "import cppyy from 'cppjit';",
      "import './fixtures.js';",
      'const { basics, objects, cb } = cppyy.gbl;',
      "basics.add('1', 2);",                                  // 4: string for int
      'const wrong: string = basics.add(1, 2);',              // 5: number result as string
      'basics.add(1);',                                       // 6: missing argument
      'new objects.Point(1, 2).nope();',                      // 7: no such method
      "objects.areaOf(new objects.Point());",                 // 8: Point is not a Shape
      "cb.apply((x: string) => x, 1, 2);",                    // 9: callback parameter type
      'new objects.Abstract();',                              // 10: abstract class
      'basics.missing();',                                    // 11: unknown member of a namespace
      'const big: number = basics.pick64(1);',                // 12: 64-bit result may be a bigint
      'const t: number = cppyy.gbl.tpl.describe(1.5);',       // 13: a template's fixed result type
      'cppyy.gbl.tpl.power_of_two();',                        // 14: needs explicit template arguments
      'cppyy.gbl.tpl.twice();',                               // 15: missing argument
    ];
    writeFileSync(path.join(dir, 'bad.mts'), `${lines.join('\n')}\nexport { wrong, big, t };\n`);
    const r = await typecheck('bad', ['bad.mts', 'fixtures.d.ts']);
    expect(r.status).not.toBe(0);
    for (let line = 4; line <= 15; line++) expect(r.output).toContain(`bad.mts(${line},`);
  });

  it('a std::unique_ptr<T> parameter also takes a T (C++ takes it over)', async () => {
    const { text } = await dts('objmodel.d.ts', fixture('objmodel.h'), '-I', fixture('.'));
    expect(text).toMatch(/sinkWidget: \{ \(w: I_std\$unique_ptr\S* \| I_om\$Widget\): number; \}/);
    writeFileSync(path.join(dir, 'owned.mts'), `
import cppyy from 'cppjit';
import './objmodel.js';
const { om } = cppyy.gbl;
const box = new om.WidgetBox();
box.add(new om.Widget(1));
const n: number = om.sinkWidget(new om.Gadget(2)) + om.sinkWidget(om.makeWidget(3));
export { n };
`);
    const r = await typecheck('owned', ['owned.mts', 'objmodel.d.ts']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('<vector> with a known instantiation: typed methods; in seconds', async () => {
    const { ms } = await dts('vector.d.ts', '<vector>', '--scope', 'std', '--instantiate', 'std::vector<int>');
    expect(ms).toBeLessThan(45_000);
    writeFileSync(path.join(dir, 'vec.mts'), `
import cppyy from 'cppjit';
import './vector.js';
const V = cppyy.gbl.std.vector['int'];
const v = new V();
v.push_back(1);
const n: number | bigint = v.size();
const first: number = v.at(0);
const other = cppyy.gbl.std.vector['double'];   // not declared: any class
export { n, first, other };
`);
    let r = await typecheck('vec', ['vec.mts', 'vector.d.ts']);
    expect(r.output).toBe('');
    writeFileSync(path.join(dir, 'vecbad.mts'), `
import cppyy from 'cppjit';
import './vector.js';
const v = new (cppyy.gbl.std.vector['int'])();
v.push_back('x');
`);
    r = await typecheck('vecbad', ['vecbad.mts', 'vector.d.ts']);
    expect(r.output).toContain('vecbad.mts(5,');
  });

  it('std::optional, std::span, string_view and braced-initializer parameters are typed as they convert', async () => {
    const { text } = await dts('stl.d.ts', fixture('stl.h'), '-I', fixture('.'), '--scope', 'stl');
    expect(text).toMatch(/half: \{ \(x\?: number \| I_std\$optional_double \| null \| undefined\): number \| undefined; \}/);
    expect(text).toContain('parse_digit: { (s: string): number | undefined; }');
    expect(text).toMatch(/find_item: \{ \(id: number\): I_std\$optional_stl\$Item; \}/);
    expect(text).toMatch(/list_sum: \{ \(values: I_std\$initializer_list_int \| readonly any\[\] \| ArrayBufferView\): number; \}/);
    expect(text).toMatch(/pair_sum: \{ \(p: I_std\$pair_int_int \| readonly any\[\]\): number; \}/);
    writeFileSync(path.join(dir, 'stl.mts'), `
import cppyy from 'cppjit';
import './stl.js';
const { stl } = cppyy.gbl;
const h: number | undefined = stl.half() ?? stl.half(2) ?? stl.half(null);
const d: number | undefined = stl.parse_digit('7');
const g: string = stl.greet('ann') + stl.greet(undefined, 2);
const peeked: number = stl.write_then_peek(new Int32Array(2), (i) => i);
const found: boolean = stl.find_item(1).has_value();
const braced: number = stl.pair_sum([1, 2]) + stl.brightness([1, 2, 3]) + stl.list_sum([1]);
export { h, d, g, peeked, found, braced };
`);
    let r = await typecheck('stl', ['stl.mts', 'stl.d.ts']);
    expect(r.output).toBe('');
    writeFileSync(path.join(dir, 'stlbad.mts'), `
import cppyy from 'cppjit';
import './stl.js';
const n: number = cppyy.gbl.stl.parse_digit('7');
cppyy.gbl.stl.half('x');
cppyy.gbl.stl.distinct('x');
export { n };
`);
    r = await typecheck('stlbad', ['stlbad.mts', 'stl.d.ts']);
    expect(r.output).toContain('stlbad.mts(4,');
    expect(r.output).toContain('stlbad.mts(5,');
    expect(r.output).toContain('stlbad.mts(6,');
  });

  it('nlohmann/json: declarations in seconds that tsc accepts', async () => {
    const { text, ms } = await dts('json.d.ts', '<nlohmann/json.hpp>', '--scope', 'nlohmann');
    expect(ms).toBeLessThan(45_000);
    expect(text).toMatch(/readonly json: C_nlohmann\$/);
    writeFileSync(path.join(dir, 'json.mts'), `
import cppyy from 'cppjit';
import './json.js';
const j = cppyy.gbl.nlohmann.json.parse('{"a": [1, 2]}');
const size: number | bigint = cppyy.gbl.nlohmann.json.prototype.size.call(j);
export { size };
`);
    const r = await typecheck('json', ['json.mts', 'json.d.ts']);
    expect(r.output).toBe('');
  });

  it('C++ documentation comments become JSDoc', async () => {
    const { text } = await dts('documented.d.ts', fixture('documented.h'));
    expect(text).toContain('/** Adds two integers; never overflows in the tests. */ (a: number, b: number): number;');
    expect(text).toContain('/** Squared distance from the origin. */ norm2(): number;');
    expect(text).toContain('/** A point in the plane. */ readonly Spot: C_documented$Spot;');
  });

  it('a C header: the extern "C" functions, structs and typedefs it adds', async () => {
    const { text } = await dts('zlib.d.ts', 'zlib.h');
    expect(text).toContain('zlibVersion: { (): string | null; } & CppFunction;');
    expect(text).toMatch(/crc32: \{ \(crc: number \| bigint, buf: [^)]*, len: number\): number \| bigint; \}/);
    expect(text).toMatch(/readonly z_stream_s: C_z_stream_s;/);
    // Not what the prelude had already declared.
    expect(text).not.toMatch(/\bmemcpy\b|\bpthread_create\b/);
  });

  it('--scope a::b declares that namespace only, under its path', async () => {
    const { text } = await dts('inner.d.ts', fixture('basics.h'), '--scope', 'basics::inner');
    expect(text).toMatch(/readonly basics: \{ readonly inner: N_basics\$inner \};/);
    expect(text).toContain('where: { (): string | null; } & CppFunction;');
    expect(text).toContain('depth: { (): number; } & CppFunction;');
    expect(text).not.toContain('pick64');
    const r = await run(process.execPath, [path.join(root, 'bin', 'cppjit.mjs'), 'dts', fixture('basics.h'), '--scope', 'basics::add']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--scope basics::add: add is not a namespace');
  });

  it('bad input: a clear error and exit code', async () => {
    const r = await run(process.execPath, [path.join(root, 'bin', 'cppjit.mjs'), 'dts', fixture('no-such-header.h')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cppjit dts: .*no-such-header\.h/);
    const u = await run(process.execPath, [path.join(root, 'bin', 'cppjit.mjs'), 'dts']);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain('usage: cppjit dts');
  });
});
