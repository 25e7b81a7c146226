// test/stl.test.ts — std containers as JS-friendly objects, arrays to vectors, smart pointers, output order.
import { execFileSync } from 'node:child_process';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy, { CppError } from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let stl: any;
let std: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('stl.h'));
  stl = cppyy.gbl.stl;
  std = cppyy.gbl.std;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

describe('std::vector', () => {
  it('is indexable, iterable and has its C++ methods', () => {
    const v = new (std.vector['int'])();
    for (let i = 0; i < 5; i++) v.push_back(i * 10);
    expect(v.size()).toBe(5);
    expect(v[3]).toBe(30);
    expect(v[5]).toBeUndefined();
    v[0] = 7;
    expect(v.at(0)).toBe(7);
    expect([...v]).toEqual([7, 10, 20, 30, 40]);
    expect(() => { v[9] = 1; }).toThrow(RangeError);
    expect(() => v.at(9)).toThrow(CppError);
    try {
      v.at(9);
    } catch (e) {
      expect((e as CppError).cppType).toBe('std::out_of_range');
    }
    expect(() => { v[0] = 2 ** 40; }).toThrow(RangeError);
  });

  it('converts JS arrays and TypedArrays for vector parameters, choosing the overload by element type', () => {
    expect(stl.sum([1, 2, 3.5])).toBe(6.5);
    expect(stl.sum(new Float64Array([0.5, 0.25]))).toBe(0.75);
    expect(stl.count_chars(['ab', 'cde'])).toBe(5);
    expect(stl.pick([1, 2])).toBe(1);
    expect(stl.pick(['a'])).toBe(2);
    expect(stl.pick([1.5])).toBe(3);
    expect(stl.pick(new Int32Array([1]))).toBe(1);
    expect(() => stl.sum([1, 'x'])).toThrow(/element 1/);
    const v = new (std.vector['double'])([1, 2, 3]);
    expect([...v]).toEqual([1, 2, 3]);
  });

  it('returns vectors by value, owned by JS', () => {
    const v = stl.squares(4);
    expect([...v]).toEqual([0, 1, 4, 9]);
    expect(String(v.constructor)).toMatch(/^std::vector<int/);
  });

  it('holds class elements with correct lifetimes', async () => {
    const items = new (std.vector[stl.Item])();
    items.push_back(new stl.Item(1));
    items.emplace_back(2);
    expect(items.size()).toBe(2);
    expect(items[1].twice()).toBe(4);
    expect([...items].map((i: any) => i.id)).toEqual([1, 2]);
    items.delete();
    await collectGarbage();
    expect(lifetimes.alive()).toBe(0);
  });

  it('is one class per instantiation', () => {
    expect(std.vector['int']).toBe(std.vector['int, std::allocator<int>']);
    expect(stl.squares(1).constructor).toBe(std.vector['int']);
  });
});

describe('maps, sets and pairs', () => {
  it('gives std::map get/set/has and [key, value] iteration', () => {
    const m = new (std.map['std::string, int'])();
    m.set('b', 2).set('a', 1);
    m.set('a', 10);
    expect(m.get('a')).toBe(10);
    expect(m.get('zz')).toBeUndefined();
    expect(m.has('b')).toBe(true);
    expect(m.has('c')).toBe(false);
    expect([...m]).toEqual([['a', 10], ['b', 2]]);
    expect(new Map(m)).toEqual(new Map([['a', 10], ['b', 2]]));
    const lengths = stl.word_lengths(['x', 'abc']);
    expect(lengths.get('abc')).toBe(3);
  });

  it('keeps get/has/set of a map-like class apart: one that does not compile leaves the others working', () => {
    cppyy.cppdef(`namespace stl_odd { struct OddMap {
      using key_type = int; using mapped_type = int;
      struct It { int k; bool operator!=(const It& o) const { return k != o.k; } bool operator==(const It& o) const { return k == o.k; } };
      It find(int k) { return It{k == 1 ? 1 : 0}; } It end() { return It{0}; } }; }`);
    const m = new cppyy.gbl.stl_odd.OddMap();
    expect([m.has(1), m.has(2)]).toEqual([true, false]);
    expect(() => m.get(1)).toThrow(/map_get/);
    const mm = new (std.multimap['int, int'])();
    expect(() => mm.set(1, 2)).toThrow(/insert_or_assign/);
    expect(mm.has(1)).toBe(false);
  });

  it('works for unordered_map and set', () => {
    const um = new (std.unordered_map['int, std::string'])();
    um.set(1, 'one');
    um.set(2, 'two');
    expect(um.get(2)).toBe('two');
    expect([...um].sort()).toEqual([[1, 'one'], [2, 'two']]);
    const s = new (std.set['int'])();
    for (const x of [3, 1, 2, 3]) s.insert(x);
    expect([...s]).toEqual([1, 2, 3]);
  });

  it('reads std::pair as first/second', () => {
    const p = stl.labelled(4);
    expect(p.first).toBe(4);
    expect(p.second).toBe('n=4');
  });
});

describe('braced initializers', () => {
  it('passes JS arrays and TypedArrays as std::initializer_list, also to container constructors', () => {
    expect(stl.list_sum([1, 2, 3])).toBe(6);
    expect(stl.list_sum(new Int32Array([4, 5]))).toBe(9);
    expect(stl.list_sum([])).toBe(0);
    expect(stl.list_chars(['ab', 'c'])).toBe(3);
    expect(stl.count_true([true, false, true])).toBe(2);
    expect(() => stl.list_sum(['x'])).toThrow(/element 0: cannot pass a string as int/);
    expect(() => stl.count_true([1])).toThrow(TypeError);
    expect([...new (std.set['int'])([3, 1, 2, 3])]).toEqual([1, 2, 3]);
    expect([...new (std.deque['double'])([1.5, 2])]).toEqual([1.5, 2]);
    expect([...new (std.list['std::string'])(['a', 'b'])]).toEqual(['a', 'b']);
    expect([...new (std.vector['bool'])([true, false])]).toEqual([true, false]);
    expect([...new (std.map['std::string, int'])([['b', 2], ['a', 1]])]).toEqual([['a', 1], ['b', 2]]);
    expect(new (std.unordered_map['int, double'])([[1, 1.5]]).get(1)).toBe(1.5);
  });

  it('makes class parameters from arrays, T{a, b}, and destroys the temporaries', () => {
    expect(stl.pair_sum([3, 4])).toBe(7);
    expect(stl.weighted([['ab', 2], ['c', 5]])).toBe(9);
    expect(stl.distinct([1, 2, 2])).toBe(2);
    expect(stl.width([1, 3.5])).toBe(2.5);
    expect(stl.brightness([10, 20, 30])).toBe(60);
    expect(stl.brightness([10])).toBe(10);
    const m = new (std.map['int, int'])();
    m.insert([1, 2]);
    expect([...m]).toEqual([[1, 2]]);
    expect(stl.item_twice([21])).toBe(42);
    expect(stl.list_ids([[1], [2], [3]])).toBe(6);
    expect(lifetimes.constructed).toBeGreaterThan(0);
    expect(lifetimes.alive()).toBe(0);
    expect(() => stl.pair_sum([1, 2, 3])).toThrow(/braced initializer of std::pair<int, int>: no overload/);
    expect(() => stl.brightness([1, 2, 3, 4])).toThrow(/has 3 field\(s\) \(r, g, b\), got 4 values/);
  });

  it('makes std::map and unordered_map parameters from a JS Map or a plain object', () => {
    expect(stl.map_total({ a: 1, bb: 2 })).toBe(5);
    expect(stl.map_total(new Map([['abc', 3]]))).toBe(9);
    expect(stl.hashed_size(new Map([[1, 2.5], [2, 3]]))).toBe(2);
    expect([...new (std.map['std::string, int'])({ x: 1 })]).toEqual([['x', 1]]);
    expect(() => stl.hashed_size({ a: 1 })).toThrow(TypeError);
  });

  it('constructs aggregates from positional values, as C++ does from {a, b}', () => {
    const c = new stl.Rgb(1, 2, 3);
    expect([c.r, c.g, c.b]).toEqual([1, 2, 3]);
    expect(new stl.Rgb(7).g).toBe(0);
    expect(() => new stl.Rgb(1, 2, 3, 4)).toThrow(/no overload of stl::Rgb accepts/);
    expect(() => new stl.Rgb('x')).toThrow(/as the aggregate stl::Rgb\{r\}/);
  });
});

describe('std::string objects', () => {
  it('read as their text and pass where a string is taken', () => {
    const s = stl.shared_name();
    expect(typeof s).toBe('object');
    expect(String(s)).toBe('shared');
    expect(`${s}!`).toBe('shared!');
    expect(s == 'shared').toBe(true);
    expect(JSON.stringify({ s })).toBe('{"s":"shared"}');
    expect(inspect(s)).toBe("std::string 'shared'");
    expect(stl.text_length(s)).toBe(6);
    expect(stl.view_length(s)).toBe(6);
    expect(stl.c_length(s)).toBe(6);
    s.append('!');
    expect(String(stl.shared_name())).toBe('shared!');
    const words = new (std.vector['std::string'])(['one', 'three']);
    expect(stl.text_length(words.at(1))).toBe(5);
    expect(stl.text_length(new std.string('four'))).toBe(4);
    expect(stl.text_length(3)).toBe(-3);
    expect(() => stl.view_length(words)).toThrow(TypeError);
  });
});

describe('std::variant', () => {
  it('gives the held alternative as .value and in util.inspect; parameters take what an alternative takes', () => {
    const n = stl.choice(0);
    expect([n.index(), n.value]).toEqual([0, 5]);
    expect(stl.choice(1).value).toBe('five');
    const item = stl.choice(7);
    expect(item.value.id).toBe(7);
    expect(inspect(n)).toBe('std::variant<int, std::string, stl::Item> 5');
    expect(inspect(item)).toBe('std::variant<int, std::string, stl::Item> stl::Item { id: 7 }');
    expect(stl.alternative(3)).toBe(0);
    expect(stl.alternative('text')).toBe(1);
  });
});

describe('smart pointers', () => {
  it('are transparent: pointee members on the smart pointer', async () => {
    const u = stl.make_square(3);
    expect(u.area()).toBe(9);
    expect(u.side).toBe(3);
    u.side = 4;
    expect(u.area()).toBe(16);
    expect(u.get()).toBeInstanceOf(stl.Square);
    const s = stl.share_square(2);
    expect(s.area()).toBe(4);
    expect(stl.area_of(s)).toBe(4);
    expect(lifetimes.alive()).toBe(2);
    u.delete();
    s.delete();
    expect(lifetimes.alive()).toBe(0);
  });

  it("cppyy's spellings: make_shared/make_unique deduce T from an object, a T or a struct literal where a shared_ptr<T> is taken", () => {
    const item = new stl.Item(4);
    const shared = std.make_shared(item); // a copy, as std::make_shared<Item>(item)
    expect([shared.id, shared.use_count()]).toEqual([4, 1]);
    const source = new stl.Item(6);
    const unique = std.make_unique(std.move(source));
    expect(unique.id).toBe(6);
    expect(stl.item_owners(item)).toBe(104); // a shared copy made for the call
    expect(stl.clash_value({ v: 8 })).toBe(8);
    const made = new std.shared_ptr[stl.Item](item);
    expect(made.id).toBe(4);
    for (const o of [shared, unique, item, source, made]) o.delete();
    expect(lifetimes.alive()).toBe(0);
  });

  it("on a name clash the pointee's member wins; __smartptr__() reaches the smart pointer's own", () => {
    const p = std.make_shared[stl.Clash]();
    expect(p.get()).toBe(42);
    p.reset();
    expect(p.v).toBe(0);
    const own = p.__smartptr__();
    expect(own.get().v).toBe(0);
    expect(own.use_count()).toBe(1);
    own.reset();
    expect(own.get()).toBeNull();
    p.delete();
  });

  it('fill vectors of std::unique_ptr: indexed, iterated, and push_back moves after the copying overload fails to compile', () => {
    const items = stl.owned_items(3);
    // The vector's first method call: push_back(const T&) is tried first and does not compile
    // (unique_ptr cannot be copied); push_back(T&&) then compiles, needing code that the failed
    // attempt instantiated (and took with it).
    items.push_back(std.make_unique['stl::Item'](7));
    items.push_back(std.move(std.make_unique['stl::Item'](8)));
    expect(items.size()).toBe(5);
    expect(items[2].id).toBe(2);
    expect([...items].map((p: any) => p.id)).toEqual([0, 1, 2, 7, 8]);
    expect(stl.owned_sum(items)).toBe(18);
    expect(lifetimes.alive()).toBe(5);
    items.delete();
    expect(lifetimes.alive()).toBe(0);
  });
});

describe('implicit conversions', () => {
  it('pass shared_ptr<Derived> where shared_ptr<Base> is taken, sharing ownership', () => {
    const sq = stl.share_exact_square(3);
    expect(sq.use_count()).toBe(1);
    expect(stl.area_of(sq)).toBe(9);
    expect(stl.owners_seen(sq)).toBeGreaterThanOrEqual(2); // the by-value parameter shares ownership during the call
    expect(sq.use_count()).toBe(1); // the temporary made for the call is gone
    stl.keep_shape(sq);
    expect(sq.use_count()).toBe(2);
    sq.delete();
    expect(lifetimes.alive()).toBe(1); // C++ still owns the square
    stl.drop_shape();
    expect(lifetimes.alive()).toBe(0);
  });

  it('use converting constructors for value and const-reference parameters, destroying the temporary', () => {
    expect(stl.in_meters(new stl.Feet(10))).toBeCloseTo(3.048);
    expect(lifetimes.alive()).toBe(0);
    expect(() => stl.in_meters(new stl.Item(1))).toThrow(TypeError);
  });
});

describe('views and fixed-size sequences', () => {
  it('passes JS strings as std::string_view and returns views as strings', () => {
    expect(stl.view_length('héllo')).toBe(6); // UTF-8 bytes
    expect(stl.view_starts('prefix-rest', 'prefix')).toBe(true);
    expect(stl.view_literal()).toBe('static text');
  });

  it('passes arrays and TypedArrays as std::span and std::array, writing back through non-const spans', () => {
    expect(stl.sum_span([1, 2, 3])).toBe(6);
    expect(stl.sum_span(new Int32Array([4, 5]))).toBe(9);
    const values = new Float64Array([1.5, 2]);
    stl.double_all(values);
    expect([...values]).toEqual([3, 4]);
    const plain = [1, 2, 3];
    stl.double_all(plain);
    expect(plain).toEqual([2, 4, 6]);
    expect(stl.sum_array([1, 2, 3])).toBe(6);
    expect(() => stl.sum_array([1, 2])).toThrow(/expected 3 elements/);
  });

  it('gives std::tuple elements by index and iteration, std::pair destructuring', () => {
    const r = stl.record();
    expect([r[0], r[1], r[2], r.length]).toEqual([1, 2.5, 'one', 3]);
    r[1] = 4.5;
    expect([...r]).toEqual([1, 4.5, 'one']);
    const n = stl.nested_record();
    expect(n.length).toBe(2);
    expect(n[0].second).toBe(2);
    expect(n[1].id).toBe(7);
    const [key, value] = stl.labelled(3);
    expect([key, value]).toEqual([3, 'n=3']);
    expect(stl.maybe_name(true)).toBe('named');
    expect(stl.maybe_name(false)).toBeUndefined();
    r.delete();
    n.delete();
    expect(lifetimes.alive()).toBe(0);
  });

  it('indexes and iterates std::vector<bool>', () => {
    const f = stl.flags();
    expect(f[0]).toBe(true);
    expect(f[1]).toBe(false);
    expect(f[3]).toBeUndefined();
    f[1] = true;
    expect([...f]).toEqual([true, true, true]);
    expect(() => { f[5] = false; }).toThrow(RangeError);
    f.delete();
  });
});

describe('std::optional', () => {
  it('returns the value, or undefined when empty, for arithmetic, enum, bool and string T', () => {
    expect(stl.parse_digit('7')).toBe(7);
    expect(stl.parse_digit('x')).toBeUndefined();
    expect(stl.level_of(2)).toBe(stl.Level.High);
    expect(stl.level_of(9)).toBeUndefined();
    expect(stl.parity(4)).toBe(true);
    expect(stl.parity(3)).toBe(false);
    expect(stl.maybe_name(true)).toBe('named');
  });

  it('takes undefined/null (empty), a T, or an optional object for a parameter; trailing ones may be left out', () => {
    expect(stl.half(3)).toBe(1.5);
    expect(stl.half(undefined)).toBeUndefined();
    expect(stl.half(null)).toBeUndefined();
    expect(stl.half()).toBeUndefined();
    expect(stl.greet('ann', 2)).toBe('hello ann, hello ann');
    expect(stl.greet(undefined, 2)).toBe('hello nobody, hello nobody');
    expect(stl.greet('bo')).toBe('hello bo');
    expect(stl.greet()).toBe('hello nobody');
    const engaged = new (std.optional['double'])(8);
    expect(stl.half(engaged)).toBe(4);
    engaged.delete();
    expect(() => stl.half('x')).toThrow(TypeError);
    expect(() => stl.greet(5)).toThrow(/argument 1|no overload/);
  });

  it('converts the same way for fn.async', async () => {
    expect(await stl.half.async(4)).toBe(2);
    expect(await stl.half.async()).toBeUndefined();
    expect(await stl.greet.async('cy')).toBe('hello cy');
  });

  it('ranks an optional parameter by its T, and empties it for undefined', () => {
    expect(stl.which_optional(1)).toBe(1);
    expect(stl.which_optional('text')).toBe(2);
    expect(stl.which_optional(null)).toBe(1);
  });

  it('keeps class T as an object: has_value()/value(), inspect, and no leaked temporaries', () => {
    const five = new stl.Item(5);
    expect(stl.item_id(five)).toBe(5);
    five.delete();
    expect(stl.item_id(undefined)).toBe(-1);
    expect(stl.item_id()).toBe(-1);
    const found = stl.find_item(3);
    expect(found.has_value()).toBe(true);
    expect(found.value().id).toBe(3);
    expect(inspect(found)).toBe('std::optional<stl::Item> stl::Item { id: 3 }');
    const missing = stl.find_item(0);
    expect(missing.has_value()).toBe(false);
    expect(inspect(missing)).toBe('std::optional<stl::Item> empty');
    found.delete();
    missing.delete();
    expect(lifetimes.alive()).toBe(0);
  });
});

describe('std::span over a TypedArray', () => {
  it('is the TypedArray\'s own memory: a C++ write is visible to a callback during the call', () => {
    const values = new Int32Array(4);
    let seen: number[] = [];
    const peeked = stl.write_then_peek(values, (i: number) => {
      seen = [...values];
      return values[i];
    });
    expect(seen).toEqual([100, 101, 102, 103]);
    expect(peeked).toBe(103);
    expect([...values]).toEqual([100, 101, 102, 103]);
  });

  it('views const spans in place too (also fixed extents); other element types and arrays are copied', () => {
    const doubles = new Float64Array([1, 2, 3]);
    expect(BigInt(stl.span_data(doubles))).toBe(cppyy.ll.addressof(doubles));
    const ints = new Int32Array([1, 2]);
    expect(BigInt(stl.fixed_span_data(ints))).toBe(cppyy.ll.addressof(ints));
    expect(() => stl.fixed_span_data(new Int32Array(3))).toThrow(/expected 2 elements/);
    expect(BigInt(stl.span_data([1, 2]))).not.toBe(0n);
    expect(stl.sum_span(new Int16Array([1, 2]))).toBe(3);
    const sub = new Int32Array([0, 0, 0, 0]).subarray(2);
    stl.write_then_peek(sub, () => 0);
    expect([...sub]).toEqual([100, 101]);
  });
});

describe('output', () => {
  it('interleaves std::cout and printf output with console.log in program order', () => {
    const script = `
      const { default: cppyy } = await import(${JSON.stringify(new URL('../esm/index.mjs', import.meta.url).href)});
      cppyy.include(${JSON.stringify(fixture('stl.h'))});
      console.log('js 1');
      cppyy.gbl.stl.print_both(1);
      console.log('js 2');
      cppyy.gbl.stl.print_both(2);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toBe('js 1\ncout 1\nprintf 1\njs 2\ncout 2\nprintf 2\n');
  });
});

describe('iteration corner cases', () => {
  it('falls back to operator[] and size() when begin() points at an incomplete type', () => {
    expect([...new stl.Opaquely()]).toEqual([4, 5, 6]);
  });

  it('compares custom iterators with a non-const operator!=', () => {
    expect([...new stl.LooseRange()]).toEqual([1, 4, 9]);
  });
});
