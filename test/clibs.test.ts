// test/clibs.test.ts — real C libraries from Debian through their headers alone: zlib, sqlite3 and libc.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';

let g: any;
const ll: any = cppyy.ll;
beforeAll(() => {
  cppyy.include('<zlib.h>');
  cppyy.include('<sqlite3.h>');
  cppyy.include('<cstdlib>');
  cppyy.include('<cstdio>');
  cppyy.loadLibrary('z');
  cppyy.loadLibrary('sqlite3');
  g = cppyy.gbl;
});

describe('zlib', () => {
  it('compresses and uncompresses a buffer (round trip)', () => {
    const text = Buffer.from('hello hello hello hello zlib '.repeat(40));
    const bound = g.compressBound(text.length);
    const packed = Buffer.alloc(bound);
    const packedLen = ll.ref('uLongf', bound);
    expect(g.compress(packed, packedLen, text, text.length)).toBe(cppyy.macro('Z_OK'));
    expect(packedLen.value).toBeGreaterThan(0);
    expect(packedLen.value).toBeLessThan(text.length / 4);
    const restored = Buffer.alloc(text.length);
    const restoredLen = ll.ref('uLongf', restored.length);
    expect(g.uncompress(restored, restoredLen, packed, packedLen.value)).toBe(g.Z_OK ?? 0);
    expect(restoredLen.value).toBe(text.length);
    expect(restored.equals(text)).toBe(true);
    // A destination too small is zlib's own error code, not memory damage.
    const small = ll.ref('uLongf', 4);
    expect(g.uncompress(Buffer.alloc(4), small, packed, packedLen.value)).toBe(cppyy.macro('Z_BUF_ERROR'));
  });

  it('crc32 over a std::span<const unsigned char> that views a Buffer in place', () => {
    cppyy.include('<span>');
    cppyy.cppdef(`
      inline unsigned long crc_of(std::span<const unsigned char> s) { return crc32(0, s.data(), s.size()); }
      inline unsigned long data_of(std::span<const unsigned char> s) { return (unsigned long)s.data(); }`);
    const data = Buffer.from('123456789');
    expect(g.crc_of(data)).toBe(0xcbf43926);
    expect(BigInt(g.data_of(data))).toBe(ll.addressof(data));
  });

  it('crc32, version string and macros', () => {
    const data = Buffer.from('123456789');
    expect(g.crc32(0, data, data.length)).toBe(0xcbf43926);
    expect(g.zlibVersion()).toBe(cppyy.macro('ZLIB_VERSION'));
    expect(typeof cppyy.macro('ZLIB_VERNUM')).toBe('number');
  });
});

describe('sqlite3', () => {
  it('opens, executes with a JS callback (userdata pattern), prepares, steps and reads columns', () => {
    const db = ll.ref('sqlite3*', null);
    expect(g.sqlite3_open(':memory:', db)).toBe(cppyy.macro('SQLITE_OK'));
    const handle = db.value;
    expect(handle.type).toBe('sqlite3');
    expect(g.sqlite3_exec(handle, "create table t(a int, b text); insert into t values (1, 'one'), (2, 'two'), (3, NULL);", null, null, null)).toBe(0);

    const rows: unknown[][] = [];
    const calls = ll.ref('int', 0);
    const rc = g.sqlite3_exec(handle, 'select a, b from t order by a', (user: any, n: number, values: any, names: any) => {
      ll.cast(user, 'int*')[0] += 1; // the void* userdata is whatever was passed
      const row: unknown[] = [];
      for (let i = 0; i < n; i++) row.push(`${ll.cstring(names[i])}=${values[i] === null ? 'NULL' : ll.cstring(values[i])}`);
      rows.push(row);
      return 0;
    }, calls, null);
    expect(rc).toBe(0);
    expect(calls.value).toBe(3);
    expect(rows).toEqual([['a=1', 'b=one'], ['a=2', 'b=two'], ['a=3', 'b=NULL']]);

    // A callback asking to stop, and the error message out parameter.
    const error = ll.ref('char*', null);
    expect(g.sqlite3_exec(handle, 'select a from t', () => 1, null, error)).toBe(cppyy.macro('SQLITE_ABORT'));
    expect(g.sqlite3_exec(handle, 'select nope from t', null, null, error)).toBe(cppyy.macro('SQLITE_ERROR'));
    expect(ll.cstring(error.value)).toMatch(/no such column: nope/);
    g.sqlite3_free(error.value);

    const stmt = ll.ref('sqlite3_stmt*', null);
    expect(g.sqlite3_prepare_v2(handle, 'select a, b from t where a >= ? order by a', -1, stmt, null)).toBe(0);
    expect(g.sqlite3_bind_int(stmt.value, 1, 2)).toBe(0);
    const seen: [number, string | null][] = [];
    while (g.sqlite3_step(stmt.value) === cppyy.macro('SQLITE_ROW')) {
      const text = g.sqlite3_column_text(stmt.value, 1);
      seen.push([g.sqlite3_column_int(stmt.value, 0), text && ll.cstring(text)]);
    }
    expect(seen).toEqual([[2, 'two'], [3, null]]);
    expect(g.sqlite3_finalize(stmt.value)).toBe(0);

    // SQLITE_TRANSIENT is ((sqlite3_destructor_type)-1): a sentinel address that must reach C exactly.
    const transient = cppyy.macro('SQLITE_TRANSIENT');
    expect(transient.address).toBe(2n ** 64n - 1n);
    const insert = ll.ref('sqlite3_stmt*', null);
    expect(g.sqlite3_prepare_v2(handle, 'insert into t values (?, ?)', -1, insert, null)).toBe(0);
    g.sqlite3_bind_int(insert.value, 1, 4);
    expect(g.sqlite3_bind_text(insert.value, 2, 'four', -1, transient)).toBe(0); // copied by sqlite before the temporary string goes
    expect(g.sqlite3_step(insert.value)).toBe(cppyy.macro('SQLITE_DONE'));
    g.sqlite3_finalize(insert.value);
    expect(g.sqlite3_exec(handle, "select b from t where a = 4", (_u: any, _n: number, values: any) => {
      expect(ll.cstring(values[0])).toBe('four');
      return 0;
    }, null, null)).toBe(0);
    expect(g.sqlite3_close(handle)).toBe(0);
  });

  it('rejects a handle of the wrong type', () => {
    const stmt = ll.ref('sqlite3_stmt*', null);
    expect(() => g.sqlite3_open(':memory:', stmt)).toThrow(/argument 2.*ref of sqlite3_stmt/);
  });
});

describe('libc', () => {
  it('qsort with a JS comparator over a TypedArray in place', () => {
    const values = new Int32Array([5, 3, 9, 1, 7]);
    g.qsort(values, values.length, 4, (a: any, b: any) => ll.cast(a, 'int*')[0] - ll.cast(b, 'int*')[0]);
    expect([...values]).toEqual([1, 3, 5, 7, 9]);
    const doubles = new Float64Array([2.5, -1, 0.5]);
    g.qsort(doubles, 3, 8, (a: any, b: any) => Math.sign(ll.cast(a, 'double*')[0] - ll.cast(b, 'double*')[0]));
    expect([...doubles]).toEqual([-1, 0.5, 2.5]);
  });

  it('snprintf (variadic) into a Buffer', () => {
    const out = Buffer.alloc(32);
    const n = g.snprintf(out, out.length, '%s=%d (%.1f) %c', 'x', -12, 0.25, 'Z'.charCodeAt(0));
    expect(out.toString('utf8', 0, n)).toBe('x=-12 (0.2) Z');
    // Truncation is snprintf's, with the full length returned.
    expect(g.snprintf(out, 4, '%s', 'abcdefgh')).toBe(8);
    expect(out.toString('utf8', 0, 3)).toBe('abc');
  });

  it('strtol with an end pointer into the caller\'s buffer', () => {
    const text = Buffer.from('  -1234xyz\0');
    const end = ll.ref('char*', null);
    expect(g.strtol(text, end, 10)).toBe(-1234);
    expect(Number(end.value.address - ll.addressof(text))).toBe(7);
    expect(ll.cstring(end.value)).toBe('xyz');
    expect(g.strtol(Buffer.from('ff\0'), null, 16)).toBe(255);
    expect(g.strtol('0x10', null, 0)).toBe(16);
  });
});

describe('libc structs through pointers', () => {
  it('getaddrinfo: a struct addrinfo** out parameter (ll.ref of a class pointer) and its linked list', () => {
    cppyy.include('<netdb.h>');
    cppyy.include('<arpa/inet.h>');
    const hints = { ai_flags: cppyy.macro('AI_NUMERICHOST') | cppyy.macro('AI_NUMERICSERV'), ai_family: cppyy.macro('AF_INET') };
    const res = ll.ref('addrinfo*', null);
    expect(g.getaddrinfo('127.0.0.1', '8080', hints, res)).toBe(0);
    const first = res.value;
    expect(first).toBeInstanceOf(g.addrinfo);
    const kinds: number[] = [];
    for (let ai = first; ai !== null; ai = ai.ai_next) {
      expect(ai.ai_family).toBe(cppyy.macro('AF_INET'));
      const sin = ll.cast(ll.addressof(ai.ai_addr), 'sockaddr_in*'); // C's reinterpreting cast, from the address
      expect(g.ntohs(sin.sin_port)).toBe(8080);
      expect(g.ntohl(sin.sin_addr.s_addr)).toBe(0x7f000001);
      kinds.push(ai.ai_socktype);
    }
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds).toContain(cppyy.macro('SOCK_STREAM'));
    g.freeaddrinfo(first);
    expect(g.getaddrinfo('not an address', null, hints, res)).not.toBe(0);
  });
});

describe('loading libraries', () => {
  it('names what was searched when a library is missing', () => {
    expect(() => cppyy.loadLibrary('cppjit_no_such_lib')).toThrow(/cannot load library 'cppjit_no_such_lib'.*libcppjit_no_such_lib\.so/);
    expect(() => cppyy.loadLibrary('/nonexistent/libx.so')).toThrow(/\/nonexistent\/libx\.so/);
  });

  it('a declared C function nobody defines fails at its first call, naming the symbol', () => {
    cppyy.cppdef('extern "C" int cppjit_missing_c_function(int);');
    expect(() => g.cppjit_missing_c_function(1)).toThrow(/undefined symbol: cppjit_missing_c_function/);
    expect(g.compressBound(10)).toBeGreaterThan(10);
  });
});
