// bench/bunffi.mjs — Bun's FFI calling c_add of bench/build/libbenchcases.so, for bench/run.mjs's "vs Bun" row (run with bun).
import { dlopen, FFIType } from 'bun:ffi';

const lib = dlopen(process.argv[2], { c_add: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } });
const cAdd = lib.symbols.c_add;
function loop(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += cAdd(i, 1);
  return s;
}
if (loop(1000) !== 500500) throw new Error('c_add through bun:ffi gave a wrong sum');
loop(1_000_000);
let best = Infinity;
for (let round = 0; round < 5; round++) {
  const t0 = Bun.nanoseconds();
  loop(2_000_000);
  best = Math.min(best, (Bun.nanoseconds() - t0) / 2_000_000);
}
console.log(JSON.stringify({ nsPerOp: best }));
