// src/proxy/casts.ts — cppyy.ll.cast for class objects: up to any base subobject, down (static, or through RTTI across virtual bases).
import { native } from '../native';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, downcastAddress, isClass, wrap, wrapBorrowed } from '../objects/registry';
import { ADDRESS, CLASS_STATE, KEEP, OFFSETS } from '../objects/symbols';

/** The class a cast names: a cppjit class, or a C++ spelling ('ns::Base', 'ns::Base*', 'ns::Base&'). */
export function castTarget(type: unknown): ClassState | null {
  if (isClass(type)) return type[CLASS_STATE];
  if (typeof type !== 'string') throw new TypeError('ll.cast: expected a cppjit class or a C++ type name');
  const t = native().parseType(type.replace(/\s*[*&]\s*$/, ''));
  return t.record !== null && t.kind === 'object' ? classFor(t.record) : null;
}

/**
 * `obj` seen as class `target`, borrowed (the result keeps `obj` alive): an upcast to any public
 * base adjusts the address to that subobject; a downcast subtracts the base's offset in `target`
 * (static_cast), or asks RTTI for the complete object when the base is virtual or the class is
 * polymorphic, and fails with a TypeError when `obj` is not a `target`.
 */
export function castObject(obj: CppObject, target: ClassState): CppObject {
  const state = obj[CLASS_STATE] as ClassState;
  const address = obj[ADDRESS] as number;
  if (!address) throw new Error(`cppjit: ${state.info.spelling} object was deleted`);
  const offsets = obj[OFFSETS] as Record<number, number>;
  if (offsets[target.id] !== undefined) return wrap(target, address + offsets[target.id], false, obj[KEEP] ?? obj)!;
  const here = address + (offsets[state.id] ?? 0);
  const fail = () => new TypeError(`ll.cast: ${state.info.spelling} object is not a ${target.info.spelling}`);
  if (state.info.isPolymorphic) {
    const dynamic = downcastAddress(state, here);
    if (!dynamic) throw fail();
    const at = dynamic.state.offsets[target.id];
    if (at === undefined) throw fail();
    // A downcast gives the most derived object there is, as a returned pointer would.
    return wrapBorrowed(target, dynamic.address + at, obj[KEEP] ?? obj)!;
  }
  const down = target.offsets[state.id];
  if (down === undefined) throw fail();
  return wrapBorrowed(target, here - down, obj[KEEP] ?? obj)!;
}
