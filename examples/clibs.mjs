// examples/clibs.mjs — C libraries from their headers alone: zlib and sqlite3, with buffers, out parameters and callbacks.
import cppyy from 'cppjit';

cppyy.include('<zlib.h>');
cppyy.include('<sqlite3.h>');
cppyy.loadLibrary('z');
cppyy.loadLibrary('sqlite3');
const { gbl: g, ll } = cppyy;

// zlib: Buffers are passed in place, uLongf* out parameters are ll.ref boxes.
const text = Buffer.from('cppjit calls C from headers. '.repeat(20));
const packed = Buffer.alloc(g.compressBound(text.length));
const packedLen = ll.ref('uLongf', packed.length);
g.compress(packed, packedLen, text, text.length);
const restored = Buffer.alloc(text.length);
g.uncompress(restored, ll.ref('uLongf', restored.length), packed, packedLen.value);
console.log(`zlib ${g.zlibVersion()}: ${text.length} -> ${packedLen.value} bytes, round trip ${restored.equals(text) ? 'ok' : 'BROKEN'}`);

// sqlite3: an opaque sqlite3* through a sqlite3** out parameter, a JS callback with its void* userdata.
const db = ll.ref('sqlite3*', null);
g.sqlite3_open(':memory:', db);
g.sqlite3_exec(db.value, "create table langs(name text, year int); insert into langs values ('C', 1972), ('C++', 1985), ('JS', 1995);", null, null, null);
const seen = ll.ref('int', 0);
g.sqlite3_exec(db.value, 'select name, year from langs order by year', (user, n, values) => {
  ll.cast(user, 'int*')[0] += 1;
  console.log(`  ${ll.cstring(values[0])} (${ll.cstring(values[1])})`);
  return 0;
}, seen, null);
console.log(`sqlite3 ${g.sqlite3_libversion()}: ${seen.value} rows`);
g.sqlite3_close(db.value);
