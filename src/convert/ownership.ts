// src/convert/ownership.ts — a JS-owned object passed where C++ takes std::unique_ptr<T> (by value or &&): C++ takes it over.
//
// For the call, a std::unique_ptr<T> made from the object's address holds it and JS disowns the
// object (it is borrowed from then on). When the call returns, a unique_ptr still holding it (a
// `&&` parameter the callee did not move from, or an argument error before the call) gives it
// back to JS. A JS subclass instance then stays alive, with its JS state, until C++ deletes it;
// its C++ destructor marks it deleted, so later use throws. A plain C++ object C++ deletes is
// not noticed (as after `cppyy.ll.disown`): JS must not use it then. Raw `T*` parameters never
// take ownership (as in cppyy): `cppyy.ll.disown(obj)` says so explicitly.
import { native } from '../native';
import type { NativeFunction, TypeInfo } from '../types';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, derivationDepth, disownObject, ownObject } from '../objects/registry';
import { defineHelpers } from './helpers';
import { ADDRESS, CLASS_STATE, OWNED } from '../objects/symbols';
import { objectAddress } from './objects';
import { temporaries } from './temporaries';

// The default deleter only: a custom deleter does not say how the object was allocated.
const UNIQUE = /^std::unique_ptr<(.+), std::default_delete<(.+?)\s*>\s*>$/;

/** The class T of a std::unique_ptr<T> class (by its record), or null for any other class. */
const elements = new Map<number, ClassState | null>();

export function uniqueElement(record: number): ClassState | null {
  let element = elements.get(record);
  if (element !== undefined) return element;
  element = null;
  const m = UNIQUE.exec(classFor(record).info.spelling);
  if (m && m[1].trim() === m[2].trim()) {
    try {
      const t = native().parseType(m[1]);
      if (t.kind === 'object' && t.record !== null) element = classFor(t.record);
    } catch {
      element = null; // a type this scope cannot name: no adoption
    }
  }
  elements.set(record, element);
  return element;
}

/** For overload ranking: depth of class `argId` below T when the class at `record` is std::unique_ptr<T>, else -1. */
export function adoptionDepth(argId: number, record: number): number {
  const element = uniqueElement(record);
  return element ? derivationDepth(argId, element.scope) : -1;
}

/** Whether a parameter of this type takes over objects: std::unique_ptr<T> by value or by &&. */
export function adoptsObjects(t: TypeInfo): boolean {
  return t.record !== null && (t.kind === 'object' || (t.kind === 'objectref' && t.isRvalueRef === true)) && uniqueElement(t.record) !== null;
}

interface Adopter {
  /** std::unique_ptr<T>(p), returned by value (a JS-owned temporary). */
  make: NativeFunction;
  /** Releases (without deleting) what the unique_ptr still holds: true when it still held it. */
  kept: NativeFunction;
  virtualDestructor: boolean;
}

const adopters = new Map<ClassState, Adopter>();
let counter = 0;

function adopterFor(element: ClassState, holder: ClassState): Adopter {
  let adopter = adopters.get(element);
  if (!adopter) {
    const n = ++counter;
    const T = element.info.spelling;
    const U = holder.info.spelling;
    const [make, kept, virtualDestructor] = defineHelpers(
      `inline ${U} adopt_${n}(${T}* p) { return ${U}(p); }\n` +
      `inline bool kept_${n}(${U}& u) { return u.release() != nullptr; }\n` +
      `inline bool virtual_dtor_${n}() { return std::has_virtual_destructor_v<${T}>; }\n`,
      [`adopt_${n}`, `kept_${n}`, `virtual_dtor_${n}`]);
    adopter = { make, kept, virtualDestructor: virtualDestructor() === true };
    adopters.set(element, adopter);
  }
  return adopter;
}

/**
 * The address of a std::unique_ptr<T> (class `holder`) made for this call from `obj`, negated
 * for a by-value parameter (which moves from it). Until the call's temporaries are released, C++
 * owns `obj`.
 */
export function adoptedAddress(obj: CppObject, holder: ClassState, element: ClassState, byValue: boolean): number {
  objectAddress(obj, element, element.info.spelling); // a deleted object: Error
  const state = obj[CLASS_STATE] as ClassState;
  const shown = /^__cppjit_derived(_t\d+)?::/.test(state.info.spelling) ? `${state.bases[0]?.info.spelling ?? state.info.spelling} (extended in JS)` : state.info.spelling;
  if (!obj[OWNED]) {
    throw new TypeError(`this ${shown} is not owned by JS (it is borrowed from C++, or was given away with ` +
      `cppyy.ll.disown), so it cannot be handed to ${holder.info.displayName || holder.info.spelling}`);
  }
  const adopter = adopterFor(element, holder);
  if (state !== element && !adopter.virtualDestructor) {
    throw new TypeError(`${element.info.spelling} has no virtual destructor, so deleting this ${shown} ` +
      `through ${holder.info.displayName || holder.info.spelling} would not destroy it`);
  }
  const made = adopter.make(obj) as CppObject;
  disownObject(obj);
  temporaries.push({
    delete() {
      try {
        if (adopter.kept(made) === true) ownObject(obj);
      } finally {
        (made as unknown as { delete(): void }).delete();
      }
    },
  });
  const address = made[ADDRESS] as number;
  return byValue ? -address : address;
}

// A T (or a struct literal for one) where C++ takes a std::shared_ptr<T> by value, const& or &&:
// the call gets std::make_shared<T>(a copy), as cppyy makes one; the object itself stays JS's.
const SHARED = /^std::shared_ptr<(.+)>$/;
const sharedElements = new Map<number, ClassState | null>();

/** The class T of a std::shared_ptr<T> class (by its record), or null for any other class. */
export function sharedElement(record: number): ClassState | null {
  let element = sharedElements.get(record);
  if (element !== undefined) return element;
  element = null;
  const m = SHARED.exec(classFor(record).info.spelling);
  if (m) {
    try {
      const t = native().parseType(m[1]);
      if (t.kind === 'object' && t.record !== null) element = classFor(t.record);
    } catch {
      element = null;
    }
  }
  sharedElements.set(record, element);
  return element;
}

/** For overload ranking: depth of class `argId` below T when the class at `record` is std::shared_ptr<T>, else -1. */
export function sharingDepth(argId: number, record: number): number {
  const element = sharedElement(record);
  if (!element) return -1;
  if (argId === -1) return element.info.isAggregate ? 0 : -1;
  return derivationDepth(argId, element.scope);
}

/** Whether a parameter of this type takes a T as a new std::shared_ptr<T>: by value, const& or &&. */
export function sharesCopies(t: TypeInfo): boolean {
  return t.record !== null && (t.kind === 'object' || (t.kind === 'objectref' && (t.isConst || t.isRvalueRef === true))) &&
    sharedElement(t.record) !== null;
}

const sharers = new Map<ClassState, NativeFunction>();

/** The address of a temporary std::shared_ptr<T> (class `holder`) holding a copy of `value` (a T or a struct literal). */
export function sharedCopyAddress(value: unknown, holder: ClassState, element: ClassState): number {
  let share = sharers.get(element);
  if (!share) {
    const n = ++counter;
    [share] = defineHelpers(`inline ${holder.info.spelling} share_${n}(const ${element.info.spelling}& v) { return std::make_shared<${element.info.spelling}>(v); }\n`, [`share_${n}`]);
    sharers.set(element, share);
  }
  const made = share(value) as CppObject;
  temporaries.push(made as unknown as { delete(): void });
  return made[ADDRESS] as number;
}
