// src/convert/objects.ts — JS instances to C++ addresses, with the class check C++ would do.
import type { ClassState, CppObject } from '../objects/registry';
import { ADDRESS, CLASS_STATE, OFFSETS } from '../objects/symbols';
import { Rvalue } from './rvalues';

/**
 * Whether `value` is a C++ object of class `state` or of a class derived from it: whether it has a
 * `state` subobject. Decided by the base offsets Clang computed, not by the JS prototype chain
 * (which holds only the first base, and may hold Proxies).
 */
export function isInstance(value: unknown, state: ClassState): value is CppObject {
  return value !== null && typeof value === 'object' && ((value as CppObject)[OFFSETS] as Record<number, number> | undefined)?.[state.id] !== undefined;
}

/** Address of `value`'s `state` subobject; TypeError when `value` is not an instance of that class. */
export function objectAddress(value: unknown, state: ClassState, expected: string): number {
  if (!isInstance(value, state)) {
    // std.move(x) where no move is possible (a callback's result, a field) passes x itself.
    if (value instanceof Rvalue) return objectAddress(value.object, state, expected);
    const got = value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE]
      ? ((value as CppObject)[CLASS_STATE] as ClassState).info.spelling
      : value === null ? 'null' : typeof value;
    throw new TypeError(`expected ${expected}, got ${got}`);
  }
  const obj = value as unknown as CppObject;
  const address = obj[ADDRESS] as number;
  if (!address) throw new Error(`cppjit: ${state.info.spelling} object was deleted`);
  return address + (obj[OFFSETS] as Record<number, number>)[state.id];
}
