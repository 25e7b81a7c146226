// test/operators.test.ts — operators by C++ spelling (member, namespace-level, hidden friends), equals, toString via operator<<, call via operator(), conversions.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let ops: any;
beforeAll(() => {
  cppyy.include(fixture('operators.h'));
  ops = cppyy.gbl.ops;
});

const xy = (v: any) => [v.x, v.y];

describe('operators by spelling', () => {
  it('member, namespace-level and unary operators', () => {
    const a = new ops.Vec(1, 2);
    const b = new ops.Vec(3, 5);
    expect(xy(a['operator+'](b))).toEqual([4, 7]); // member
    expect(xy(b['operator-'](a))).toEqual([2, 3]); // free, binary
    expect(xy(a['operator-']())).toEqual([-1, -2]); // member, unary
    expect(xy(a['operator*'](2))).toEqual([2, 4]); // free Vec * double (an int converts)
    expect(xy(a['operator*'](0.5))).toEqual([0.5, 1]);
    const r = a['operator+='](b); // returns Vec&: the same object
    expect(r).toBe(a);
    expect(xy(a)).toEqual([4, 7]);
    expect(a['operator[]'](1)).toBe(7);
    expect(a['operator=='](new ops.Vec(4, 7))).toBe(true);
  });

  it('hidden friends (only ADL finds them) and prefix/postfix increments', () => {
    const c = new ops.Counter(1);
    const d = new ops.Counter(5);
    expect(c['operator<'](d)).toBe(true);
    expect(d['operator<'](c)).toBe(false);
    expect(c['operator+'](10).get()).toBe(11);
    expect(c['operator++']()).toBe(c);
    expect(c.get()).toBe(2);
    const old = c['operator++'](0); // postfix: a copy of the old value
    expect(old.get()).toBe(2);
    expect(c.get()).toBe(3);
  });

  it('no viable operator is a TypeError naming the operator and types', () => {
    const a = new ops.Vec(1, 2);
    expect(() => a['operator/'](2)).toThrow(TypeError);
    expect(() => a['operator/'](2)).toThrow(/operator\/ for \(ops::Vec&, int\)/);
    expect(() => new ops.Plain()['operator+'](1)).toThrow(TypeError);
  });

  it('comparisons C++20 rewrites: != from ==, relational ones from <=>, swapped operands', () => {
    const v = (a: number, b: number) => new ops.Version(a, b);
    expect([v(1, 2)['operator<'](v(1, 3)), v(1, 2)['operator<='](v(1, 2)), v(2, 0)['operator>'](v(1, 9)), v(1, 0)['operator>='](v(1, 1))])
      .toEqual([true, true, true, false]);
    expect([v(1, 2)['operator!='](v(1, 2)), v(1, 2)['operator=='](v(1, 2)), v(1, 2)['operator!='](v(2, 1))]).toEqual([false, true, true]);
    const id = new ops.Id(4);
    expect([id['operator!='](4), id['operator!='](5), id['operator=='](4)]).toEqual([false, true, true]);
    const std = cppyy.gbl.std;
    const items = new std.vector['int']([1, 2, 3]);
    let sum = 0;
    // libstdc++'s iterators have only == and <=> in C++20: != is a rewritten comparison.
    for (let it = items.begin(); it['operator!='](items.end()); it['operator++']()) sum += it['operator*']();
    expect(sum).toBe(6);
  });

  it('conversion operators by name', () => {
    const a = new ops.Vec(3, 4);
    expect(a['operator bool']()).toBe(true);
    expect(new ops.Vec()['operator bool']()).toBe(false);
    expect(a['operator double']()).toBe(25);
  });
});

describe('conveniences', () => {
  it('equals from operator==, unless the class has its own equals', () => {
    expect(new ops.Vec(1, 2).equals(new ops.Vec(1, 2))).toBe(true);
    expect(new ops.Vec(1, 2).equals(new ops.Vec(2, 1))).toBe(false);
    expect(new ops.Tagged().equals(0)).toBe('member equals');
    expect(new ops.Tagged()['operator=='](new ops.Tagged())).toBe(true);
  });

  it('toString from operator<< (free or hidden friend), a plain name otherwise', () => {
    expect(new ops.Vec(1.5, 2).toString()).toBe('(1.5, 2)');
    expect(`${new ops.Counter(7)}`).toBe('Counter(7)');
    expect(String(new ops.Plain())).toBe('[object ops::Plain]');
  });

  it('toString from a member operator<<(std::ostream&) too', () => {
    expect(String(new ops.Gauge())).toBe('Gauge(4)');
  });

  it('callable objects through operator() as obj.call(...)', () => {
    const add = new ops.Adder(10);
    expect(add.call(5)).toBe(15);
    expect(add.call(1, 2)).toBe(13);
    expect(add['operator()'](1)).toBe(11);
    const g = new ops.Grid();
    g.cells[4] = 9;
    expect(g.call(1, 1)).toBe(9);
    expect(() => g.call(5, 5)).toThrow(/out_of_range|vector/);
  });
});

describe('indexing and iteration from operator[]', () => {
  it('integer indexing for any class with an integer operator[]; by-value results are read-only', () => {
    const g = new ops.Grid(); // int& operator[](int), no size()
    g[2] = 8;
    expect(g[2]).toBe(8);
    expect(g.call(0, 2)).toBe(8);
    const v = new ops.Vec(1.5, 2.5); // double operator[](int) const
    expect(v[0]).toBe(1.5);
    expect(v[1]).toBe(2.5);
    expect(() => {
      v[0] = 3;
    }).toThrow(/read-only/);
  });

  it('iteration from operator[] and size() when there is no begin()/end()', () => {
    const r = new ops.Row();
    r[1] = 50;
    expect([...r]).toEqual([4, 50, 6]);
    expect(r[3]).toBeUndefined(); // bounds from size()
  });
});

describe('copy on assignment', () => {
  it('assigning an object to a class-typed field or variable copies it into C++ memory', () => {
    const seg = new ops.Segment();
    const v = new ops.Vec(3, 4);
    seg.to = v;
    expect(seg.length2()).toBe(25);
    v.x = 100; // the field holds a copy
    expect(seg.to.x).toBe(3);
    expect(seg.to).not.toBe(v);
    ops.origin = new ops.Vec(1, 1);
    expect(xy(ops.origin)).toEqual([1, 1]);
    expect(() => {
      seg.from = 'text';
    }).toThrow(TypeError);
  });
});
