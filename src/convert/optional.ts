// src/convert/optional.ts — std::optional<T> as JS expects: parameters take undefined/null or a T, plain results become the value or undefined.
import { native } from '../native';
import type { NativeFunction, TypeInfo } from '../types';
import type { ClassState } from '../objects/registry';
import { classFor } from '../objects/registry';
import { convertingThrough, defineHelpers } from './helpers';
import { memoryAccess, type MemoryAccess } from './fields';
import { setOptionalCheck } from './kinds';
import { isInstance, objectAddress } from './objects';
import { temporaries } from './temporaries';

const OPTIONAL = /^std::optional<(.*)>$/;

interface Optional {
  state: ClassState;
  /** The engaged type T. */
  inner: TypeInfo;
  /** Helpers, compiled on first use. */
  make?: NativeFunction; // (T) -> address of a new std::optional<T>
  empty?: NativeFunction; // () -> address of a new empty std::optional<T>
  at?: NativeFunction; // (address) -> address of the value, or 0 after deleting an empty one
  free?: NativeFunction; // (address) -> deletes the optional
  access?: MemoryAccess;
}

const byRecord = new Map<number, Optional | null>();
let counter = 0;

/** The class spelling a parameter or result of class type names (by value or through a reference). */
function classSpelling(t: TypeInfo): string {
  return t.kind === 'object' ? t.spelling : t.pointee;
}

/** std::optional<T> details for a class-typed TypeInfo, or null when it is not an optional. */
export function optionalOf(t: TypeInfo): Optional | null {
  if (t.record === null || !OPTIONAL.test(classSpelling(t).replace(/^const /, ''))) return null;
  let found = byRecord.get(t.record);
  if (found === undefined) {
    const state = classFor(t.record);
    const m = OPTIONAL.exec(state.info.spelling);
    found = m ? { state, inner: native().parseType(m[1]) } : null;
    byRecord.set(t.record, found);
  }
  return found;
}

/** The type an optional parameter's engaged value converts from (for overload ranking). */
function optionalInner(t: TypeInfo): TypeInfo | null {
  if (t.kind !== 'object' && !(t.kind === 'objectref' && t.isConst)) return null;
  return optionalOf(t)?.inner ?? null;
}
setOptionalCheck(optionalInner);

/** Whether a parameter is a std::optional taken by value or const& (so it may be left out or undefined). */
export function isOptionalParam(t: TypeInfo): boolean {
  return optionalInner(t) !== null;
}

function helpers(o: Optional): Required<Optional> {
  if (!o.make) {
    const n = ++counter;
    const O = o.state.info.spelling;
    const T = o.inner.spelling;
    // The helper's parameter is a T, so an engaged value converts exactly as a T argument does.
    [o.make, o.empty, o.at, o.free] = defineHelpers(
      `inline unsigned long opt_make_${n}(${T} v) { return (unsigned long)new ${O}(std::move(v)); }\n` +
        `inline unsigned long opt_empty_${n}() { return (unsigned long)new ${O}(); }\n` +
        `inline unsigned long opt_at_${n}(unsigned long p) {\n` +
        `  auto* o = (${O}*)p; if (o->has_value()) return (unsigned long)__builtin_addressof(**o);\n` +
        `  delete o; return 0;\n}\n` +
        `inline void opt_free_${n}(unsigned long p) { delete (${O}*)p; }\n`,
      [`opt_make_${n}`, `opt_empty_${n}`, `opt_at_${n}`, `opt_free_${n}`],
    );
    o.access = memoryAccess(o.inner);
  }
  return o as Required<Optional>;
}

/** A std::optional<T> made for one call (destroyed when it returns): empty, or holding `value` as a T. */
function temporaryOptional(o: Optional, value: unknown): number {
  const h = helpers(o);
  const made = (value === undefined || value === null ? h.empty() : convertingThrough(`as ${o.inner.display}`, () => h.make(value))) as number;
  temporaries.push({ delete: () => h.free(made) });
  return made;
}

/** Converter for a std::optional<T> parameter: undefined/null (empty), an optional instance, or anything a T takes. */
export function optionalArgument(t: TypeInfo): ((v: unknown) => unknown) | null {
  if (!isOptionalParam(t)) return null;
  const o = optionalOf(t)!;
  return (v) => {
    if (isInstance(v, o.state)) return objectAddress(v, o.state, o.state.info.spelling);
    return temporaryOptional(o, v);
  };
}

/** Kinds of T whose optional result becomes the plain value (or undefined). */
const PLAIN = new Set(['bool', 'char', 'int', 'float', 'enum', 'string']);

/** Result converter for a std::optional<T> returned by value with T arithmetic, an enum or a string. */
export function optionalResult(t: TypeInfo): ((address: unknown) => unknown) | null {
  if (t.kind !== 'object') return null;
  const o = optionalOf(t);
  if (!o || !PLAIN.has(o.inner.kind)) return null;
  return (address) => {
    const h = helpers(o);
    const at = h.at(address as number) as number;
    if (!at) return undefined;
    try {
      return h.access.read(at, undefined);
    } finally {
      h.free(address as number);
    }
  };
}
