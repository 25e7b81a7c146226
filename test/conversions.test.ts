// test/conversions.test.ts — DESIGN's value table: arithmetic types with range checks, 64-bit number/bigint, bool, char, strings.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let conv: any;
beforeAll(() => {
  cppyy.include(fixture('conversions.h'));
  conv = cppyy.gbl.conv;
});

describe('value conversions', () => {
  it('round-trips bool and char', () => {
    expect(conv.notBool(true)).toBe(false);
    // 0 and 1 stand for false and true (cppyy's rule); other numbers are not booleans.
    expect([conv.notBool(1), conv.notBool(0)]).toEqual([false, true]);
    expect(() => conv.notBool(2)).toThrow(TypeError);
    expect(() => conv.notBool(0.5)).toThrow(TypeError);
    expect(conv.nextChar('a')).toBe('b');
    expect(conv.nextChar(65)).toBe('B');
    expect(() => conv.nextChar('ab')).toThrow(RangeError);
  });

  it('wchar_t, char16_t and char32_t are 1-character strings (code points), numbers accepted', () => {
    expect(conv.wide_next('a')).toBe('b');
    expect(conv.utf16_unit('é')).toBe('é');
    expect(conv.code_point('😀')).toBe('😀');
    expect([conv.wide_code('A'), conv.wide_code(66)]).toEqual([65, 66]);
    expect(() => conv.utf16_unit('😀')).toThrow(RangeError); // needs two UTF-16 units
    expect(() => conv.wide_code('ab')).toThrow(RangeError);
    const h = new conv.WideHolder();
    expect(h.letter).toBe('w');
    h.letter = 'ß';
    expect(h.letter).toBe('ß');
  });

  it('range-checks small integers', () => {
    expect(conv.i8(-128)).toBe(-128);
    expect(() => conv.i8(128)).toThrow(RangeError);
    expect(conv.u8(255)).toBe(255);
    expect(() => conv.u8(-1)).toThrow(RangeError);
    expect(conv.i16(-32768)).toBe(-32768);
    expect(() => conv.u16(65536)).toThrow(RangeError);
    expect(conv.i32(2147483647)).toBe(2147483647);
    expect(() => conv.i32(2147483648)).toThrow(/out of range for int/);
    expect(conv.u32(4294967295)).toBe(4294967295);
    expect(() => conv.u32(-1)).toThrow(RangeError);
    expect(() => conv.i32(NaN)).toThrow(TypeError);
    expect(() => conv.i32(Infinity)).toThrow(RangeError);
  });

  it('uses number for safe 64-bit values and bigint beyond', () => {
    expect(conv.i64(2 ** 40)).toBe(2 ** 40);
    expect(conv.i64(-(2 ** 53) + 1)).toBe(-(2 ** 53) + 1);
    expect(conv.i64(2n ** 62n)).toBe(2n ** 62n);
    expect(conv.i64(-(2n ** 63n))).toBe(-(2n ** 63n));
    expect(() => conv.i64(2n ** 63n)).toThrow(RangeError);
    expect(conv.u64(2n ** 64n - 1n)).toBe(2n ** 64n - 1n);
    expect(() => conv.u64(-1n)).toThrow(RangeError);
    expect(conv.s64(5n)).toBe(5);
    expect(conv.size(12)).toBe(12);
  });

  it('converts floating point', () => {
    expect(conv.f64(0.1)).toBe(0.1);
    expect(conv.f32(0.5)).toBe(0.5);
    expect(conv.f32(0.1)).toBeCloseTo(0.1, 6);
    expect(conv.f80(1.25)).toBe(1.25);
    expect(conv.f64(3)).toBe(3);
    expect(() => conv.f64('3')).toThrow(TypeError);
  });

  it('converts const char* and std::string both ways', () => {
    expect(conv.length('hello')).toBe(5);
    expect(conv.length(null)).toBe(0);
    expect(conv.greeting()).toBe('hello');
    expect(conv.nothing()).toBeNull();
    expect(conv.upper('abc')).toBe('ABC');
    expect(conv.concat('foo', 'bar')).toBe('foobar');
    expect(conv.unicode()).toBe('héllo ✓');
    expect(conv.length('é')).toBe(2);
    expect(() => conv.upper(5)).toThrow(/expected a string, got number/);
  });

  it('passes long and multi-byte strings whole, at every length around the short-string buffer', () => {
    for (let n = 240; n <= 270; n++) {
      const ascii = 'a'.repeat(n);
      expect(conv.upper(ascii)).toBe('A'.repeat(n));
      const wide = 'é'.repeat(n) + '✓';
      expect(conv.concat(wide, '!')).toBe(wide + '!');
      expect(conv.length(wide)).toBe(2 * n + 3);
    }
  });

  it('reads const references to values as values', () => {
    expect(conv.constRef(7)).toBe(7);
  });

  it('converts numbers, strings and booleans to classes through converting constructors, as C++ does', () => {
    conv.made = conv.unmade = 0;
    expect(conv.warmer(20.5)).toBe(21.5);
    expect(conv.cooler(3)).toBe(2);
    expect(conv.labelled('x')).toBe('[x]');
    // The overload whose converting constructor takes the value is chosen.
    expect(conv.pick_unit(1.5)).toBe(1);
    expect(conv.pick_unit('m')).toBe(2);
    // The temporaries are destroyed when the call returns.
    expect(conv.made).toBeGreaterThan(0);
    expect(conv.made).toBe(conv.unmade);
    // An explicit constructor is no conversion.
    expect(() => conv.meters(2)).toThrow(/a number does not convert to conv::Meters/);
    expect(conv.meters(new conv.Meters(2))).toBe(2);
  });
});

describe('wide strings', () => {
  it('const wchar_t*, char16_t*, char32_t* take and give JS strings', () => {
    expect(conv.wlen('héllo')).toBe(5);
    expect(conv.wlen('🌍')).toBe(1); // one code point in a wchar_t
    expect(conv.u16len('🌍')).toBe(2); // two UTF-16 units
    expect(conv.u32len('a🌍')).toBe(2);
    expect(conv.wlen(null)).toBe(0);
    expect(conv.wgreet()).toBe('héllo 🌍');
    expect(conv.u16greet()).toBe('héllo 🌍');
    expect(conv.u32greet()).toBe('héllo 🌍');
    expect(conv.wnull()).toBe(null);
    expect(() => conv.wlen(5)).toThrow(TypeError);
    const h = new conv.WideHolder();
    expect(h.name).toBe('holder');
    expect(h.label).toBe('ü');
  });

  it('std::wstring, std::u16string, std::u32string take JS strings and come back as strings', () => {
    expect(conv.wupper('abc é')).toBe('ABC é');
    expect(conv.u16twice('ü🌍')).toBe('ü🌍ü🌍');
    expect(conv.u32echo('🌍x')).toBe('🌍x');
    expect(conv.u32size('🌍x')).toBe(2);
    expect(conv.wref()).toBe('ref');
    const w = new cppyy.gbl.std.wstring('object');
    expect(conv.wupper(w)).toBe('OBJECT'); // the object itself binds to const std::wstring&
    expect(String(w)).toBe('object');
    expect(String(new cppyy.gbl.std.u16string('ü🌍'))).toBe('ü🌍');
    w.delete();
  });

  it('a std::wstring field is assigned from a JS string', () => {
    cppyy.cppdef('namespace conv { struct WideText { std::wstring text = L"before"; }; }');
    const t = new conv.WideText();
    expect(String(t.text)).toBe('before');
    t.text = 'after é';
    expect(t.text.c_str()).toBe('after é');
  });
});

describe('bool arrays', () => {
  it('read and write as booleans (a live view), as cppyy has them', () => {
    cppyy.cppdef('namespace conv { struct Flags { bool on[3] = {true, false, true}; }; inline int countOn(const Flags& f) { return f.on[0] + f.on[1] + f.on[2]; } }');
    const f = new conv.Flags();
    expect([...f.on]).toEqual([true, false, true]);
    expect(f.on.length).toBe(3);
    f.on[1] = true;
    expect(conv.countOn(f)).toBe(3);
    f.on = [false, false, true];
    expect(conv.countOn(f)).toBe(1);
    expect(() => { f.on = [false, 'x', true]; }).toThrow(TypeError);
  });
});
