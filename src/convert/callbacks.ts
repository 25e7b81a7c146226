// src/convert/callbacks.ts — JS functions where C++ takes function pointers or std::function, and C++ function pointers as JS functions.
//
// Lifetimes (see native/callbacks.cc): a std::function made from a JS function keeps it alive as
// long as C++ holds a copy. A JS function passed as a C function pointer gets a trampoline that
// holds it weakly: it stays callable while JS keeps the function alive (and during the call it was
// passed to), and the same function always gets the same address. `cppyy.ll.callback(fn, type)`
// pins it for C++ that stores the pointer while JS forgets the function.
import { native } from '../native';
import type { FunctionInfo, NativeFunction, SignatureInfo, TypeInfo } from '../types';
import { FN_POINTER, FN_SET } from '../objects/symbols';
import { classFor, wrap, wrapBorrowed } from '../objects/registry';
import { argumentConverter, makeInvoker } from './helpers';
import { isInstance, objectAddress } from './objects';
import { CppPointer, makePointer, pointerAddress, referenceView } from './pointers';

type Converter = (value: unknown) => unknown;

/** On a JS function standing for a std::function C++ returned: the std::function object it owns. */
const FN_STD = Symbol('cppjit.stdFunction');

/** What a JS function standing for a C++ function pointer carries. */
interface PointerTag {
  address: number;
  signature: number;
  /** For cppyy.ll.callback(): the JS function behind the trampoline. */
  js?: Function;
}

// JS functions given as function pointers during the C++ calls in progress: a trampoline holds its
// function weakly, and nothing else may reference an inline arrow function while C++ runs.
const held: unknown[] = [];

/** Wraps the invoker of a callable with function-pointer parameters so their functions outlive the call. */
export function keepingCallbacks(invoke: NativeFunction): NativeFunction {
  return (...args: unknown[]) => {
    const depth = held.length;
    try {
      return invoke(...args);
    } finally {
      held.length = depth;
    }
  };
}

// ---- JS functions called by C++ ----

const invokerReady = new Set<number>();

/** C++ -> JS for one callback argument (C++ passes objects and pointers as addresses). */
function argumentIn(t: TypeInfo): Converter | null {
  switch (t.kind) {
    case 'object':
      if (t.signature) return (a) => functionFromStdFunction(a as number, t);
      return (a) => wrap(classFor(t.record!), a as number, true); // a copy, owned by JS
    case 'objectref':
    case 'objectptr':
      return (a) => wrapBorrowed(classFor(t.record!), a as number);
    case 'pointer':
      return (a) => makePointer(a as number, t.pointee);
    case 'funcptr':
      return (a) => functionFromPointer(a as number, t.signature);
    case 'arithref':
      return referenceView(t);
    default:
      return null;
  }
}

/** JS -> C++ for a callback's result (checked here for classes; values are checked by the C++ side). */
function resultOut(t: TypeInfo, where: string): Converter | null {
  const checked = (convert: Converter): Converter => (v) => {
    try {
      return convert(v);
    } catch (e) {
      if (e instanceof Error) e.message = `${where}: returned a wrong value: ${e.message}`;
      throw e;
    }
  };
  switch (t.kind) {
    case 'object': {
      // By value: what an argument of the type takes (a literal, an array, a value its constructor
      // takes, undefined for an empty optional); C++ copies it before the temporaries go (they
      // live until the call into C++ that called back returns).
      const convert = argumentConverter(t, 'the result');
      if (!convert) return checked((v) => objectAddress(v, classFor(t.record!), t.display));
      return checked((v) => {
        const a = convert(v);
        if (typeof a === 'number') return Math.abs(a);
        return ArrayBuffer.isView(a) || a instanceof ArrayBuffer ? native().memory.data_address(a) : a;
      });
    }
    case 'objectref':
      return checked((v) => objectAddress(v, classFor(t.record!), t.display));
    case 'objectptr':
      return checked((v) => (v === null || v === undefined ? 0 : objectAddress(v, classFor(t.record!), `${t.display} or null`)));
    case 'pointer':
      return checked((v) => pointerAddress(v, t.display));
    case 'funcptr':
      return checked((v) => functionPointerAddress(v, t));
    default:
      return null;
  }
}

/** Registers, once per signature, the adapter C++ calls JS functions through (null when values pass as they are). */
function ensureInvoker(sig: SignatureInfo): void {
  if (invokerReady.has(sig.id)) return;
  const where = `callback of type ${sig.spelling}`;
  const converters = sig.params.map(argumentIn);
  const indexes = converters.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  const result = resultOut(sig.result, where);
  let invoker: Function | null = null;
  if (indexes.length || result) {
    invoker = (fn: Function, ...args: unknown[]) => {
      for (const i of indexes) args[i] = converters[i]!(args[i]);
      const r = fn(...args);
      return result ? result(r) : r;
    };
  }
  native().callbacks.setInvoker(sig.id, invoker);
  invokerReady.add(sig.id);
}

// Trampoline address per (JS function, signature): the same function always gets the same address.
const slots = new WeakMap<Function, Map<number, number>>();
// And back: a trampoline C++ returns is the JS function behind it, while that function lives.
const slotOwners = new Map<number, WeakRef<Function>>();

function slotFor(fn: Function, sig: SignatureInfo, pinned: boolean): number {
  let bySignature = slots.get(fn);
  const known = bySignature?.get(sig.id);
  if (known !== undefined) {
    if (pinned) native().callbacks.pin(known, true);
    return known;
  }
  ensureInvoker(sig);
  const address = native().callbacks.slot(sig.id, fn, pinned);
  slotOwners.set(address, new WeakRef(fn));
  if (!bySignature) slots.set(fn, (bySignature = new Map()));
  bySignature.set(sig.id, address);
  return address;
}

function unsupportedError(sig: SignatureInfo, display: string): TypeError {
  return new TypeError(`cannot pass a JS function as ${display}: ${sig.unsupported}; pass a C++ function or null`);
}

// ---- C++ functions passed directly ----

function compatible(functionType: string, spelling: string): boolean {
  // A noexcept function converts to a pointer to the same function type without noexcept.
  return functionType === spelling || functionType.replace(/\s*noexcept$/, '') === spelling;
}

const addresses = new WeakMap<FunctionInfo, number>();

/** The address of the C++ function `fn` stands for when it has exactly this signature, else undefined. */
function cppAddress(fn: Function, sig: SignatureInfo): number | undefined {
  const tag = (fn as unknown as Record<symbol, PointerTag | undefined>)[FN_POINTER];
  if (tag) return tag.signature === sig.id ? tag.address : undefined;
  // The overload set (proxy/functions.ts) of a C++ function from gbl: its candidates' descriptions.
  const set = (fn as unknown as Record<symbol, { owner: unknown; candidates: { info: FunctionInfo }[] } | undefined>)[FN_SET];
  if (!set || set.owner) return undefined;
  for (const c of set.candidates) {
    const { info } = c;
    if ((info.kind !== 'function' && info.kind !== 'static') || !compatible(info.functionType, sig.spelling)) continue;
    let address = addresses.get(info);
    if (address === undefined) {
      address = native().functionAddress(info.fid);
      addresses.set(info, address);
    }
    return address;
  }
  return undefined;
}

/**
 * The address for a function pointer: a C++ function of this exact type (an overload of a `gbl`
 * function, or a function pointer C++ returned) passes its own address; any other JS function a
 * trampoline's; null a null pointer; a CppPointer or bigint the raw address. `during` an argument
 * conversion, the JS function is also held until the call returns (see keepingCallbacks).
 */
export function functionPointerAddress(v: unknown, t: TypeInfo, during = false): number {
  if (v === null || v === undefined) return 0;
  const sig = t.signature;
  if (typeof v === 'function' && sig) {
    const exact = cppAddress(v, sig);
    if (exact !== undefined) return exact;
    if (sig.unsupported) throw unsupportedError(sig, t.display);
    if (during) held.push(v);
    return slotFor(v, sig, false);
  }
  // A raw address comes only as a void* pointer object (dlsym's, or ll.cast(address, 'void*')): a
  // bare number or bigint, or a pointer to data, is no function C++ could call.
  if (v instanceof CppPointer && v.type !== 'void') throw new TypeError(`expected ${t.display}, got a ${v.type}* pointer (use cppyy.ll.cast to convert)`);
  if (v instanceof CppPointer) return pointerAddress(v, t.display);
  if (typeof v === 'bigint') throw new TypeError(`expected ${t.display}, got a bigint (a raw address passes only as cppyy.ll.cast(address, 'void*'))`);
  throw new TypeError(`expected a function (JS, or C++ of type ${sig?.spelling ?? t.display}) or null for ${t.display}, got ${typeof v}`);
}

/** Converter for a parameter that takes a callable (function pointer or std::function), else null. */
export function callbackArgument(t: TypeInfo, where: string): Converter | null {
  const sig = t.signature;
  if (t.kind === 'funcptr') {
    return (v) => {
      try {
        return functionPointerAddress(v, t, true);
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) e.message = `${where}: ${e.message}`;
        throw e;
      }
    };
  }
  if (!sig || sig.unsupported || (t.kind !== 'object' && t.kind !== 'objectref')) return null;
  // std::function (see function_in in the prelude): a JS function as is (C++ keeps it alive through
  // the std::function's copies), a C++ function's address as a bigint, an instance's as a number.
  return (v) => {
    if (v === null) return null;
    if (typeof v === 'function') {
      const owned = (v as unknown as Record<symbol, object | undefined>)[FN_STD];
      const state = classFor(t.record!);
      if (isInstance(owned, state)) return objectAddress(owned, state, t.display); // copied by C++
      const tag = (v as unknown as Record<symbol, PointerTag | undefined>)[FN_POINTER];
      if (tag?.js) v = tag.js;
      else {
        const exact = cppAddress(v, sig);
        if (exact !== undefined) return BigInt(exact);
      }
      ensureInvoker(sig);
      return v;
    }
    try {
      return objectAddress(v, classFor(t.record!), `a function, a ${t.display} or null`);
    } catch (e) {
      if (e instanceof Error) e.message = `${where}: ${e.message}`;
      throw e;
    }
  };
}

// ---- C++ function pointers as JS functions ----

const callers = new Map<number, NativeFunction | Error>();
const fromPointers = new Map<number, Map<number, Function>>();

function callerFor(sig: SignatureInfo, isStdFunction = false): NativeFunction {
  const key = sig.id * 2 + (isStdFunction ? 1 : 0);
  let caller = callers.get(key);
  if (caller === undefined) {
    try {
      const { info, call } = native().pointerCaller(sig.id, isStdFunction);
      caller = makeInvoker(info, call, true);
    } catch (e) {
      caller = e as Error;
    }
    callers.set(key, caller);
  }
  if (caller instanceof Error) throw caller;
  return caller;
}

/**
 * A JS function calling the C++ function at `address` (null for a null pointer); the same address
 * gives the same function, and a trampoline gives the JS function it calls.
 */
export function functionFromPointer(address: number, sig: SignatureInfo | undefined): Function | null {
  if (!address) return null;
  const owner = slotOwners.get(address)?.deref();
  if (owner) return owner;
  if (!sig) return makePointer(address, 'void') as unknown as Function;
  let byAddress = fromPointers.get(sig.id);
  if (!byAddress) fromPointers.set(sig.id, (byAddress = new Map()));
  let fn = byAddress.get(address);
  if (!fn) {
    const f = (...args: unknown[]) => callerFor(sig)(address, ...args);
    Object.defineProperty(f, 'name', { value: `(${sig.spelling})*` });
    Object.defineProperty(f, FN_POINTER, { value: { address, signature: sig.id } satisfies PointerTag });
    Object.defineProperty(f, 'address', { value: BigInt(address), enumerable: true });
    byAddress.set(address, f);
    fn = f;
  }
  return fn;
}

/**
 * A JS function calling the std::function at `address` (a copy made for JS, null when empty): the
 * copy is destroyed when the JS function is garbage-collected.
 */
function functionFromStdFunction(address: number, t: TypeInfo): Function | null {
  const sig = t.signature!;
  const state = classFor(t.record!);
  const owned = wrap(state, address, true);
  if (!owned) return null;
  const f = (...args: unknown[]) => callerFor(sig, true)(objectAddress(owned, state, t.display), ...args);
  Object.defineProperty(f, 'name', { value: t.display });
  Object.defineProperty(f, FN_STD, { value: owned });
  return f;
}

/** Converter for a function-pointer or std::function (by value) result: a callable JS function. */
export function callbackResult(t: TypeInfo): Converter | null {
  if (t.kind === 'funcptr') return (address) => functionFromPointer(address as number, t.signature);
  if (t.kind === 'object' && t.signature) return (address) => functionFromStdFunction(address as number, t);
  return null;
}

// ---- cppyy.ll.callback ----

export interface PinnedCallback {
  (...args: unknown[]): unknown;
  /** The C function pointer (trampoline) C++ receives. */
  readonly address: bigint;
  /** Stops keeping the JS function alive on C++'s behalf (idempotent). */
  release(): void;
}

function parseSignature(type: string): { sig: SignatureInfo; display: string } {
  const parse = (spelling: string): TypeInfo | undefined => {
    try {
      return native().parseType(spelling);
    } catch {
      return undefined;
    }
  };
  let t = parse(type);
  if (!t?.signature) t = parse(`std::add_pointer_t<${type}>`);
  if (!t?.signature) throw new TypeError(`cppyy.ll.callback: '${type}' is not a function type (e.g. 'int(int, int)')`);
  return { sig: t.signature, display: t.display };
}

/**
 * Pins `fn` as a C function pointer of `type` ('int(int, int)', 'int (*)(int)', a typedef name or a
 * std::function type): C++ may keep and call it until `release()`, even when JS forgets `fn`.
 */
export function pinnedCallback(fn: Function, type: string): PinnedCallback {
  if (typeof fn !== 'function') throw new TypeError('cppyy.ll.callback: expected a function');
  const { sig, display } = parseSignature(type);
  if (sig.unsupported) throw unsupportedError(sig, display);
  const address = slotFor(fn, sig, true);
  let released = false;
  const cb = ((...args: unknown[]) => fn(...args)) as PinnedCallback;
  Object.defineProperty(cb, 'name', { value: fn.name || 'callback' });
  Object.defineProperty(cb, FN_POINTER, { value: { address, signature: sig.id, js: fn } satisfies PointerTag });
  Object.defineProperty(cb, 'address', { value: BigInt(address), enumerable: true });
  Object.defineProperty(cb, 'release', {
    value: () => {
      if (released) return;
      released = true;
      native().callbacks.pin(address, false);
    },
  });
  return cb;
}
