// test/binding.test.ts — C++'s binding rules: references bind to the very object, temporaries live until the call returns, overloads rank as C++ ranks them.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';
import { run } from './run';

let bind: any;
let gbl: any;
beforeAll(() => {
  cppyy.include(fixture('binding.h'));
  gbl = cppyy.gbl;
  bind = gbl.bind;
});

const address = (obj: unknown) => Number(cppyy.ll.addressof(obj));

describe('reference binding', () => {
  it('binds a derived object to a base-class template reference (CRTP, operator[] classes)', () => {
    const m = new bind.Mat();
    expect(m instanceof bind.Base['double, bind::Mat']).toBe(true);
    expect(bind.where(m)).toBe(address(m));
    expect(bind.trace(m)).toBe(5);
    m[0] = 10;
    expect(bind.trace(m)).toBe(14);
    expect(bind.whereRef(m)).toBe(address(m));
  });

  it('passes the object itself to T&, const T& and const T*, derived ones too, with no copy', () => {
    const c = new bind.Counted(3);
    const s = new bind.Special(5);
    const before = bind.Counted.copies;
    expect(bind.addressOf(c)).toBe(address(c));
    expect(bind.addressOfPtr(c)).toBe(address(c));
    expect(bind.addressOf(s)).toBe(address(s));
    expect(bind.bump(s)).toBe(6);
    expect(s.value).toBe(6);
    expect(bind.Counted.copies).toBe(before);
  });

  it('prefers T& to const T& for an object, in calls and in converting constructors', () => {
    const c = new bind.Counted(1);
    expect(bind.which(c)).toBe(1);
    expect(bind.writes(c)).toBe(true); // Out(Counted&), as C++ picks for an lvalue
    expect(c.value).toBe(42);
    const out = new bind.Out(c);
    expect(out.writable).toBe(true);
    expect(Number(cppyy.ll.addressof(out.target))).toBe(address(c));
  });

  it("binds a std::string object to const std::string& in place; a JS string's text lives for the call", () => {
    const s = new gbl.std.string('kept');
    expect(bind.stringAddress(s)).toBe(address(s));
    expect(bind.firstChar(s)).toBe('kept');
  });

  it("passes a smart pointer's pointee where it is taken by reference or pointer", () => {
    const p = bind.makeSquare();
    expect(bind.shapeAt(p)).toBe(address(p.get()));
    expect(bind.sidesOf(p)).toBe(4);
  });
});

describe('temporaries live until the call returns', () => {
  const long = 'a string long enough to defeat the small-string optimisation, 40+ chars';

  it('keeps the string a converting constructor made a view of', () => {
    expect(bind.show(long)).toBe(long);
    expect(bind.echo(long)).toBe(long);
  });

  it('keeps the strings of nested braced initializers, and nested initializer lists', () => {
    expect(bind.joined([[long], [`${long}!`]])).toBe(`${long}+${long}!`);
    expect(bind.total([[1, 2], [3, 4.5]])).toBe(10.5);
  });
});

describe('errors instead of crashes', () => {
  it('names the element of an array that does not fit', () => {
    expect(() => new gbl.std.vector['int']([1.5, 2])).toThrow(/element 0 \(1\.5\) is not an integer/);
  });

  it('runs a top-level expression given to cppdef without its semicolon (it crashed)', async () => {
    const script = `
      const { default: cppyy } = await import(${JSON.stringify(new URL('../esm/index.mjs', import.meta.url).href)});
      cppyy.cppdef('#include <cstdio>\\nint top_level_n = 5');
      cppyy.cppdef('std::printf("%d\\\\n", top_level_n * 2)');
      cppyy.cppdef('top_level_n');
      console.log('alive', cppyy.gbl.top_level_n);`;
    const child = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('10\nalive 5\n');
  });
});

describe('iteration follows range-for', () => {
  it('uses free begin/end found by ADL, any operator!=, and elements by value', () => {
    expect([...new bind.Bag()]).toEqual([4, 5, 6]);
    const squares = new bind.Squares();
    squares.n = 4;
    expect([...squares]).toEqual([0, 1, 4, 9]);
  });
});

describe('C APIs', () => {
  it('resolves a function a macro renames by its public name', () => {
    expect(gbl.bind_twice(21)).toBe(42);
  });

  it('takes JS strings for const unsigned char*, and reads character pointers as text', () => {
    expect(gbl.bind_count_bytes('héllo')).toBe(6);
    const p = gbl.bind_greeting();
    expect(String(p)).toBe('héllo');
    expect(`${p}`).toBe('héllo');
  });
});
