// src/ll.ts — cppyy.ll: low-level access to addresses, ownership and raw objects.
import { native } from './native';
import { CppPointer, CppRef, CppRefView, exactAddress } from './convert/pointers';
import { ADDRESS, CLASS_STATE, CPP_NAME, OFFSETS, OWNED } from './objects/symbols';
import type { ClassState, CppObject } from './objects/registry';
import { classFor, disownObject, isClass, ownObject, wrapBorrowed } from './objects/registry';
import { pinnedCallback } from './convert/callbacks';
import { castObject, castTarget } from './proxy/casts';
import type { PinnedCallback } from './convert/callbacks';
import { llMemory } from './llmemory';

function classOf(type: unknown): ClassState {
  if (isClass(type)) return type[CLASS_STATE];
  if (typeof type === 'string') {
    const t = native().parseType(type.replace(/\*\s*$/, ''));
    if (t.record !== null && (t.kind === 'object' || t.kind === 'objectref' || t.kind === 'objectptr')) return classFor(t.record);
    throw new TypeError(`${type} is not a class type`);
  }
  throw new TypeError('expected a cppjit class or a C++ class name');
}

export const ll = {
  ...llMemory,
  /** Address of an object (or pointer) as a bigint. */
  addressof(value: unknown): bigint {
    if (value instanceof CppPointer || value instanceof CppRef || value instanceof CppRefView) return value.address;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return BigInt(native().memory.data_address(value));
    if (value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE]) {
      const obj = value as CppObject;
      const state = obj[CLASS_STATE] as ClassState;
      return BigInt((obj[ADDRESS] as number) + ((obj[OFFSETS] as Record<number, number>)[state.id] ?? 0));
    }
    throw new TypeError('addressof expects a cppjit object or pointer');
  },
  /** A borrowed JS object for the C++ object of class `type` at `address`. */
  bindObject(address: bigint | number | CppPointer, type: unknown): unknown {
    const a = address instanceof CppPointer ? address.address : typeof address === 'bigint' ? address
      : Number.isSafeInteger(address) ? BigInt(address) : NaN;
    // An address is a whole number within 64 bits; the first page is never an object's.
    if (typeof a !== 'bigint' || a < 0n || a > 0xffffffffffffffffn) throw new RangeError(`bindObject: ${String(address)} is not an address`);
    if (a !== 0n && a < 4096n) throw new RangeError(`bindObject: 0x${a.toString(16)} is not the address of an object`);
    return wrapBorrowed(classOf(type), exactAddress(a));
  },
  /** `obj` as class `type` (a class or 'ns::Base*'): up to any base, or down (checked through RTTI when polymorphic); a pointer or address as any pointer type. */
  // Pointers, addresses and non-class types go to the raw-memory cast (a reinterpret_cast).
  cast(obj: unknown, type: unknown): unknown {
    if (obj !== null && typeof obj === 'object' && (obj as CppObject)[CLASS_STATE]) {
      const target = castTarget(type);
      if (target) return castObject(obj as CppObject, target);
    }
    return llMemory.cast(obj, type);
  },
  /** Take ownership: JS runs the destructor on delete()/GC. */
  own(obj: unknown): unknown {
    ownObject(obj as CppObject);
    return obj;
  },
  /** Give up ownership: C++ is responsible for destroying the object. */
  disown(obj: unknown): unknown {
    disownObject(obj as CppObject);
    return obj;
  },
  /** Whether JS owns this object. */
  isOwned(obj: unknown): boolean {
    return Boolean((obj as CppObject)[OWNED]);
  },
  /**
   * Pins a JS function as a C function pointer of `type` ('int(int, int)', a typedef, ...) for C++
   * that keeps the pointer: it stays callable (and `fn` alive) until `release()`.
   */
  callback(fn: Function, type: string): PinnedCallback {
    return pinnedCallback(fn, type);
  },
  /** C++ name of a class or type object. */
  nameOf(type: unknown): string | undefined {
    return (type as Record<symbol, string> | undefined)?.[CPP_NAME];
  },
};

