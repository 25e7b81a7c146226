// test/namespaces.test.ts — lazy namespaces: listing, memoisation, unknown names, variables, enums, typedefs, nested/inline namespaces.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let basics: any;
beforeAll(() => {
  cppyy.include(fixture('basics.h'));
  basics = cppyy.gbl.basics;
});

describe('namespaces', () => {
  it('lists declared members with Object.keys', () => {
    const keys = Object.keys(basics);
    for (const name of ['add', 'scaled', 'pick', 'counter', 'Color', 'Mode', 'inner', 'Length', 'version', 'Red']) {
      expect(keys).toContain(name);
    }
  });

  it('gives undefined for unknown names, symbols and then', () => {
    expect(basics.no_such_member).toBeUndefined();
    expect(basics.then).toBeUndefined();
    expect(basics[Symbol.iterator]).toBeUndefined();
    expect(cppyy.gbl.no_such_namespace_at_all).toBeUndefined();
  });

  it('memoises resolved members as plain data properties', () => {
    const first = basics.add;
    first(1, 2);
    const descriptor = Object.getOwnPropertyDescriptor(basics, 'add')!;
    expect('value' in descriptor).toBe(true);
    expect(basics.add).toBe(basics.add);
    expect(basics.inner).toBe(cppyy.gbl.basics.inner);
  });

  it('reaches nested and inline namespaces', () => {
    expect(basics.inner.where()).toBe('basics::inner');
    expect(basics.inner.deeper.depth()).toBe(3);
    expect(basics.version()).toBe(2);
    expect(basics.v2.version()).toBe(2);
  });

  it('reads and writes global variables live', () => {
    expect(basics.counter).toBe(3);
    basics.counter = 11;
    expect(cppyy.evaluate('basics::counter')).toBe(11);
    cppyy.cppexec('basics::counter += 1;');
    expect(basics.counter).toBe(12);
    basics.ratio = 0.25;
    expect(cppyy.evaluate('basics::ratio * 4')).toBe(1);
    expect(basics.label).toBe('start');
    basics.label = 'changed from JS';
    expect(cppyy.evaluate('basics::label.size()')).toBe('changed from JS'.length);
  });

  it('refuses writes to const variables', () => {
    expect(basics.answer).toBe(42);
    expect(() => { basics.answer = 1; }).toThrow(TypeError);
    expect(basics.limit).toBe(7);
    expect(() => { basics.limit = 1; }).toThrow(TypeError);
    expect(basics.answer).toBe(42);
  });

  it('exposes enums as numbers, unscoped enumerators in the enclosing scope', () => {
    expect(basics.Color).toEqual({ Red: 0, Green: 5, Blue: 6 });
    expect(basics.Red).toBe(0);
    expect(basics.Blue).toBe(6);
    expect(basics.Mode.On).toBe(200);
    expect(basics.Mode.Off).toBe(0);
    expect(basics.Mode.Red).toBeUndefined();
    expect(basics.Big.Huge).toBe(0xffffffffffffffffn);
    expect(basics.colorValue(basics.Green)).toBe(5);
    expect(basics.toggle(basics.Mode.On)).toBe(basics.Mode.Off);
  });

  it('resolves typedefs and aliases', () => {
    expect(basics.twice(1.25)).toBe(2.5);
    expect(String(basics.Length)).toBe('double');
    expect(cppyy.sizeof(basics.Count)).toBe(4);
  });

  it('sees names declared later by cppdef, also in Object.keys', () => {
    cppyy.cppdef('namespace basics { int added_later() { return 9; } }');
    expect(Object.keys(basics)).toContain('added_later');
    expect(basics.added_later()).toBe(9);
    cppyy.cppdef('namespace fresh_ns { int x = 4; }');
    expect(cppyy.gbl.fresh_ns.x).toBe(4);
  });
});

describe('global C arrays', () => {
  it('an array of C strings reads and iterates as strings; an extern array of unknown size indexes', () => {
    expect([...basics.const_names]).toEqual(['ada', 'bob', 'cy']);
    expect(basics.const_names[1]).toBe('bob');
    expect(basics.open_ended[2]).toBe(30);
  });
});
