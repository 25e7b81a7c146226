// test/templates.test.ts — class templates by subscript, function templates by deduction and explicit arguments, failures roll back.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy, { CppCompileError } from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let tpl: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('templates.h'));
  tpl = cppyy.gbl.tpl;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

describe('class templates', () => {
  it('instantiates by subscript with type, non-type and defaulted arguments', () => {
    const BoxInt = tpl.Box['int'];
    const b = new BoxInt(21);
    expect(b.value).toBe(21);
    expect(b.scaled()).toBe(42);
    expect(BoxInt.count()).toBe(2);
    const Box3 = tpl.Box['double, 3'];
    expect(new Box3(1.5).scaled()).toBe(4.5);
    expect(Box3.count()).toBe(3);
    b.delete();
    expect(lifetimes.alive()).toBe(1);
  });

  it('gives one JS class per instantiation however it is spelled', () => {
    expect(tpl.Box['int']).toBe(tpl.Box['int,2']);
    expect(tpl.Box['int']).toBe(tpl.Box[' int , 2 ']);
    expect(tpl.Box('int', 2)).toBe(tpl.Box['int']);
    expect(tpl.Box['int']).not.toBe(tpl.Box['long']);
    expect(String(tpl.Box)).toBe('tpl::Box');
  });

  it('accepts classes, nested instantiations and several arguments', () => {
    const BoxPoint = tpl.Box[tpl.Point];
    const p = new tpl.Point(1, 2);
    const bp = new BoxPoint();
    bp.value.x = 5;
    expect(bp.value.x).toBe(5);
    const PairSI = tpl.Pair['std::string, int'];
    const pair = new PairSI();
    pair.key = 'k';
    pair.val = 7;
    expect([pair.key, pair.val]).toEqual(['k', 7]);
    const Nested = tpl.Box[tpl.Box['int']];
    expect(new Nested().value.value).toBe(0);
    expect(tpl.Box['std::vector<int>']).toBe(tpl.Box[cppyy.gbl.std.vector['int']]);
    p.delete();
  });

  it('reports a template that does not compile as CppCompileError and stays usable', () => {
    let error: unknown;
    try {
      tpl.Broken['double'];
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CppCompileError);
    expect((error as CppCompileError).message).toMatch(/one-byte types/);
    expect(() => tpl.Box['no_such_type']).toThrow(CppCompileError);
    // The failure left nothing behind: a valid instantiation of the same template still works.
    expect(new (tpl.Broken['char'])().t).toBe('\0');
    expect(new (tpl.Box['short'])(4).scaled()).toBe(8);
  });
});

describe('function templates', () => {
  it('instantiates templated constructors from the arguments, preferring non-template constructors', () => {
    const d = new tpl.Sized(1.5);
    expect([d.bytes, d.kind]).toEqual([8, 'one']);
    const two = new tpl.Sized(1.5, new tpl.Point());
    expect(two.kind).toBe('two');
    expect(new tpl.Sized(3).kind).toBe('int');
    expect(new tpl.Sized('text').kind).toBe('one');
  });

  it('deduces template arguments from JS values', () => {
    expect(tpl.twice(21)).toBe(42);
    expect(tpl.twice(1.25)).toBe(2.5);
    expect(tpl.twice('ab')).toBe('abab');
    expect(tpl.mix(3, 0.5)).toBe(1.5);
    expect(tpl.twice.signatures).toEqual(expect.arrayContaining(['int tpl::twice<int>(int x)', 'double tpl::twice<double>(double x)']));
  });

  it('deduces from arrays and objects', () => {
    expect(tpl.total([1, 2, 3])).toBe(6);
    expect(tpl.total([0.5, 0.25])).toBe(0.75);
    expect(tpl.total(['a', 'b', 'c'])).toBe('abc');
    expect(tpl.norm(new tpl.Point(3, 4))).toBe(25);
  });

  it('takes explicit template arguments by subscript', () => {
    expect(tpl.twice['double'](3)).toBe(6);
    expect(tpl.twice['long long'](2 ** 40)).toBe(2 ** 41);
    expect(tpl.power_of_two['10']()).toBe(1024);
  });

  it('passes a JS function for a callable template parameter fixed by explicit arguments', () => {
    expect(tpl.applyTwice['std::function<int(int)>']((x: number) => x * 3, 2)).toBe(18);
    expect(() => tpl.applyTwice((x: number) => x, 1)).toThrow(/has no C\+\+ type to deduce from \(give the template arguments explicitly/);
  });

  it('prefers a matching non-template overload, as C++ does', () => {
    expect(tpl.describe(5)).toBe('int overload');
    expect(tpl.describe(5.5)).toBe('template');
  });

  it('instantiates member function templates', () => {
    const b = new (tpl.Box['double'])(2.75);
    expect(b.as['int']()).toBe(2);
    expect(b.as['float']()).toBe(2.75);
    expect(() => b.as()).toThrow(TypeError); // U cannot be deduced without arguments
  });

  it('explains when no instantiation fits', () => {
    expect(() => tpl.norm(5)).toThrow(TypeError);
    expect(() => tpl.norm(5)).toThrow(/tpl::norm<int>.*member reference base type 'const int'/);
    expect(() => tpl.twice(new tpl.Point(1, 2))).toThrow(/tpl::twice<tpl::Point>.*invalid operands to binary expression/);
    expect(() => tpl.twice(() => 1)).toThrow(/argument 1 \(function\) has no C\+\+ type to deduce from/);
    expect(tpl.twice(3)).toBe(6);
  });
});

describe('explicit template arguments fix the parameter types', () => {
  it("f['char']('c') takes a one-character string as the char; f['double'](1) an integer", () => {
    expect(tpl.same['char']('c')).toBe('c');
    expect(tpl.same['double'](1)).toBe(1);
    expect(tpl.same['long long'](2)).toBe(2);
    expect(tpl.same('text')).toBe('text');
  });
});

describe('enums as template arguments', () => {
  it('std.optional[Enum] is constructed from an enumerator (a JS number)', () => {
    cppyy.include('<optional>');
    cppyy.cppdef('namespace tplenum { enum class Shade { Light, Dark }; inline int shadeOf(const std::optional<Shade>& s) { return s ? static_cast<int>(*s) : -1; } }');
    const { tplenum, std } = cppyy.gbl as any;
    const o = new std.optional[tplenum.Shade](tplenum.Shade.Dark);
    expect(o.has_value()).toBe(true);
    expect(tplenum.shadeOf(o)).toBe(1);
    expect(tplenum.shadeOf(tplenum.Shade.Light)).toBe(0);
    expect(tplenum.shadeOf()).toBe(-1);
  });
});
