// test/cinterop.test.ts — C interop: structs by value and from literals, C arrays in structs, pointers from TypedArrays/strings, out parameters, opaque handles, variadics, bit-fields, unions, layouts, ll.
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let g: any;
const ll: any = cppyy.ll;
beforeAll(() => {
  cppyy.include(fixture('cinterop.h'));
  // The opaque handle's implementation, hidden from callers as a C library would keep it.
  cppyy.cppdef(`
    struct HandleImpl { int value; };
    static int ci_alive = 0;
    extern "C" int handle_open(const char* name, Handle** out) {
      if (!name || !*name) { *out = nullptr; return 1; }
      *out = reinterpret_cast<Handle*>(new HandleImpl{static_cast<int>(std::strlen(name))});
      ++ci_alive;
      return 0;
    }
    extern "C" int handle_value(const Handle* h) { return reinterpret_cast<const HandleImpl*>(h)->value; }
    extern "C" void handle_close(Handle* h) { if (h) { --ci_alive; delete reinterpret_cast<HandleImpl*>(h); } }
    extern "C" int handles_alive() { return ci_alive; }
  `);
  g = cppyy.gbl;
});

describe('structs by value', () => {
  it('passes and returns structs by value', () => {
    const r = g.vec2_add(new g.Vec2(), new g.Vec2());
    expect(r.x).toBe(0);
    const a = new g.Vec2();
    a.x = 1;
    a.y = 2;
    const b = g.vec2_add(a, a);
    expect([b.x, b.y]).toEqual([2, 4]);
    expect(b).toBeInstanceOf(g.Vec2);
  });

  it('accepts JS object literals for aggregate parameters, nested too', () => {
    const v = g.vec2_add({ x: 1, y: 2 }, { x: 10, y: 20 });
    expect([v.x, v.y]).toEqual([11, 22]);
    expect(g.vec2_dot({ x: 1, y: 2 }, { x: 3, y: 4 })).toBe(11);
    expect(g.rect_area({ min: { x: 1, y: 1 }, max: { x: 4, y: 3 } })).toBe(6);
    // Missing fields are zero, as in C's { ... } initialisation.
    expect(g.rect_area({ max: { x: 2, y: 5 } })).toBe(10);
  });

  it('keeps a literal argument intact while a callback passes other literals', () => {
    const inner = (x: number) => g.vec2_dot({ x, y: 100 }, { x: 1, y: 1 }) + g.rect_area({ max: { x: 1, y: 1 } });
    expect(g.vec_apply({ x: 2, y: 0.5 }, inner)).toBe(2 + 100 + 1 + 0.5);
    expect(() => g.vec_apply({ x: 2 }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(g.vec_apply({ x: 3, y: 1 }, (x: number) => x)).toBe(4);
  });

  it('rejects literals with unknown fields or wrong field types, naming them', () => {
    expect(() => g.vec2_add({ x: 1, z: 2 }, { x: 0 })).toThrow(/argument 1.*no field 'z'/);
    expect(() => g.vec2_add({ x: 'a' }, { x: 0 })).toThrow(TypeError);
    expect(() => g.rect_area({ tag: 2 ** 40 })).toThrow(RangeError);
  });

  it('nested structs are live views into their parent', () => {
    const r = g.rect_make(3, 4);
    expect(r.tag).toBe(7);
    const max = r.max;
    expect([max.x, max.y]).toEqual([3, 4]);
    max.x = 5;
    expect(g.rect_area(r)).toBe(20);
    r.min = { x: 1, y: 1 };
    expect(g.rect_area(r)).toBe(12);
    r.max = g.vec2_add({ x: 1, y: 1 }, { x: 1, y: 1 });
    expect([r.max.x, r.max.y]).toEqual([2, 2]);
  });

  it('C arrays inside structs are live TypedArrays; char arrays are strings', () => {
    const n = new g.Named();
    const values = n.values;
    expect(values).toBeInstanceOf(Int32Array);
    expect(values.length).toBe(4);
    values.set([1, 2, 3, 4]);
    expect(g.named_sum(n)).toBe(10);
    n.values = [10, 20, 30, 40];
    expect(values[3]).toBe(40);
    expect(n.weights).toBeInstanceOf(Float64Array);
    n.name = 'hello';
    expect(n.name).toBe('hello');
    expect(g.named_len(n)).toBe(5);
    expect(() => { n.name = 'x'.repeat(16); }).toThrow(RangeError);
    expect(() => { n.values = [1, 2, 3]; }).toThrow(RangeError);
    expect(() => { n.values = [1, 2, 3, 2 ** 31]; }).toThrow(RangeError);
    expect(g.named_sum({ name: 'abc', values: [1, 1, 1, 1] })).toBe(4);
    // The bytes of a char array, live.
    const bytes = ll.asTypedArray(n, 'name');
    expect(bytes.length).toBe(16);
    bytes[0] = 'J'.charCodeAt(0);
    expect(n.name).toBe('Jello');
    expect(() => ll.asTypedArray(n, 'nope')).toThrow(/no C array field 'nope'/);
  });
});

describe('pointers', () => {
  it('overloads by pointer element type take the TypedArray that matches', () => {
    expect(g.first_elem(new Float64Array([2]))).toBe(2.5);
    expect(g.first_elem(new Int32Array([3]))).toBe(3);
  });

  it('passes TypedArrays in place for T*', () => {
    expect(g.sum_doubles(new Float64Array([1.5, 2.5, 3]), 3)).toBe(7);
    const ints = new Int32Array([1, 2, 3]);
    g.scale_ints(ints, 3, 10);
    expect([...ints]).toEqual([10, 20, 30]);
    const bytes = Buffer.alloc(4);
    g.fill_bytes(bytes, 4, 7);
    expect([...bytes]).toEqual([7, 7, 7, 7]);
    // A subarray passes its own first element.
    const tail = new Int32Array([1, 2, 3, 4]).subarray(2);
    g.scale_ints(tail, 2, 2);
    expect([...tail]).toEqual([6, 8]);
  });

  it('copies JS arrays for const T* and rejects them for T*', () => {
    expect(g.sum_doubles([1, 2, 3.5], 3)).toBe(6.5);
    expect(() => g.scale_ints([1, 2], 2, 2)).toThrow(/argument 1.*TypedArray/);
  });

  it('rejects a TypedArray of the wrong element type, naming the parameter', () => {
    expect(() => g.sum_doubles(new Float32Array(2), 2)).toThrow(TypeError);
    expect(() => g.sum_doubles(new Float32Array(2), 2)).toThrow(/argument 1 \('p'\).*Float64Array.*Float32Array/);
    expect(() => g.scale_ints(new Uint32Array(2), 2, 2)).toThrow(/Int32Array/);
  });

  it('char* from strings (a temporary copy) and from Buffers (in place)', () => {
    expect(g.length_of('hello')).toBe(5);
    const text = Buffer.from('shout\0');
    g.upcase(text);
    expect(text.toString('latin1', 0, 5)).toBe('SHOUT');
  });

  it('returns pointer objects with .address and p[i]', () => {
    const p = g.int_buffer(4);
    expect(typeof p.address).toBe('bigint');
    expect([p[0], p[1], p[2], p[3]]).toEqual([0, 1, 4, 9]);
    p[1] = 42;
    expect(g.int_buffer(0)[1]).toBe(42);
    const t = g.double_table();
    expect(t[2]).toBe(2.5);
    expect(ll.asTypedArray(t, 3)).toEqual(new Float64Array([0.5, 1.5, 2.5]));
    expect(g.read_int(p)).toBe(0);
    expect(g.scale_ints(p, 1, 1)).toBeUndefined();
  });

  it('refuses a TypedArray shorter than a parameter declared as an array', () => {
    expect(g.first_of(new Int32Array([4, 5, 6]))).toBe(4);
    expect(() => g.first_of(new Int32Array(2))).toThrow(RangeError);
    expect(() => g.first_of(new Int32Array(2))).toThrow(/argument 1 \('arr'\).*3 elements/);
  });

  it('rejects a pointer object of another type', () => {
    expect(() => g.sum_doubles(g.int_buffer(1), 1)).toThrow(/expected const double \*.*int\* pointer/);
  });

  it('out parameters through ll.ref', () => {
    const q = ll.ref('int', 0);
    const r = ll.ref('int');
    g.divmod(17, 5, q, r);
    expect([q.value, r.value]).toEqual([3, 2]);
    const d = ll.ref('double', 1.25);
    g.twice_ref(d);
    expect(d.value).toBe(2.5);
    const u = ll.ref('uint64_t', 0);
    expect(g.parse_u64('18446744073709551615', u)).toBe(true);
    expect(u.value).toBe(18446744073709551615n);
    expect(() => g.twice_ref(ll.ref('int', 1))).toThrow(/argument 1.*ref of int/);
    expect(() => g.twice_ref(2)).toThrow(TypeError);
  });

  it('opaque handles and pointer-to-pointer out parameters', () => {
    const out = ll.ref('Handle*', null);
    expect(out.value).toBe(null);
    expect(g.handle_open('four', out)).toBe(0);
    const h = out.value;
    expect(h.type).toBe('Handle');
    expect(g.handle_value(h)).toBe(4);
    expect(g.handles_alive()).toBe(1);
    g.handle_close(h);
    expect(g.handles_alive()).toBe(0);
    expect(g.handle_open('', out)).toBe(1);
    expect(out.value).toBe(null);
    expect(() => g.handle_value(g.int_buffer(1))).toThrow(TypeError);
  });

  it('void* takes any pointer-like value', () => {
    const ints = new Int32Array([5]);
    expect(g.read_int(ints)).toBe(5);
    expect(g.read_int(ints.buffer)).toBe(5);
    const box = ll.ref('int', 9);
    expect(g.read_int(box)).toBe(9);
    const v = new g.Vec2();
    expect(BigInt(g.address_of(v))).toBe(ll.addressof(v));
    expect(BigInt(g.address_of(ints))).toBe(ll.addressof(ints));
    expect(g.address_of(null)).toBe(0);
  });

  it('arrays of structs from JS arrays and from ll.malloc', () => {
    expect(g.vec_sum([{ x: 1, y: 2 }, { x: 3, y: 4 }], 2)).toBe(10);
    const vs = ll.malloc('Vec2', 3);
    vs[1].x = 5;
    vs[2] = { x: 1, y: 1 };
    expect(vs[2].y).toBe(1);
    expect(g.vec_sum(vs, 3)).toBe(7);
    expect(() => g.vec_sum(ll.malloc('int', 2), 1)).toThrow(/argument 1.*int\* pointer/);
    ll.free(vs);
  });
});

describe('pointers to structs returned by C', () => {
  it('ll.array(p, n) indexes a returned T* as ll.malloc pointers are indexed, with bounds and iteration', () => {
    const count = ll.ref('int', 0);
    const first = g.vec_table(count);
    expect(first).toBeInstanceOf(g.Vec2); // the pointee, as before
    const table = ll.array(first, count.value);
    expect(table.length).toBe(3);
    expect(table.type).toBe('Vec2');
    expect(table[2].y).toBe(6);
    expect(table[3]).toBeUndefined();
    expect([...table].map((v: any) => v.x)).toEqual([1, 3, 5]);
    table[1].x = 30;
    expect(g.vec_table(null)[0]).toBe(undefined); // an instance has no index access...
    expect(ll.array(g.vec_table(null), 3)[1].x).toBe(30); // ...ll.array gives it
    table[1] = { x: 3, y: 4 };
    expect(g.vec_sum(table, 3)).toBe(21);
    expect(() => { table[3] = { x: 0 }; }).toThrow(RangeError);
    expect(inspect(table)).toMatch(/^<Vec2\[3\] 0x[0-9a-f]+>$/);
    const ints = ll.array(g.int_buffer(4), 4);
    expect([...ints]).toEqual([0, 1, 4, 9]);
    expect(() => ll.array(first, -1)).toThrow(RangeError);
    expect(() => ll.array(5, 1)).toThrow(TypeError);
  });

  it('ll.ref of a class pointer: Point** and Point*& out parameters', () => {
    const out = ll.ref('Vec2*', null);
    expect(g.vec_lookup(1, out)).toBe(1);
    expect(out.value).toBeInstanceOf(g.Vec2);
    expect(out.value.x).toBe(3);
    expect(g.vec_lookup(7, out)).toBe(0);
    expect(out.value).toBe(null);
    const start = g.vec_table(null);
    const cursor = ll.ref(start); // a Vec2* box holding the object
    expect(cursor.value).toBe(start);
    expect(g.vec_x_of(cursor)).toBe(1);
    g.vec_advance(cursor); // Vec2*&
    expect(cursor.value.x).toBe(3);
    g.vec_advance(cursor);
    expect(ll.addressof(cursor.value) - ll.addressof(start)).toBe(32n);
    cursor.value = null;
    expect(g.vec_x_of(cursor)).toBe(-1);
    expect(() => g.vec_advance(ll.ref('int', 0))).toThrow(/ref of int/);
    expect(() => g.vec_advance(start)).toThrow(TypeError);
  });
});

describe('variadic functions', () => {
  it('promotes arguments as C does', () => {
    const out = Buffer.alloc(64);
    const n = g.format(out, 64, '%d %s %.2f %lld', 42, 'str', 1.5, 2 ** 40);
    const text = out.toString('utf8', 0, n);
    expect(text).toBe(`42 str 1.50 ${2 ** 40}`);
    expect(g.sum_va(3, 1.5, 2.5, 3.5)).toBe(7.5);
    expect(g.sum_ll(2, 1n << 40n, 5n)).toBe(2 ** 40 + 5);
    g.format(out, 64, '%s|%c', 'again', 65);
    expect(out.toString('utf8', 0, 7)).toBe('again|A');
  });

  it('rejects values with no C promotion, naming the argument', () => {
    expect(() => g.sum_va(1, () => 1)).toThrow(/argument 2/);
    expect(() => g.sum_va(1, new g.Vec2())).toThrow(TypeError);
  });
});

describe('bit-fields, unions, layouts', () => {
  it('reads and writes bit-fields exactly as C lays them out', () => {
    const f = new g.Flags();
    f.ready = 1;
    f.mode = 5;
    f.delta = -3;
    f.big = 2 ** 39 + 7;
    f.tail = 200;
    expect([f.ready, f.mode, f.delta, f.big, f.tail]).toEqual([1, 5, -3, 2 ** 39 + 7, 200]);
    expect(g.flags_mode(f)).toBe(5);
    expect(g.flags_delta(f)).toBe(-3);
    expect(g.flags_big(f)).toBe(2 ** 39 + 7);
    expect(() => { f.mode = 8; }).toThrow(RangeError);
    expect(() => { f.delta = 8; }).toThrow(/Flags::delta.*signed 4-bit/);
    expect(() => { f.ready = -1; }).toThrow(RangeError);
    expect(f.mode).toBe(5);
    expect(g.flags_mode({ mode: 3 })).toBe(3);
  });

  it('unions share their storage', () => {
    const n = new g.Number();
    n.f = 1;
    expect(n.i).toBe(0x3f800000);
    expect([...n.bytes]).toEqual([0, 0, 0x80, 0x3f]);
    expect(g.number_float({ i: 0x40000000 })).toBe(2);
  });

  it('packed and aligned layouts and anonymous members', () => {
    expect(cppyy.sizeof('Packed')).toBe(13);
    const p = new g.Packed();
    p.d = 2.5;
    p.i = -7;
    expect([p.i, p.d]).toEqual([-7, 2.5]);
    expect(Number(ll.addressof(p)) + g.packed_offset_d()).toBe(Number(ll.addressof(p)) + 5);
    expect(cppyy.sizeof('Aligned')).toBe(32);
    const a = new g.Aligned();
    a.i = 3;
    expect(g.aligned_offset_i()).toBe(16);
    const t = new g.Tagged();
    t.kind = 1;
    t.asDouble = 1.5;
    expect(g.tagged_value(t)).toBe(1.5);
    t.kind = 0;
    t.asInt = 12;
    t.hi = 3;
    expect(g.tagged_value(t)).toBe(12);
    expect(t.hi).toBe(3);
  });
});

describe('macros, constants, ll', () => {
  it('reads object-like macros and constants', () => {
    expect(cppyy.macro('CI_VERSION')).toBe('1.2.3');
    expect(cppyy.macro('CI_LIMIT')).toBe(42);
    expect(cppyy.macro('CI_RATIO')).toBe(0.25);
    expect(g.ci_answer).toBe(42);
    expect(g.CI_GREEN).toBe(2);
  });

  it('asTypedArray over a contiguous container (data() + size())', () => {
    cppyy.include('<vector>');
    const v = new cppyy.gbl.std.vector['double']();
    v.push_back(1.5);
    v.push_back(2.5);
    const view = ll.asTypedArray(v);
    expect(view).toEqual(new Float64Array([1.5, 2.5]));
    view[0] = 9;
    expect(v.at(0)).toBe(9);
  });

  it('malloc, free, cast, cstring, asTypedArray', () => {
    const p = ll.malloc('int', 4);
    expect([p[0], p[3]]).toEqual([0, 0]);
    p[2] = 7;
    const view = ll.asTypedArray(p, 4);
    expect(view).toBeInstanceOf(Int32Array);
    expect(view[2]).toBe(7);
    expect(g.first_of(p)).toBe(0);
    const bytes = ll.cast(p, 'unsigned char*');
    expect(bytes.type).toBe('unsigned char');
    expect(bytes[8]).toBe(7);
    ll.free(p);
    const s = ll.malloc('char', 8);
    g.format(s, 8, '%s', 'abc');
    expect(ll.cstring(s)).toBe('abc');
    expect(ll.cstring(s, 2)).toBe('ab');
    ll.free(s);
    const v = new g.Vec2();
    v.x = 3;
    const again = ll.cast(ll.addressof(v), 'Vec2*');
    expect(again).toBe(v);
    expect(ll.bindObject(ll.addressof(v), g.Vec2)).toBe(v);
  });
});

describe('references to pointers as results', () => {
  it('a returned T*& reads as the pointer it refers to', () => {
    expect(g.cell_slot()).toBe(null);
    g.current_cell = new g.Cell2({ v: 9 });
    expect(g.cell_slot().v).toBe(9);
    expect(g.ints_slot()).toBe(null);
    const ints = ll.malloc('int', 2);
    ints[1] = 7;
    g.current_ints = ints;
    expect(g.ints_slot()[1]).toBe(7);
    ll.free(ints);
  });
});

describe('void** and forward-declared classes', () => {
  it('void** takes an ll.ref box of any pointer, or an object', () => {
    const slot = ll.ref('void*', null);
    expect(g.store_any(slot)).toBe(1);
    expect(ll.cast(slot.value, g.Boxed).v).toBe(8);
    const typed = ll.ref('Boxed*', null);
    g.store_any(typed);
    expect(typed.value.v).toBe(8);
    expect(g.boxed_value(new g.Boxed())).toBe(3);
    expect(g.boxed_value(ll.ref('void*', null))).toBe(-1);
  });

  it('a pointer to a forward-declared class binds a const T& parameter', () => {
    const s = g.sealed_make();
    expect(String(s.type)).toBe('Sealed');
    expect(g.sealed_value(s)).toBe(11);
    g.sealed_free(s);
    expect(() => g.sealed_value(null)).toThrow(TypeError);
  });

  it('0 is a null pointer, as in C++; no other number is an address', () => {
    expect(g.null_int(0)).toBe(1);
    expect(g.null_boxed(0)).toBe(1);
    expect(() => g.null_int(5)).toThrow(TypeError);
    expect(() => g.null_boxed(5)).toThrow(TypeError);
    expect(g.int_or_ptr(0)).toBe('int'); // an integer overload ranks first
  });
});
