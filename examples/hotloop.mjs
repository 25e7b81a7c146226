// examples/hotloop.mjs — hot loops over C and C++ calls: zlib's crc32 through Node-API (a pointer argument), an int-only helper through V8's fast calls (Node 20-24).
import cppyy from 'cppjit';

cppyy.include('<zlib.h>');
cppyy.loadLibrary('z');
cppyy.cppdef('namespace hot { inline int parity_of(int x) { return __builtin_parity(static_cast<unsigned>(x)); } }');
const { gbl: g } = cppyy;

// crc32 one byte at a time: `const Bytef*` takes a Uint8Array in place.
const data = new Uint8Array(4096).map((_, i) => (i * 31) & 255);
let crc = 0;
for (let i = 0; i < data.length; i++) crc = g.crc32(crc, data.subarray(i, i + 1), 1);
console.log(`crc32 of 4096 bytes one at a time: ${crc.toString(16)}, all at once: ${g.crc32(0, data, data.length).toString(16)}`);

// int in, int out: once hot, V8's optimised code calls a JIT-compiled C entry directly.
const { parity_of } = g.hot;
function oddParities(n) {
  let odd = 0;
  for (let i = 0; i < n; i++) odd += parity_of(i);
  return odd;
}
oddParities(200_000); // warm up: the loop gets optimised, the fast entry compiled
const t0 = performance.now();
const odd = oddParities(2_000_000);
const ns = ((performance.now() - t0) * 1e6) / 2_000_000;
const { fastCalls } = cppyy.info();
console.log(`${odd} of 2,000,000 numbers have odd parity, ${ns.toFixed(1)} ns a call;` +
  ` V8 fast calls ${fastCalls.enabled ? `on (${fastCalls.calls} calls took them)` : 'off on this runtime'}`);
