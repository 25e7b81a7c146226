// test/multiple.test.ts — multiple and virtual inheritance: this adjustment for every base, instanceof, ll.cast up and down, RTTI downcasts.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let mi: any;
beforeAll(() => {
  cppyy.include(fixture('multiple.h'));
  mi = cppyy.gbl.mi;
});

describe('multiple inheritance', () => {
  it('methods and fields of the second base act on its subobject', () => {
    const b = new mi.Box();
    expect(b.getName()).toBe('named');
    expect(b.getSize()).toBe(7);
    b.grow(3);
    expect(b.size).toBe(10);
    b.size = 2;
    expect(b.getSize()).toBe(2);
    expect(mi.sizeOf(b)).toBe(2);
    expect(b.weight).toBe(1.5);
    expect(b.kind()).toBe('box');
  });

  it('instanceof holds for every base', () => {
    const b = new mi.Box();
    expect(b).toBeInstanceOf(mi.Named);
    expect(b).toBeInstanceOf(mi.Sized);
    expect(b).toBeInstanceOf(mi.Box);
    expect(new mi.Sized()).not.toBeInstanceOf(mi.Box);
    expect(new mi.Sized()).not.toBeInstanceOf(mi.Named);
  });

  it('a derived object passed as the second base is adjusted, and comes back as itself', () => {
    const b = new mi.Box();
    const s = mi.asSized(b); // const Sized*: not polymorphic, so a borrowed Sized view
    expect(s).toBeInstanceOf(mi.Sized);
    expect(cppyy.ll.addressof(s) - cppyy.ll.addressof(b)).toBe(BigInt(cppyy.sizeof('mi::Named')));
    expect(mi.isBoxAt(b, s)).toBe(true);
    expect(mi.isBoxAt(b, b)).toBe(true);
    // Named is polymorphic: RTTI gives back the Box itself.
    expect(mi.asNamed(b)).toBe(b);
    const made = cppyy.ll.own(mi.makeBox());
    expect(made).toBeInstanceOf(mi.Box);
    expect(made.getSize()).toBe(7);
    made.delete();
  });

  it('ll.cast up and down', () => {
    const b = new mi.Box();
    b.size = 11;
    const s = cppyy.ll.cast(b, mi.Sized);
    expect(s).toBeInstanceOf(mi.Sized);
    expect(s.getSize()).toBe(11);
    const back = cppyy.ll.cast(s, 'mi::Box*');
    expect(back).toBe(b); // static downcast subtracts the offset: the same object
    const n = cppyy.ll.cast(b, 'mi::Named');
    expect(cppyy.ll.addressof(n)).toBe(cppyy.ll.addressof(b));
    expect(cppyy.ll.cast(n, mi.Box)).toBe(b);
    const plain = new mi.Named();
    expect(() => cppyy.ll.cast(plain, mi.Box)).toThrow(/not a mi::Box/);
    expect(() => cppyy.ll.cast(b, 'int')).toThrow(/cannot cast to int: expected a pointer type or a class/);
  });
});

describe('virtual inheritance (diamond)', () => {
  it('fields and methods of the virtual base and of both branches', () => {
    const bat = new mi.Bat();
    expect(bat.legs).toBe(2);
    expect(bat.getLegs()).toBe(2);
    expect(bat.getWings()).toBe(2);
    expect(bat.wings).toBe(2);
    expect(bat.fur).toBe(1);
    bat.legs = 3;
    expect(mi.legsOf(bat)).toBe(3);
    bat.wings = 4;
    expect(mi.wingsOf(bat)).toBe(4);
    expect(bat.sound()).toBe('squeak');
    expect(bat).toBeInstanceOf(mi.Animal);
    expect(bat).toBeInstanceOf(mi.Mammal);
    expect(bat).toBeInstanceOf(mi.Winged);
  });

  it('pointers to the virtual base come back as the complete object; casts across virtual bases use RTTI', () => {
    const bat = new mi.Bat();
    expect(mi.asAnimal(bat)).toBe(bat);
    expect(mi.asWinged(bat)).toBe(bat);
    const animal = cppyy.ll.cast(bat, mi.Animal);
    expect(animal.getLegs()).toBe(2);
    expect(cppyy.ll.cast(animal, mi.Bat)).toBe(bat);
    expect(cppyy.ll.cast(animal, mi.Winged).getWings()).toBe(2);
  });
});

describe('JS classes extending a class with several bases', () => {
  it('overrides reach C++ through the first base; the second base works with this adjustment; casts', () => {
    class Crate extends mi.Box {
      kind() {
        return `crate of ${this.getSize()}`;
      }
    }
    const c = new Crate();
    expect(mi.kindOf(c)).toBe('crate of 7');
    expect(mi.grownSize(c)).toBe(8);
    expect(c.size).toBe(8);
    expect(c).toBeInstanceOf(mi.Sized);
    const s = cppyy.ll.cast(c, mi.Sized);
    expect(s.getSize()).toBe(8);
    expect(cppyy.ll.cast(s, mi.Box)).toBe(c);
    expect(mi.asNamed(c)).toBe(c);
  });

  it('a JS class extending a class with a virtual base: overrides through the virtual base', () => {
    class Vamp extends mi.Bat {
      sound() {
        return `vamp ${super.sound()} ${this.getWings()} ${this.legs}`;
      }
    }
    const v = new Vamp();
    expect(mi.asAnimal(v)).toBe(v);
    expect(mi.legsOf(v)).toBe(2);
    const animal = cppyy.ll.cast(v, mi.Animal);
    expect(animal.sound()).toBe('vamp squeak 2 2'); // virtual call through the Animal subobject
    expect(cppyy.ll.cast(animal, mi.Bat)).toBe(v);
  });
});
