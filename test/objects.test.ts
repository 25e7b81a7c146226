// test/objects.test.ts — classes: construction, fields, methods, statics, identity, ownership, GC, inheritance, auto-downcast.
import { inspect } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let objects: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('objects.h'));
  objects = cppyy.gbl.objects;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

describe('classes and objects', () => {
  it('constructs with overloaded constructors and reads/writes fields live', () => {
    const p = new objects.Point(3, 4);
    expect(p.x).toBe(3);
    expect(p.sum()).toBe(7);
    p.x = 10;
    expect(p.sum()).toBe(14);
    p.scale(2);
    expect([p.x, p.y]).toEqual([20, 8]);
    const origin = new objects.Point();
    expect(origin.sum()).toBe(0);
    expect(lifetimes.constructed).toBe(2);
    p.delete();
    origin.delete();
    expect(lifetimes.destroyed).toBe(2);
  });

  it('destroys owned objects exactly once: delete(), dispose, GC', async () => {
    const a = new objects.Point(1, 1);
    a.delete();
    a.delete();
    expect(lifetimes.alive()).toBe(0);
    {
      const b = new objects.Point(2, 2);
      b[Symbol.dispose]();
    }
    expect(lifetimes.destroyed).toBe(2);
    (() => {
      for (let i = 0; i < 50; i++) new objects.Point(i, i);
    })();
    expect(lifetimes.alive()).toBe(50);
    await collectGarbage();
    expect(lifetimes.alive()).toBe(0);
    expect(lifetimes.constructed).toBe(lifetimes.destroyed);
  });

  it('throws instead of touching freed memory after delete()', () => {
    const p = new objects.Point(1, 2);
    p.delete();
    expect(() => p.sum()).toThrow(/deleted/);
    expect(() => p.x).toThrow(/deleted/);
    expect(() => { p.y = 1; }).toThrow(/deleted/);
    expect(inspect(p)).toBe('objects::Point <deleted>');
  });

  it('returns by value as owned objects, references and pointers as borrowed ones', async () => {
    const a = new objects.Point(0, 0);
    const b = new objects.Point(4, 8);
    const m = objects.midpoint(a, b);
    expect([m.x, m.y]).toEqual([2, 4]);
    expect(cppyy.ll.isOwned(m)).toBe(true);
    const g = objects.global_point();
    expect(g.sum()).toBe(15);
    expect(cppyy.ll.isOwned(g)).toBe(false);
    expect(() => g.delete()).toThrow(/borrowed/);
    expect(objects.global_point()).toBe(g);
    expect(a.self()).toBe(a);
    expect(objects.sumOf(b)).toBe(12);
    expect(objects.sumVia(b)).toBe(12);
    expect(objects.sumVia(null)).toBe(-1);
    expect(() => objects.midpoint(a, null)).toThrow(TypeError);
    expect(() => objects.midpoint(a, {})).toThrow(/objects::Point/);
    a.delete(); b.delete(); m.delete();
  });

  it('keeps identity: the same C++ object is the same JS object', () => {
    const p = new objects.Point(1, 2);
    expect(p.self()).toBe(p);
    expect(p.self().self()).toBe(p);
    expect(cppyy.ll.bindObject(cppyy.ll.addressof(p), objects.Point)).toBe(p);
    p.delete();
  });

  it('has static members and class-type, string and const fields', () => {
    expect(typeof objects.Point.instances).toBe('function');
    const before = objects.Point.instances();
    const p = new objects.Point();
    expect(objects.Point.instances()).toBe(before + 1);
    objects.Point.created_total = 12;
    expect(cppyy.evaluate('objects::Point::created_total')).toBe(12);
    const n = new objects.Named();
    n.name = 'widget';
    expect(n.name).toBe('widget');
    const text = new cppyy.gbl.std.string('from a std::string object');
    n.name = text; // copies its text, as `n.name = text` does in C++
    expect(n.name).toBe('from a std::string object');
    text.assign('changed');
    expect(n.name).toBe('from a std::string object');
    n.name = 'widget';
    expect(n.weight).toBe(1.5);
    expect(n.id).toBe(11);
    expect(() => { n.id = 3; }).toThrow(/const/);
    n.where.x = 5;
    expect(n.where.x).toBe(5);
    expect(n.where).toBe(n.where);
    expect(inspect(n)).toMatch(/objects::Named \{/);
    expect(inspect(n)).toMatch(/name: 'widget'/);
    p.delete();
    n.delete();
  });

  it('mirrors inheritance in the prototype chain', () => {
    const s = new objects.Square(3);
    expect(s).toBeInstanceOf(objects.Square);
    expect(s).toBeInstanceOf(objects.Shape);
    expect(s.area()).toBe(9);
    expect(s.shapeTag()).toBe(1);
    expect(s.tag).toBe(1);
    expect(objects.areaOf(s)).toBe(9);
    s.delete();
    expect(lifetimes.alive()).toBe(0);
  });

  it('downcasts polymorphic pointers and references to their dynamic class', () => {
    const s = objects.makeShape(1);
    expect(s).toBeInstanceOf(objects.Square);
    expect(s.side).toBe(2);
    expect(s.name()).toBe('square');
    const c = objects.makeShape(2);
    expect(c).toBeInstanceOf(objects.Circle);
    expect(c.area()).toBe(3);
    expect(objects.shapeRef(c)).toBe(c);
    expect(cppyy.typeName(c)).toBe('objects::Circle');
    objects.destroyShape(s);
    objects.destroyShape(c);
    expect(lifetimes.alive()).toBe(0);
  });

  it('adjusts addresses for a base at a non-zero offset', () => {
    const w = new objects.Widget();
    expect(w.label).toBe(5);
    expect(w.labelValue()).toBe(5);
    expect(objects.labelOf(w)).toBe(5);
    w.label = 6;
    expect(objects.labelOf(w)).toBe(6);
    expect(w.size).toBe(9);
    w.delete();
  });

  it('gives clear errors for abstract, incomplete and wrongly-constructed classes', () => {
    expect(() => new objects.Abstract()).toThrow(/abstract/);
    expect(() => new objects.NoDefault()).toThrow(TypeError);
    expect(new objects.NoDefault(4).v).toBe(4);
    expect(objects.makeOpaque()).toBeNull();
    expect(() => new objects.Point('a', 'b')).toThrow(/no overload of objects::Point/);
  });

  it('transfers ownership with ll.own / ll.disown', async () => {
    const p = new objects.Point(1, 1);
    cppyy.ll.disown(p);
    expect(cppyy.ll.isOwned(p)).toBe(false);
    const address = cppyy.ll.addressof(p);
    const again = cppyy.ll.bindObject(address, objects.Point);
    expect(again).toBe(p);
    cppyy.ll.own(again);
    again.delete();
    expect(lifetimes.alive()).toBe(0);
  });

  it('prints type and fields with util.inspect; a class prints as its C++ name', () => {
    const p = new objects.Point(1, 2);
    expect(inspect(p)).toBe('objects::Point { x: 1, y: 2 }');
    p.delete();
    expect(inspect(objects.Point)).toBe('<C++ class objects::Point>');
    class Mine extends objects.Point {}
    expect(inspect(Mine)).toBe('[class Mine extends <C++ class objects::Point>]');
  });

  it('refuses a method called without its object (detached, or on another value) with a TypeError', () => {
    const p = new objects.Point(1, 2);
    const { sum, scale } = p;
    expect(sum.call(p)).toBe(3);
    expect(() => sum.call({})).toThrow(/objects::Point::sum\(\) must be called on an instance of its class/);
    expect(() => scale.call(7, 2)).toThrow(/not on a number/);
    p.delete();
  });
});
