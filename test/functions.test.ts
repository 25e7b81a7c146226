// test/functions.test.ts — calls, default arguments, overload resolution priorities, signatures, explicit overloads, errors.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let basics: any;
beforeAll(() => {
  cppyy.include(fixture('basics.h'));
  basics = cppyy.gbl.basics;
});

describe('functions', () => {
  it('calls with and without default arguments (undefined means omitted)', () => {
    expect(basics.scaled(2)).toBe(21);
    expect(basics.scaled(2, 3)).toBe(7);
    expect(basics.scaled(2, 3, 0)).toBe(6);
    expect(basics.scaled(2, undefined)).toBe(21);
  });

  it('checks argument counts', () => {
    expect(() => basics.add(1)).toThrow(TypeError);
    expect(() => basics.add(1, 2, 3)).toThrow(/takes 2 arguments, got 3/);
    expect(() => basics.scaled()).toThrow(/takes 1 to 3 arguments/);
  });

  it('resolves overloads with cppyy-like priorities', () => {
    expect(basics.pick(1)).toBe(1);
    expect(basics.pick(1.5)).toBe(2);
    expect(basics.pick('text')).toBe(3);
    expect(basics.pick(true)).toBe(4);
    expect(basics.pick(1, 2)).toBe(5);
    // cached per argument kinds, so alternating kinds keeps choosing right
    for (let i = 0; i < 3; i++) {
      expect(basics.pick(i)).toBe(1);
      expect(basics.pick(i + 0.5)).toBe(2);
    }
  });

  it('explains a failed overload resolution by listing every candidate', () => {
    let message = '';
    try {
      basics.pick({});
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/no overload of basics::pick/);
    expect(message).toMatch(/int basics::pick\(int\)/);
    expect(message).toMatch(/int basics::pick\(double\)/);
    expect(message).toMatch(/int basics::pick\(const char \*\)/);
    expect(message).toMatch(/int basics::pick\(bool\)/);
    expect(message).toMatch(/int basics::pick\(int, int\): takes 2 argument/);
  });

  it('names the parameter in conversion errors', () => {
    expect(() => basics.add('1', 2)).toThrow(/argument 1 \('a'\): expected an integer, got string/);
    expect(() => basics.add(1, 2.5)).toThrow(/2\.5 is not an integer/);
  });

  it('lists signatures and picks an overload explicitly', () => {
    expect(basics.pick.signatures).toEqual([
      'int basics::pick(int)', 'int basics::pick(double)', 'int basics::pick(const char *)',
      'int basics::pick(bool)', 'int basics::pick(int, int)',
    ]);
    expect(basics.scaled.signatures[0]).toBe('int basics::scaled(int a, int factor = 10, int offset = 1)');
    const asDouble = basics.pick.overload('double');
    expect(asDouble(3)).toBe(2);
    expect(basics.pick.overload('int, int')(1, 1)).toBe(5);
    expect(() => basics.pick.overload('float')).toThrow(/no overload/);
  });

  it('keeps working when the function value is held and called later', () => {
    const add = cppyy.gbl.basics.add;
    expect(add(20, 22)).toBe(42);
    expect(add(1, 1)).toBe(2);
  });

  it('calls functions from the standard library', () => {
    cppyy.include('<cmath>');
    cppyy.include('<string>');
    const std = cppyy.gbl.std;
    expect(std.sqrt(2)).toBeCloseTo(Math.SQRT2, 12);
    expect(std.pow(2, 10)).toBe(1024);
    expect(std.to_string(42)).toBe('42');
    expect(std.stoi('123')).toBe(123);
    expect(cppyy.gbl.abs(-3)).toBe(3);
  });
});
