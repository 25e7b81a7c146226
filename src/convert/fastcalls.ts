// src/convert/fastcalls.ts — V8 fast calls: a callable whose arguments V8 can pass exactly goes to its JIT-compiled C entry, anything else to its Node-API thunk; field reads likewise.
//
// The native side compiles a fast entry next to the thunk of each callable whose parameters and
// result are integers of at most 32 bits, double or bool (native/thunks.cc), and the fast addon
// makes a function V8's optimising compiler calls as that C function. V8 would convert any value
// for it (1.5 to 1, 'x' to 0), so the wrapper made here checks each argument first and takes the
// fast path only for values the thunk would convert to the same C value; everything else
// (non-integers, out-of-range values, other types, a missing or extra argument, a deleted object,
// signals guarded, C++ holding JS functions) goes to the thunk, so every conversion and error stays
// the thunk's. A C++ exception is recorded by the entry and thrown here after the call.
import { fastCalls, native } from '../native';
import type { NativeFunction } from '../types';

interface FastInfo {
  /** The callable, for native().compileFastEntry. */
  fid: number;
  result: string;
  params: string[];
  method: boolean;
}

/**
 * The JS test that a value converts exactly to the parameter type (the thunk would take it as is).
 * typeof first: a bitwise operator on anything but a number would convert it (valueOf, a bigint's
 * TypeError, a revoked Proxy), which only the thunk may do.
 */
const CHECKS: Record<string, (v: string) => string> = {
  i8: (v) => `typeof ${v} === 'number' && ((${v} << 24) >> 24) === ${v}`,
  u8: (v) => `typeof ${v} === 'number' && (${v} & 255) === ${v}`,
  i16: (v) => `typeof ${v} === 'number' && ((${v} << 16) >> 16) === ${v}`,
  u16: (v) => `typeof ${v} === 'number' && (${v} & 65535) === ${v}`,
  i32: (v) => `typeof ${v} === 'number' && (${v} | 0) === ${v}`,
  u32: (v) => `typeof ${v} === 'number' && (${v} >>> 0) === ${v}`,
  i64: (v) => `typeof ${v} === 'number' && Number.isSafeInteger(${v})`,
  u64: (v) => `typeof ${v} === 'number' && Number.isSafeInteger(${v}) && ${v} >= 0`,
  f64: (v) => `typeof ${v} === 'number'`,
  bool: (v) => `typeof ${v} === 'boolean'`,
};

/** How V8 passes it: int32, uint32, int64 and uint64 (parameters, as numbers), double, bool, void. */
function code(type: string): string {
  if (type === 'void') return 'v';
  if (type === 'bool') return 'b';
  if (type === 'f64') return 'd';
  if (type === 'u32') return 'u';
  if (type === 'i64') return 'l';
  if (type === 'u64') return 'L';
  return 'i';
}

function infoOf(call: NativeFunction): FastInfo | null {
  const info = (call as unknown as { __cppjitFast?: FastInfo }).__cppjitFast;
  return info && info.params.every((p) => CHECKS[p] !== undefined) ? info : null;
}

/**
 * How the callable is called: a free function or static method with its arguments; a method on
 * `this` (an instance of class `classId`); or a method with its object's address first (as an
 * overload set's dispatcher calls the thunk).
 */
export type CallForm =
  | { kind: 'function' }
  | { kind: 'method'; classId: number; address: symbol; offsets: symbol }
  | { kind: 'address' };

/**
 * The fast form of a callable whose thunk `call` has a fast entry, or null. `slow` is what any
 * other call goes to (the thunk itself, or the method wrapper), with the same arguments.
 */
export function fastCallable(call: NativeFunction, slow: Function, form: CallForm = { kind: 'function' }): Function | null {
  const info = infoOf(call);
  const fast = info && fastCalls();
  if (!info || !fast || info.method !== (form.kind !== 'function')) return null;
  // The fast entry is compiled once the callable is hot (HOT calls with fast-path arguments): a
  // compile costs about a millisecond, a quarter of a first call, and most callables stay cold.
  const makeFast = (): Function | null => {
    try {
      const address = native().compileFastEntry(info.fid);
      return address ? fast.make(call, address, code(info.result), (info.method ? 'd' : '') + info.params.map(code).join('')) : null;
    } catch {
      return null; // the call it was made in goes on through the thunk, as every later one does
    }
  };
  const params = info.params.map((_, i) => `a${i}`);
  const checks = info.params.map((p, i) => ` && ${CHECKS[p](`a${i}`)}`).join('');
  const args = params.length ? `, ${params.join(', ')}` : '';
  const call$ = (self: string, indent: string) =>
    `${indent}if (fast !== null) {\n` +
    `${indent}  const r = fast(${self}${self && params.length ? ', ' : ''}${params.join(', ')});\n` +
    `${indent}  if (F[0] !== 0) return rethrow();\n` +
    `${indent}  return r;\n` +
    `${indent}}\n` +
    `${indent}if (++calls === ${HOT}) fast = makeFast();\n`;
  // Fixed arity (V8 does not take the fast path through a spread call), one closure per callable
  // (a shared one would see many callees and stop inlining any).
  let body: string;
  if (form.kind === 'method') {
    body = `return function (${params.join(', ')}) {\n` +
      `  const a = this?.[A];\n` +
      `  if (arguments.length === ${params.length} && G[0] === 0 && a > 0${checks}) {\n` +
      `    const self = a + this[O][${form.classId}];\n` +
      // NaN when `this` is not of the method's class: the thunk says so.
      `    if (self > 0) {\n${call$('self', '      ')}    }\n` +
      `  }\n` +
      `  return slow.apply(this, arguments);\n};`;
  } else if (form.kind === 'address') {
    body = `return function (self${args}) {\n` +
      `  if (arguments.length === ${params.length + 1} && G[0] === 0 && self > 0${checks}) {\n${call$('self', '    ')}  }\n` +
      `  return slow.apply(this, arguments);\n};`;
  } else {
    body = `return function (${params.join(', ')}) {\n` +
      `  if (arguments.length === ${params.length} && G[0] === 0${checks}) {\n${call$('', '    ')}  }\n` +
      `  return slow.apply(this, arguments);\n};`;
  }
  const rethrow = () => fast.rethrow();
  const symbols = form.kind === 'method' ? [form.address, form.offsets] : [undefined, undefined];
  return new Function('makeFast', 'slow', 'G', 'F', 'rethrow', 'A', 'O', `'use strict';\nlet fast = null, calls = 0;\n${body}`)(
    makeFast, slow, fast.gate, fast.failure, rethrow, ...symbols) as Function;
}

/** Calls with fast-path arguments before a callable gets its fast entry. */
const HOT = 2000;

/** What each peek kind returns through V8 (the fast addon's built-in readers, native/fast/fast.cc). */
const PEEKS = new Set(['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'f32', 'f64', 'bool']);

/**
 * A field reader `(address) => value` that V8's optimised code runs as a C load, for the numeric
 * kinds; null when there are no fast calls. Any address that is not a positive number goes to
 * `slow` (the Node-API reader), which reports it as before.
 */
export function fastPeek(kind: string, slow: Function): Function | null {
  const fast = PEEKS.has(kind) ? fastCalls() : null;
  if (!fast) return null;
  const entry = fast.peek(kind, slow);
  return new Function('fast', 'slow', 'G', `'use strict';\nreturn function (a) {\n  if (a > 0 && G[0] === 0 && arguments.length === 1) return fast(a);\n  return slow.apply(this, arguments);\n};`)(entry, slow, fast.gate) as Function;
}
