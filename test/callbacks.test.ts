// test/callbacks.test.ts — JS functions as function pointers and std::function, C++ functions passed directly, lifetimes, exceptions through C++ frames.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { collectGarbage, fixture } from './helpers';

let cb: any;
let lifetimes: any;
beforeAll(() => {
  cppyy.include(fixture('callbacks.h'));
  cb = cppyy.gbl.cb;
  lifetimes = cppyy.gbl.lifetimes;
});
beforeEach(async () => {
  await collectGarbage();
  lifetimes.reset();
});

const collected = new Set<string>();
const registry = new FinalizationRegistry((name: string) => collected.add(name));

// Made in their own frames so that nothing in the test keeps the functions alive.
function storeFresh(name: string, factor: number) {
  const f = (x: number) => x * factor;
  registry.register(f, name);
  cb.store(f);
}
function storePointerFresh(name: string, offset: number) {
  const f = (x: number) => x + offset;
  registry.register(f, name);
  cb.storePtr(f);
}
function pinFresh(name: string, offset: number) {
  const f = (x: number) => x + offset;
  registry.register(f, name);
  const pinned = cppyy.ll.callback(f, 'int(int)');
  cb.storePtr(pinned);
  return pinned;
}

describe('function pointers', () => {
  it('calls a JS function through a function pointer', () => {
    expect(cb.apply((a: number, b: number) => a * 10 + b, 2, 3)).toBe(23);
    expect(cb.apply((a: number, b: number) => a - b, 2, 3)).toBe(-1);
  });

  it('passes a C++ function from gbl as its own address (no JS round trip)', () => {
    expect(cb.apply(cb.add, 2, 3)).toBe(5); // the int overload: the double one would add 0.5
    expect(cb.isAdd(cb.add)).toBe(true);
    expect(cb.isAdd(cb.add.overload('int, int'))).toBe(true);
    expect(cb.isAdd(cb.mul)).toBe(false);
    expect(cb.apply(cb.Ops.sub, 5, 3)).toBe(2);
    // A JS function gets a trampoline, never the address of the function it happens to call.
    expect(cb.isAdd((a: number, b: number) => cb.add(a, b))).toBe(false);
  });

  it('passes null as a null pointer', () => {
    expect(cb.isNull(null)).toBe(true);
    expect(cb.isNull((x: number) => x)).toBe(false);
    cb.storePtr(null);
    expect(cb.callStoredPtr(1)).toBe(-1);
  });

  it('runs void callbacks with side effects, many times in one call', () => {
    const seen: number[] = [];
    cb.repeat(4, (i: number) => seen.push(i));
    expect(seen).toEqual([0, 1, 2, 3]);
    let sum = 0;
    cb.repeat(200_000, (i: number) => {
      sum += i;
    });
    expect(sum).toBe((199_999 * 200_000) / 2);
  });

  it('sorts with qsort and a JS comparator (the C typedef, and libc qsort itself)', () => {
    const values = () => Array.from({ length: 8 }, (_, i) => cb.at(i));
    cb.sortData((a: unknown, b: unknown) => cb.deref(a) - cb.deref(b));
    expect(values()).toEqual([1, 2, 3, 4, 5, 7, 8, 9]);
    cppyy.gbl.qsort(cb.dataPtr(), 8, 4, (a: unknown, b: unknown) => cb.deref(b) - cb.deref(a));
    expect(values()).toEqual([9, 8, 7, 5, 4, 3, 2, 1]);
  });

  it('gives the same JS function the same address, and keeps it callable while JS holds it', async () => {
    const keep = (x: number) => x + 100;
    cb.storePtr(keep);
    const address = cb.storedPtrAddress();
    cb.storePtr(keep);
    expect(cb.storedPtrAddress()).toBe(address);
    await collectGarbage();
    expect(cb.callStoredPtr(1)).toBe(101);
    expect(keep(0)).toBe(100);
    cb.storePtr(null);
  });

  it('reports a call through a pointer whose JS function was collected as a C++ error, not a crash', async () => {
    storePointerFresh('dropped pointer', 1);
    expect(cb.callStoredPtr(1)).toBe(2);
    await collectGarbage();
    expect(collected.has('dropped pointer')).toBe(true);
    expect(() => cb.callStoredPtr(1)).toThrow(/garbage-collected/);
    cb.storePtr(null);
  });

  it('reuses the trampolines of collected functions', async () => {
    const addresses = new Set<number>();
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 50; i++) {
        storePointerFresh(`churn ${round} ${i}`, i);
        addresses.add(cb.storedPtrAddress());
        expect(cb.callStoredPtr(1)).toBe(1 + i);
      }
      cb.storePtr(null);
      await collectGarbage();
    }
    expect(addresses.size).toBeLessThan(200);
  });

  it('pins a function for C++ that keeps the pointer (ll.callback) until release()', async () => {
    let pinned: any = pinFresh('pinned', 7);
    await collectGarbage();
    expect(collected.has('pinned')).toBe(false);
    expect(cb.callStoredPtr(1)).toBe(8);
    expect(BigInt(cb.storedPtrAddress())).toBe(pinned.address);
    expect(pinned(2)).toBe(9);
    pinned.release();
    pinned = null;
    await collectGarbage();
    expect(collected.has('pinned')).toBe(true);
    expect(() => cb.callStoredPtr(1)).toThrow(/garbage-collected/);
    cb.storePtr(null);
    expect(() => cppyy.ll.callback((x: number) => x, 'not a type')).toThrow(TypeError);
  });

  it('reads and writes function-pointer data members', () => {
    const h = new cb.Handler();
    expect(h.fn).toBe(null);
    expect(h.run(1)).toBe(-1);
    const inc = (x: number) => x + 1;
    h.fn = inc;
    expect(h.run(1)).toBe(2);
    expect(h.fn(41)).toBe(42); // a callable for the stored pointer (the trampoline)
    h.fn = null;
    expect(h.run(1)).toBe(-1);
    h.delete();
  });

  it('rejects a JS function for a callback type it cannot implement, with the reason', () => {
    expect(() => cb.quietParam((x: unknown) => x)).toThrow(/cannot pass a JS function as .*noexcept.*cannot be implemented by a JS function/);
    expect(cb.quietParam(null)).toBe(1);
    expect(cb.outParam((x: any) => { x.value = 3; })).toBe(3);
  });

  it('a callback from a thread the blocked main thread joins is a C++ exception, not a hang (fn.async runs it)', async () => {
    let called = false;
    expect(cb.fromThread(() => { called = true; })).toMatch(/main thread is blocked/);
    expect(called).toBe(false);
    expect(await cb.fromThread.async(() => { called = true; })).toBe('no exception');
    expect(called).toBe(true);
  });
});

describe('lambdas returned by C++', () => {
  it('are callable JS functions (the closure object stays alive with them)', () => {
    const add2 = cb.makeAdder(2);
    expect(typeof add2).toBe('function');
    expect([add2(5), add2(-2)]).toEqual([7, 0]);
    expect(new cb.Scaler().by(3)(2.5)).toBe(7.5);
    expect(typeof add2.closure.call).toBe('function');
  });
});

describe('std::function', () => {
  it('converts doubles and strings both ways', () => {
    expect(cb.integrate((x: number) => x * x, 0, 1, 1000)).toBeCloseTo(1 / 3, 6);
    expect(cb.joined((w: string, i: number) => `${w}${i};`, 'ab', 3)).toBe('ab0;ab1;ab2;');
    expect(cb.total(10, (i: number) => i * 2)).toBe(90);
  });

  it('accepts by value, const& and &&; null is an empty function; C++ functions too', () => {
    expect(cb.viaRvalue((x: number) => x + 1)).toBe(21);
    expect(cb.isEmpty(null)).toBe(true);
    expect(cb.isEmpty((x: number) => x)).toBe(false);
    cb.store(cb.negate);
    expect(cb.callStored(3)).toBe(-3);
    expect(cb.storedIsPlainFunction()).toBe(true); // the C++ function itself, not a JS round trip
    cb.store((x: number) => x);
    expect(cb.storedIsPlainFunction()).toBe(false);
    cb.clearStored();
  });

  it('comes back from C++ as a callable JS function owning a copy (null when empty)', async () => {
    const add5 = cb.adder(5);
    expect(typeof add5).toBe('function');
    expect(add5(1)).toBe(6);
    expect(cb.emptyFunction()).toBe(null);
    cb.store(add5); // passes the C++ object itself (copied), no JS round trip
    expect(cb.callStored(2)).toBe(7);
    cb.store((x: number) => x * 4);
    const back = cb.getStored(); // a std::function wrapping a JS function, called from JS
    expect(back(3)).toBe(12);
    cb.clearStored();
    expect(back(4)).toBe(16); // its own copy keeps the JS function alive
    expect(() => add5('x')).toThrow(TypeError);
  });

  it('keeps a stored JS function alive exactly as long as C++ holds it', async () => {
    storeFresh('stored', 3);
    await collectGarbage();
    expect(collected.has('stored')).toBe(false);
    expect(cb.callStored(5)).toBe(15);
    cb.clearStored();
    expect(cb.callStored(5)).toBe(-1);
    await collectGarbage();
    expect(collected.has('stored')).toBe(true);
  });

  it('releases a JS function whose last std::function dies on another thread', async () => {
    storeFresh('released on a thread', 2);
    expect(cb.callStored(4)).toBe(8);
    cb.dropStoredOnThread();
    await collectGarbage(8);
    expect(collected.has('released on a thread')).toBe(true);
  });

  it('passes class objects by reference as borrowed objects, results by value as copies', async () => {
    const items: unknown[] = [];
    expect(cb.sumWith((item: any) => {
      items.push(item);
      expect(item).toBeInstanceOf(cb.Item);
      return item.v * 10;
    })).toBe(30);
    expect(cb.makeVia((n: number) => new cb.Item(n))).toBe(7);
    await collectGarbage();
    expect(lifetimes.alive()).toBe(0);
  });
});

describe('class objects through function pointers', () => {
  it('passes a by-value argument as a copy owned by JS, pointers both ways', async () => {
    let kept: any;
    expect(cb.byValue((item: any) => {
      kept = item;
      return item.v;
    })).toBe(5);
    expect(kept.v).toBe(5); // the copy outlives the C++ frame
    expect(cppyy.ll.isOwned(kept)).toBe(true);
    kept = null;
    await collectGarbage();
    expect(lifetimes.alive()).toBe(0);
    expect(cb.pickSecond((a: any, b: any) => (a.v < b.v ? b : a))).toBe(2);
    expect(cb.pickSecond(() => null)).toBe(0);
  });
});

describe('function pointers returned by C++', () => {
  it('are callable JS functions, the same for the same address, and pass back as raw addresses', () => {
    const mul = cb.choose(1);
    expect(typeof mul).toBe('function');
    expect(mul(6, 7)).toBe(42);
    expect(cb.choose(0)).toBe(cb.choose(0));
    expect(cb.isAdd(cb.choose(0))).toBe(true);
    expect(cb.apply(cb.choose(1), 3, 4)).toBe(12);
    expect(cb.chooseNull()).toBe(null);
    expect(() => mul('x', 1)).toThrow(TypeError);
  });

  it('reach a callback as callable arguments', () => {
    expect(cb.withOp((op: (a: number, b: number) => number) => op(6, 7))).toBe(42);
  });

  it('round-trip a JS function through C++', () => {
    const twice = (a: number, b: number) => 2 * (a + b);
    expect(cb.passThrough(twice)).toBe(twice); // a trampoline comes back as its JS function
    const pinned = cppyy.ll.callback(twice, 'int (*)(int, int)');
    expect(cb.passThrough(pinned)).toBe(twice);
    expect(cb.apply(pinned, 1, 2)).toBe(6);
    pinned.release();
  });
});

describe('exceptions in callbacks', () => {
  it('unwind C++ and reach the caller as the same error object', () => {
    const thrown = new Error('boom');
    let caught: unknown;
    try {
      cb.apply(() => {
        throw thrown;
      }, 1, 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
    caught = undefined;
    try {
      cb.integrate(() => {
        throw thrown;
      }, 0, 1, 10);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrown);
  });

  it('run C++ destructors on the way, and survive non-Error values and libc frames', () => {
    const thrown = new RangeError('out');
    const before = cb.guardsDestroyed;
    expect(() => cb.guarded(() => {
      throw thrown;
    })).toThrow(thrown);
    expect(cb.guardsDestroyed).toBe(before + 1);
    let caught: unknown;
    try {
      cb.apply(() => {
        throw 42;
      }, 1, 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(42);
    const sortError = new Error('no order');
    expect(() => cppyy.gbl.qsort(cb.dataPtr(), 8, 4, () => {
      throw sortError;
    })).toThrow(sortError);
  });

  it('may be swallowed by C++ catch(...), and everything keeps working', () => {
    expect(cb.swallowing(() => {
      throw new Error('swallowed');
    })).toBe(-99);
    expect(cb.apply((a: number, b: number) => a + b, 1, 2)).toBe(3);
  });

  it('cross nested C++ and JS frames unchanged; C++ exceptions inside a callback become CppError', () => {
    const inner = new Error('inner');
    let caught: unknown;
    try {
      cb.apply(() => cb.apply(() => {
        throw inner;
      }, 0, 0), 1, 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(inner);
    try {
      cb.apply((a: number) => cb.throwsCpp(-a), 1, 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(cppyy.CppError);
    expect((caught as any).cppType).toBe('std::out_of_range');
  });

  it('turn a wrong result into a TypeError (RangeError when out of range) for the caller', () => {
    expect(() => cb.apply(() => 'x', 1, 2)).toThrow(/callback of type int \(int, int\): returned string, expected an integer/);
    expect(() => cb.apply(() => 'x', 1, 2)).toThrow(TypeError);
    expect(() => cb.apply(() => 2 ** 40, 1, 2)).toThrow(RangeError);
    expect(() => cb.makeVia(() => 5)).toThrow(TypeError);
    expect(() => cb.pickSecond(() => 'x')).toThrow(/returned a wrong value/);
  });
});

describe('overload ranking', () => {
  it('convert class results as arguments are: literals, arrays, values, undefined for an empty optional', async () => {
    expect(cb.pairSum(() => ({ a: 2, b: 3 }))).toBe(5);
    expect(cb.vectorSum((n: number) => Array.from({ length: n }, (_, i) => i + 1))).toBe(6);
    expect(cb.maybe((b: boolean) => (b ? 7 : undefined), true)).toBe(7);
    expect(cb.maybe((b: boolean) => (b ? 7 : undefined), false)).toBe(-1);
    expect(cb.madeItem((v: number) => new cb.Item(v))).toBe(4);
    await collectGarbage(); // the JS-owned Item the callback made (C++ copied it)
    expect(lifetimes.alive()).toBe(0);
    expect(() => cb.vectorSum(() => ['x'])).toThrow(/returned a wrong value: the result: element 0: cannot pass a string as int/);
  });

  it('makes a function viable only for callable parameters', () => {
    expect(cb.kind(1)).toBe(1);
    expect(cb.kind((x: number) => x)).toBe(2);
    expect(cb.kind2('text')).toBe(1);
    expect(cb.kind2((x: number) => x)).toBe(2);
    expect(() => cb.onlyInt((x: number) => x)).toThrow(/expected an integer, got function/);
    expect(() => cb.kind({})).toThrow(/cannot pass object as int \(\*\)\(int\)/);
  });
});

describe('reference parameters', () => {
  it('a T& of an arithmetic T is a box whose .value reads and writes the C++ variable', () => {
    expect(cb.outParams((i: any, d: any) => {
      expect(i.value).toBe(4);
      expect(i.type).toBe('int');
      i.value *= 10;
      d.value += 0.5;
    })).toBe(40.75);
    // Out of range for int: a RangeError reaches the caller, as for any callback result.
    expect(() => cb.outParams((i: any) => { i.value = 2 ** 40; })).toThrow(RangeError);
  });

  it('a JS override of a virtual taking int& writes through it', () => {
    class Twice extends cb.Filler {
      fill(out: any, seed: number) {
        out.value = seed * 2;
        return true;
      }
    }
    const t = new Twice();
    expect(cb.fillWith(t, 21)).toBe(42);
    t.delete();
  });
});
