// test/inheritance.test.ts — JS classes extending C++ classes: overrides called from C++, super, base constructors, abstract bases, protected members, exceptions, noexcept virtuals, lifetimes.
import { inspect } from 'node:util';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let inh: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('inheritance.h'));
  inh = cppyy.gbl.inh;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

describe('overrides called from C++', () => {
  it('runs the JS override of a pure virtual through Shape& and Shape*', () => {
    class Circle extends inh.Shape {
      constructor(public r: number) {
        super('circle');
      }
      area() {
        return 3 * this.r * this.r;
      }
    }
    const c = new Circle(2);
    expect(c).toBeInstanceOf(inh.Shape);
    expect(c).toBeInstanceOf(Circle);
    expect(inh.areaOf(c)).toBe(12);
    expect(inh.sumAreas(c, 10)).toBe(120);
    // describe() is C++ (not overridden) and calls the virtual area() back in JS.
    expect(inh.describeIt(c)).toBe('circle with area 12');
    expect(c.describe()).toBe('circle with area 12');
    expect(c.name).toBe('circle');
    c.r = 3;
    expect(inh.areaOf(c)).toBe(27);
  });

  it('passes base constructor arguments through super(...)', () => {
    class Poly extends inh.Shape {
      constructor() {
        super('poly', 5);
      }
      area() {
        return 1;
      }
    }
    const p = new Poly();
    expect(p.sides).toBe(5);
    expect(p.name).toBe('poly');
    expect(inh.scaleIt(p, 3)).toBe(15); // scaled(int) not overridden: C++'s
  });

  it('overrides an overloaded virtual with one JS method for every overload; super calls C++', () => {
    class Scaler extends inh.Shape {
      constructor() {
        super('s', 2);
      }
      area() {
        return 0;
      }
      scaled(f: number): number {
        return super.scaled(f) + 1;
      }
    }
    const s = new Scaler();
    expect(inh.scaleIt(s, 3)).toBe(7); // C++ scaled(int) = 6, + 1
    expect(inh.scaleItD(s, 0.5)).toBe(11); // C++ scaled(double) = 10, + 1
  });

  it('super.method() of a non-overridden method, and calling an override from JS', () => {
    class Named extends inh.Shape {
      area() {
        return 2;
      }
      describe() {
        return `[${super.describe()}]`;
      }
    }
    const n = new Named('n');
    expect(n.describe()).toBe('[n with area 2]');
    expect(inh.describeIt(n)).toBe('[n with area 2]');
  });

  it('the same C++ object comes back as the same JS object', () => {
    class Dot extends inh.Shape {
      area() {
        return 0.5;
      }
    }
    const d = new Dot();
    expect(inh.same(d)).toBe(d);
  });

  it('listeners with string and int arguments, and a const virtual with a default', () => {
    const seen: string[] = [];
    class Log extends inh.Listener {
      onEvent(what: string, n: number) {
        seen.push(`${what}${n}`);
      }
      accepts(n: number) {
        return n % 2 === 0 && super.accepts(n);
      }
    }
    expect(inh.fire(new Log(), 5)).toBe(3);
    expect(seen).toEqual(['event0', 'event2', 'event4']);
  });

  it('overrides returning and taking class objects', () => {
    class Jump extends inh.Mover {
      move(p: any) {
        const q = new inh.Point();
        q.x = p.x + 10;
        return q;
      }
    }
    expect(inh.moveX(new Jump(), 5)).toBe(15);
    class Still extends inh.Mover {}
    expect(inh.moveX(new Still(), 5)).toBe(6);
  });
});

describe('inherited constructors', () => {
  it('using Base::Base gives the derived class the base constructors (not the copy constructor)', () => {
    expect(new inh.Box(3).area()).toBe(9);
    expect(new inh.Box(2, 5).area()).toBe(10);
    expect(new inh.Box(2, 5)).toBeInstanceOf(inh.Sized);
    expect(() => new inh.Box(new inh.Sized(1))).toThrow(TypeError);
  });
});

describe('construction errors and display', () => {
  it('arguments matching no base constructor name the base constructors; inspect shows the JS class', () => {
    class Tri extends inh.Shape {
      area() {
        return 3;
      }
    }
    expect(() => new Tri(1, 2, 3)).toThrow(TypeError);
    expect(() => new Tri(1, 2, 3)).toThrow(/no constructor of inh::Shape accepts \(number, number, number\)[^]*inh::Shape::Shape\(std::string n, int s\)/);
    const t = new Tri('tri', 3);
    expect(inspect(t)).toBe("Tri [inh::Shape] { name: 'tri', sides: 3 }");
  });
});

describe('abstract bases and access', () => {
  it('an abstract class is extendable but not constructible', () => {
    expect(() => new inh.Shape()).toThrow(/abstract/);
    class Lazy extends inh.Shape {}
    expect(() => new Lazy()).toThrow(/must implement double inh::Shape::area\(\) const/);
  });

  it('protected constructors, protected fields and methods, private pure virtuals', () => {
    class Doubler extends inh.Task {
      constructor() {
        super(5);
      }
      step(x: number) {
        this.count = this.count + 1;
        return 2 * x;
      }
    }
    const t = new Doubler();
    expect(t.run(4)).toBe(1008);
    expect(t.runs()).toBe(6);
    expect(t.count).toBe(6);
    class Peek extends inh.Shape {
      area() {
        return this.secret;
      }
      both() {
        return this.twiceSecret();
      }
    }
    const p = new Peek();
    expect(p.mixed(7)).toBe(7); // public overload of a set with a protected one
    expect(p.mixed('ab')).toBe(2000); // the protected overload
    expect(new inh.Square(1).mixed(7)).toBe(7);
    expect(inh.areaOf(p)).toBe(42);
    p.secret = 7;
    expect(p.both()).toBe(14);
    // Not reachable on a plain C++ object.
    expect(new inh.Square(2).secret).toBeUndefined();
  });

  it('a final class cannot be extended; a class without virtuals is refused with a reason', () => {
    class F extends inh.Final {}
    expect(() => new F()).toThrow(/final/);
    class P extends inh.Point {}
    expect(() => new P()).toThrow(/no virtual methods/);
  });

  it('super() of a pure virtual is a TypeError, not a recursion', () => {
    class Bad extends inh.Shape {
      area(): number {
        return super.area();
      }
    }
    expect(() => inh.areaOf(new Bad())).toThrow(/pure virtual/);
  });
});

describe('deep hierarchies', () => {
  it('JS class extending a JS class extending a C++ class', () => {
    class Rect extends inh.Shape {
      constructor(public w: number, public h: number) {
        super('rect', 4);
      }
      area() {
        return this.w * this.h;
      }
      describe() {
        return 'rect:' + super.describe();
      }
    }
    class Sq extends Rect {
      constructor(s: number) {
        super(s, s);
      }
      describe() {
        return 'sq:' + super.describe();
      }
      scaled(f: number) {
        return f * 100;
      }
    }
    const s = new Sq(3);
    expect(s).toBeInstanceOf(Rect);
    expect(s).toBeInstanceOf(inh.Shape);
    expect(inh.areaOf(s)).toBe(9);
    expect(inh.describeIt(s)).toBe('sq:rect:rect with area 9');
    expect(inh.scaleIt(s, 2)).toBe(200);
    const r = new Rect(2, 5);
    expect(inh.describeIt(r)).toBe('rect:rect with area 10');
    expect(inh.scaleIt(r, 2)).toBe(8);
  });

  it('JS class extending a C++ class that extends a C++ class', () => {
    class Tile extends inh.Square {
      describe() {
        return `tile of ${this.side}: ${super.describe()}`;
      }
    }
    const t = new Tile(3);
    expect(inh.areaOf(t)).toBe(9);
    expect(inh.describeIt(t)).toBe('tile of 3: square with area 9');
  });
});

describe('exceptions in overrides', () => {
  it('a JS exception thrown in an override reaches the JS caller as the same value, unwinding C++ frames', () => {
    class Boom extends inh.Thrower {
      compute(x: number): number {
        if (x < 0) throw new RangeError('negative: ' + x);
        return x * 2;
      }
    }
    const b = new Boom();
    expect(inh.computeGuarded(b, 4)).toBe(9);
    lifetimes.reset();
    const err = new RangeError('x');
    class Same extends inh.Thrower {
      compute(): number {
        throw err;
      }
    }
    let caught: unknown;
    try {
      inh.computeGuarded(new Same(), 1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    expect(lifetimes.destroyed).toBe(1); // the C++ guard's destructor ran
    expect(() => inh.computeGuarded(b, -1)).toThrow(/negative: -1/);
  });

  it('C++ can catch the JS exception as a std::exception', () => {
    class Boom extends inh.Thrower {
      compute(): number {
        throw new Error('from JS');
      }
    }
    expect(inh.catchInCpp(new Boom())).toMatch(/caught: .*from JS/);
  });

  it('a wrong result type is a TypeError', () => {
    class Wrong extends inh.Thrower {
      compute(): any {
        return 'text';
      }
    }
    expect(() => inh.computeGuarded(new Wrong(), 1)).toThrow(TypeError);
  });
});

describe('noexcept virtuals', () => {
  it('a JS override of a noexcept virtual runs when C++ calls it', () => {
    class Loud extends inh.Quiet {
      value(x: number) {
        return 3 * x;
      }
      where() {
        const p = new inh.Point();
        p.x = 9;
        return p;
      }
    }
    expect(inh.valueTwice(new Loud(), 2)).toBe(12);
    expect(inh.whereX(new Loud())).toBe(9);
    class Same extends inh.Quiet {}
    expect(inh.valueTwice(new Same(), 2)).toBe(4);
  });

  it('its exception does not unwind C++: C++ gets a value-initialised result, the JS caller gets the exception', () => {
    const err = new RangeError('nope');
    class Bad extends inh.Quiet {
      value(): number {
        throw err;
      }
      notify(i: number) {
        if (i === 2) throw new Error(`notify ${i}`);
      }
      where(): unknown {
        throw new Error('where');
      }
    }
    inh.afterQuiet = 0;
    let caught: unknown;
    try {
      inh.valueTwice(new Bad(), 1);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(err);
    expect(inh.afterQuiet).toBe(1); // the noexcept caller ran to its end
    expect(() => inh.notifyAll(new Bad(), 5)).toThrow('notify 2');
    expect(() => inh.whereX(new Bad())).toThrow('where');
    // The process goes on, and the next calls are normal.
    class Fine extends inh.Quiet {
      value(x: number) {
        return x + 1;
      }
    }
    expect(inh.valueTwice(new Fine(), 1)).toBe(4);
  });

  it('inside fn.async the exception rejects the promise', async () => {
    const err = new Error('async nope');
    class Bad extends inh.Quiet {
      value(): number {
        throw err;
      }
    }
    const b = new Bad();
    await expect(inh.valueTwice.async(b, 1)).rejects.toBe(err);
  });

  it('a noexcept virtual whose result type has no default constructor cannot be overridden', () => {
    class Maker extends inh.Strict {
      make() {
        return null;
      }
    }
    expect(() => new Maker()).toThrow(TypeError);
    expect(() => new Maker()).toThrow(/noexcept and its result type .*NoDefault is not default-constructible/);
    class Plain extends inh.Strict {}
    expect(() => new Plain()).not.toThrow();
  });
});

describe('lifetimes', () => {
  let Unit: any;
  beforeAll(() => {
    Unit = class Unit extends inh.Shape {
      constructor(public v: number) {
        super('unit');
      }
      area() {
        return this.v;
      }
    };
  });

  it('delete() and GC run the C++ destructor of a JS-owned object', async () => {
    const u = new Unit(1);
    expect(lifetimes.alive()).toBe(1);
    u.delete();
    expect(lifetimes.alive()).toBe(0);
    expect(() => inh.areaOf(u)).toThrow(/deleted/);
    (() => {
      for (let i = 0; i < 20; i++) new Unit(i);
    })();
    expect(lifetimes.constructed).toBe(21);
    await collectGarbage();
    expect(lifetimes.destroyed).toBe(21);
  });

  it('a C++ owner keeps the JS object alive; deleting from C++ marks it deleted', async () => {
    const owner = new inh.Owner();
    const collected: string[] = [];
    const registry = new FinalizationRegistry((n: string) => collected.push(n));
    (() => {
      for (let i = 1; i <= 3; i++) {
        const u = new Unit(i);
        registry.register(u, `u${i}`);
        owner.adopt(cppyy.ll.disown(u));
      }
    })();
    await collectGarbage();
    expect(collected).toEqual([]);
    expect(owner.total()).toBe(6); // the JS overrides still run, with their JS state
    const kept = new Unit(10);
    owner.adopt(cppyy.ll.disown(kept));
    expect(lifetimes.alive()).toBe(4);
    owner.clear();
    expect(lifetimes.alive()).toBe(0);
    expect(() => kept.area && inh.areaOf(kept)).toThrow(/deleted/);
    expect(() => kept.delete()).not.toThrow();
    await collectGarbage();
    expect(collected.sort()).toEqual(['u1', 'u2', 'u3']);
  });

  it('passing it to a std::unique_ptr parameter hands it to C++ without ll.disown', async () => {
    const zoo = new inh.Zoo();
    const collected: string[] = [];
    const registry = new FinalizationRegistry((n: string) => collected.push(n));
    (() => {
      for (let i = 1; i <= 3; i++) {
        const u = new Unit(i);
        registry.register(u, `u${i}`);
        zoo.adopt(u);
      }
    })();
    await collectGarbage();
    expect(collected).toEqual([]);
    expect(lifetimes.alive()).toBe(3);
    expect(zoo.total()).toBe(6); // the JS overrides still run, with their JS state
    const kept = new Unit(10);
    zoo.adopt(kept);
    expect(cppyy.ll.isOwned(kept)).toBe(false);
    expect(inh.areaOf(kept)).toBe(10);
    zoo.clear(); // C++ deletes them
    expect(lifetimes.alive()).toBe(0);
    expect(lifetimes.destroyed).toBe(4);
    expect(() => inh.areaOf(kept)).toThrow(/deleted/);
    await collectGarbage();
    expect(collected.sort()).toEqual(['u1', 'u2', 'u3']);
    expect(lifetimes.destroyed).toBe(4);
  });

  it('a callee that drops it deletes it; one that leaves a && parameter alone gives it back', async () => {
    const u = new Unit(4);
    expect(inh.consumeShape(u)).toBe(4);
    expect(lifetimes.alive()).toBe(0);
    expect(() => u.describe()).toThrow(/deleted/);
    const zoo = new inh.Zoo();
    const v = new Unit(5);
    expect(zoo.offer(v, false)).toBe(false);
    expect(cppyy.ll.isOwned(v)).toBe(true);
    expect(zoo.offer(v, true)).toBe(true);
    expect(cppyy.ll.isOwned(v)).toBe(false);
    expect(zoo.total()).toBe(5);
    zoo.delete(); // its vector deletes v
    expect(lifetimes.alive()).toBe(0);
    expect(() => inh.areaOf(v)).toThrow(/deleted/);
    await collectGarbage();
    expect(lifetimes.destroyed).toBe(2);
  });
});

describe('JS subclasses as template arguments', () => {
  let Tri: any;
  beforeAll(() => {
    Tri = class Tri extends inh.Shape {
      k = 7;
      constructor() {
        super('tri', 3);
      }
      area() {
        return this.k;
      }
    };
  });

  it('std.vector[Tri] holds copies that keep their JS class and properties', () => {
    const v = new cppyy.gbl.std.vector[Tri]();
    const t = new Tri();
    t.k = 5;
    v.push_back(t);
    v.push_back(t); // reallocation moves the first element: its JS self moves with it
    t.k = 6;
    expect(v.size()).toBe(2);
    const first = v.at(0);
    expect(first).toBeInstanceOf(Tri);
    expect(first.k).toBe(5);
    expect(inh.areaOf(first)).toBe(5);
    expect(inh.areaOf(t)).toBe(6);
    expect(first.name).toBe('tri');
    v.at(1).k = 9;
    expect(inh.areaOf(v.at(1))).toBe(9);
    v.delete();
    t.delete();
    expect(lifetimes.constructed - lifetimes.destroyed).toBe(0);
  });

  it('C++ constructs, copies and destroys objects of the JS class', () => {
    expect(inh.makeAndMeasure[Tri]()).toBe(7);
    const t = new Tri();
    t.k = 11;
    expect(inh.copyAndMeasure(t)).toBe(11);
    expect(inh.copyAndMeasure[Tri](t)).toBe(11);
    t.delete();
    expect(lifetimes.constructed - lifetimes.destroyed).toBe(0);
  });

  it('std.make_shared[Tri]() makes a JS object owned by the shared_ptr', () => {
    const sp = cppyy.gbl.std.make_shared[Tri]();
    expect(sp.__smartptr__().use_count()).toBe(1);
    expect(sp.k).toBe(7);
    sp.k = 4;
    expect(inh.areaOf(sp)).toBe(4);
    sp.__smartptr__().reset();
    expect(lifetimes.constructed - lifetimes.destroyed).toBe(0);
  });

  it('a subclass of a non-copyable class is not copyable', () => {
    class U extends inh.Unique {
      id() {
        return 3;
      }
    }
    const u = new U();
    expect(u.id()).toBe(3);
    expect(() => inh.copyAndMeasure[U](u)).toThrow();
    expect(cppyy.gbl.std.is_copy_constructible[U].value).toBe(false);
    u.delete();
  });
});
