// test/fastcalls.test.ts — V8 fast calls: taken for hot calls with exact arguments, and every other call, error and exception exactly as through Node-API.
//
// The fast path only runs in optimised code, so each check loops long enough for V8 to optimise
// the loop, with the unusual value in the middle of it. With CPPJIT_FAST_CALLS=0 (or a runtime
// without them) the same checks run through Node-API and must give the same results.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy, { CppError } from '../esm/index.mjs';
import { fixture } from './helpers';

let fastc: any;
const HOT = 200_000;
const fastCount = () => cppyy.info().fastCalls.calls;
const enabled = () => cppyy.info().fastCalls.enabled;

beforeAll(() => {
  cppyy.include(fixture('fastcalls.h'));
  fastc = cppyy.gbl.fastc;
});

/** Runs f(i) HOT times and returns what each call gave (or the error it threw, by index). */
function hot<T>(f: (i: number) => T): { last: T | undefined; errors: Map<number, unknown> } {
  const errors = new Map<number, unknown>();
  let last: T | undefined;
  for (let i = 0; i < HOT; i++) {
    try {
      last = f(i);
    } catch (e) {
      errors.set(i, e);
    }
  }
  return { last, errors };
}

describe('fast calls', () => {
  it('are taken by hot calls with exact arguments (when the runtime has them)', () => {
    const add = fastc.add;
    const before = fastCount();
    let s = 0;
    for (let i = 0; i < HOT; i++) s += add(i, 1);
    expect(s).toBe((HOT * (HOT + 1)) / 2);
    if (enabled()) expect(fastCount() - before).toBeGreaterThan(HOT / 4);
    else expect(fastCount()).toBe(0);
  });

  it('give every signature the Node-API result', () => {
    const r = hot((i) => [fastc.hypot2(i, 0.5), fastc.umax(), fastc.echo_u32(4000000000 - i), fastc.echo_i16(-i & 0x7fff),
      fastc.echo_u8(i & 255), fastc.negate(i % 2 === 0), fastc.half(i), fastc.low_bits(2 ** 40 + i, 8)]);
    expect(r.errors.size).toBe(0);
    const i = HOT - 1;
    expect(r.last).toEqual([i * i + 0.25, 4000000000, 4000000000 - i, -i & 0x7fff, i & 255, i % 2 !== 0, i / 2, i & 255]);
    fastc.total = 0;
    for (let k = 0; k < HOT; k++) fastc.accumulate(1);
    expect(fastc.total).toBe(HOT);
  });

  it('leave wrong arguments to the thunk: the same TypeError and RangeError, inside optimised code', () => {
    const slow = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as Error).constructor.name}: ${(e as Error).message}`;
      }
      return 'no error';
    };
    const expected = {
      fraction: slow(() => fastc.add(1.5, 1)),
      range: slow(() => fastc.add(2 ** 31, 1)),
      string: slow(() => fastc.add('1', 1)),
      bigint: slow(() => fastc.add(2n ** 40n, 1)),
      valueOf: slow(() => fastc.add({ valueOf: () => 1 }, 1)),
      missing: slow(() => fastc.add(1)),
      i16: slow(() => fastc.echo_i16(40000)),
      u8: slow(() => fastc.echo_u8(-1)),
      bool: slow(() => fastc.negate(2)),
      i64: slow(() => fastc.low_bits(2 ** 60, 8)),
      u64: slow(() => fastc.low_bits(1, -1)),
      bigint64: slow(() => fastc.low_bits(2n ** 62n, 8)),
    };
    expect(expected.fraction).toMatch(/^TypeError: .*not an integer/);
    expect(expected.range).toMatch(/^RangeError/);
    expect(expected.i16).toMatch(/^RangeError/);
    const odd = HOT / 2;
    const seen: Record<string, string> = {};
    const r = hot((i) => {
      if (i !== odd) return fastc.add(i, 1) + fastc.echo_i16(1) + fastc.echo_u8(1) + Number(fastc.negate(true)) + fastc.low_bits(i, 4);
      seen.fraction = slow(() => fastc.add(1.5, 1));
      seen.range = slow(() => fastc.add(2 ** 31, 1));
      seen.string = slow(() => fastc.add('1', 1));
      seen.bigint = slow(() => fastc.add(2n ** 40n, 1));
      seen.valueOf = slow(() => fastc.add({ valueOf: () => 1 }, 1));
      seen.missing = slow(() => fastc.add(1));
      seen.i16 = slow(() => fastc.echo_i16(40000));
      seen.u8 = slow(() => fastc.echo_u8(-1));
      seen.bool = slow(() => fastc.negate(2));
      seen.i64 = slow(() => fastc.low_bits(2 ** 60, 8));
      seen.u64 = slow(() => fastc.low_bits(1, -1));
      seen.bigint64 = slow(() => fastc.low_bits(2n ** 62n, 8));
      return 0;
    });
    expect(r.errors.size).toBe(0);
    expect(seen).toEqual(expected);
    // 0/1 for bool and an extra argument are the thunk's to decide, too.
    expect(fastc.negate(1)).toBe(false);
    expect(slow(() => fastc.add(1, 2, 3))).toBe(slow(() => fastc.add(1, 2, 3)));
  });

  it('throw C++ exceptions as CppError, caught by a try/catch in the same optimised function', () => {
    const r = hot((i) => fastc.checked(i % 1000 === 999 ? -1 : i));
    expect(r.errors.size).toBe(HOT / 1000);
    for (const e of r.errors.values()) {
      expect(e).toBeInstanceOf(CppError);
      expect((e as CppError).what).toBe('negative: -1');
    }
    const n = hot((i) => fastc.thrown_number(i % 100 === 7 ? 7 : 1));
    expect(n.errors.size).toBe(HOT / 100);
    expect((n.errors.values().next().value as Error).message).toMatch(/int \(7\)/);
  });

  it('call methods and static methods on live objects; a deleted object or another this throws as before', () => {
    const m = new fastc.Meter();
    const r = hot((i) => m.bump(1) + m.add(0.5) + fastc.Meter.twice(i));
    expect(r.errors.size).toBe(0);
    expect(m.count).toBe(HOT);
    expect(m.sum).toBe(HOT / 2);
    const bump = m.bump;
    const other = { bump };
    const e1 = hot((i) => (i === HOT - 5 ? other.bump(1) : m.bump(1)));
    expect(e1.errors.size).toBe(1);
    expect(String(e1.errors.get(HOT - 5))).toMatch(/TypeError/);
    const m2 = new fastc.Meter();
    const e2 = hot((i) => {
      if (i === HOT - 10) m2.delete();
      return m2.bump(1);
    });
    expect(e2.errors.size).toBe(10);
    expect(String(e2.errors.get(HOT - 1))).toMatch(/deleted/);
    m.delete();
  });

  it('are taken per resolved overload, methods included; other arguments resolve as before', () => {
    const m = new fastc.Meter();
    m.bump(3);
    const before = fastCount();
    const r = hot((i) => fastc.over(i) + fastc.over(i + 0.5) + m.scaled(2) + m.scaled(0.5));
    expect(r.errors.size).toBe(0);
    const i = HOT - 1;
    expect(r.last).toBe(i + 1 + (i + 0.5) * 2 + 6 + 1.5);
    if (enabled()) expect(fastCount() - before).toBeGreaterThan(HOT);
    expect(fastc.over('text')).toBe('text');
    expect(() => fastc.over(true)).toThrow(TypeError);
    m.delete();
    expect(() => m.scaled(2)).toThrow(/deleted/);
  });

  it('are never taken while C++ holds a JS function (C++ may call it from any call)', () => {
    fastc.set_hook((x: number) => x + 1000);
    expect(cppyy.info().fastCalls.blocked).toBe(enabled());
    const before = fastCount();
    const r = hot((i) => fastc.run_hook(i));
    expect(r.errors.size).toBe(0);
    expect(r.last).toBe(HOT - 1 + 1000);
    expect(fastCount()).toBe(before);
    fastc.clear_hook();
  });
});
