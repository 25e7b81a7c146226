// test/objmodel.test.ts — nested classes and enums, static const members, using Base::f, const/non-const pairs, std.move, deleted/private constructors.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let om: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('objmodel.h'));
  om = cppyy.gbl.om;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

describe('class scopes', () => {
  it('nested classes, enums inside classes, static const members', () => {
    const inner = new om.Outer.Inner();
    expect(inner.depth).toBe(3);
    expect(new om.Outer.Inner.Deeper().tag).toBe('deep');
    expect(om.Outer.Mode.Slow).toBe(2);
    expect(om.Outer.Fast).toBe(1); // unscoped enumerators are members of the class too
    expect(om.Outer.Level.Low).toBe(-1);
    expect(om.Outer.limit).toBe(64);
    expect(om.Outer.ratio).toBe(0.25);
    expect(om.Outer.label).toBe('outer');
    expect(() => {
      om.Outer.limit = 1;
    }).toThrow(TypeError);
    const o = new om.Outer();
    expect(o.mode).toBe(om.Outer.Fast);
    expect(om.Outer.modeValue(om.Outer.Slow)).toBe(20);
    expect(o.inner.depth).toBe(3);
  });

  it('using Base::f brings the base overloads next to the derived ones; without it they are hidden', () => {
    const d = new om.Derived();
    expect(d.f(0.5)).toBe(50);
    expect(d.f(4)).toBe(5);
    expect(d.f('abc')).toBe(3);
    const h = new om.Hiding();
    expect(h.f(0.5)).toBe(500);
    expect(() => h.f('abc')).toThrow(TypeError);
  });

  it('const and non-const pairs: non-const for JS objects, const where C++ holds a const reference', () => {
    const s = new om.Store();
    expect(s.which()).toBe('non-const');
    expect(om.whichOf(s)).toBe('const');
    expect(s.at(1)).toBe(2);
  });
});

describe('copies, moves and construction errors', () => {
  it('std.move(x) passes an rvalue: C++ moves from the object instead of copying', () => {
    cppyy.include('<utility>');
    const m = new om.Movable(4);
    om.Movable.copies = 0;
    om.Movable.moves = 0;
    expect(om.consume(cppyy.gbl.std.move(m))).toBe(4);
    expect(om.Movable.moves).toBe(1);
    expect(om.Movable.copies).toBe(0);
    expect(m.size()).toBe(0); // moved-from
    const n = new om.Movable(3);
    expect(om.byValue(n)).toBe(3);
    expect(om.Movable.copies).toBe(1);
  });

  it('deleted and private constructors are clear TypeErrors', () => {
    expect(() => new om.Singleton()).toThrow(TypeError);
    expect(() => new om.Singleton()).toThrow(/om::Singleton::Singleton\(\) is private/);
    expect(om.Singleton.instance().value()).toBe(11);
    expect(() => new om.Deleted()).toThrow(/om::Deleted::Deleted\(\) is deleted/);
    expect(new om.Deleted(1)).toBeInstanceOf(om.Deleted);
    const a = new om.NoCopy();
    expect(() => new om.NoCopy(a)).toThrow(/NoCopy\(const NoCopy &\) is deleted/);
  });
});
