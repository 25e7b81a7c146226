// src/convert/objects.ts — JS instances to C++ addresses, with the class check C++ would do.
import { native } from '../native';
import type { ClassState, CppObject } from '../objects/registry';
import { classById, classFor } from '../objects/registry';
import { ADDRESS, CLASS_STATE, OFFSETS, SMART_GET } from '../objects/symbols';
import { Rvalue } from './rvalues';
import { setPointeeCheck } from './kinds';

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

const SMART_POINTER = /^std::(?:unique_ptr|shared_ptr)</;
const pointees = new Map<number, ClassState | null>();

/** The class a std::unique_ptr/std::shared_ptr class points to (its element_type), else null. */
export function pointeeClass(state: ClassState): ClassState | null {
  let found = pointees.get(state.id);
  if (found === undefined) {
    found = null;
    if (SMART_POINTER.test(state.info.spelling)) {
      try {
        const element = native().parseType(`${state.info.spelling}::element_type`);
        if (element.kind === 'object' && element.record !== null) found = classFor(element.record);
      } catch {
        found = null;
      }
    }
    pointees.set(state.id, found);
  }
  return found;
}
setPointeeCheck((classId) => pointeeClass(classById(classId))?.id ?? -1);

/**
 * The object a smart pointer points to, where its pointee is taken by reference or pointer (as
 * cppyy passes it, and as `*p` does in C++): null for anything else, or for an empty pointer.
 */
export function smartPointee(value: unknown): CppObject | null {
  if (value === null || typeof value !== 'object') return null;
  const state = (value as CppObject)[CLASS_STATE] as ClassState | undefined;
  if (!state || !pointeeClass(state)) return null;
  const get = ((value as Record<symbol, unknown>)[SMART_GET] ?? (value as { get: Function }).get) as Function;
  return (get.call(value) as CppObject | null) ?? null;
}
