// src/convert/structs.ts — C aggregates from JS: object literals for struct parameters, whole-struct assignment, C arrays in structs as live views.
import { native } from '../native';
import type { NativeFunction, TypeInfo } from '../types';
import { ADDRESS, CLASS_STATE, OWNED } from '../proxy/symbols';
import type { ClassState, CppObject } from '../proxy/classes';
import { classFor, wrap } from '../proxy/classes';
import { makePointer, pointerAddress, typedArrayNames } from './pointers';
import type { MemoryAccess } from './fields';
import { setLiteralCheck } from './kinds';

/** Whether a plain JS object can stand for a value of class `record`: an aggregate (C struct), as C++'s `T{...}`. */
export function acceptsLiteral(t: TypeInfo): boolean {
  if (t.record === null) return false;
  if (t.kind === 'object' && t.signature) return false;
  const byValue = t.kind === 'object' || ((t.kind === 'objectref' || t.kind === 'objectptr') && t.isConst);
  return byValue && isAggregate(t.record);
}

setLiteralCheck(acceptsLiteral);

const aggregates = new Map<number, boolean>();
export function isAggregate(record: number): boolean {
  let known = aggregates.get(record);
  if (known === undefined) {
    const { info } = classFor(record);
    known = info.isComplete && info.isAggregate && !info.isPolymorphic;
    aggregates.set(record, known);
  }
  return known;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function fieldNames(state: ClassState, out = new Set<string>()): Set<string> {
  for (const base of state.bases) fieldNames(base, out);
  for (const f of state.info.fields) if (!f.isProtected) out.add(f.name);
  return out;
}

const names = new Map<number, Set<string>>();

/**
 * Writes `value` into the `state` object at `address`: an instance of the class (memberwise, as
 * C's struct assignment) or a plain object whose keys are fields (others keep their value).
 */
export function assignStruct(state: ClassState, address: number, value: unknown): void {
  const target = wrap(state, address, false) as Record<string, unknown> | null;
  if (!target) throw new Error('cppjit: assignment through a null pointer');
  let known = names.get(state.id);
  if (!known) names.set(state.id, (known = fieldNames(state)));
  if (value instanceof state.cls) {
    if (!state.info.isAggregate) throw new TypeError(`assigning a whole ${state.info.spelling} needs an aggregate (C struct); assign its fields`);
    const source = value as unknown as Record<string, unknown>;
    if (!(source as unknown as CppObject)[ADDRESS]) throw new Error(`cppjit: ${state.info.spelling} object was deleted`);
    for (const name of known) target[name] = source[name];
    return;
  }
  if (!isPlainObject(value)) {
    const got = value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE]
      ? ((value as CppObject)[CLASS_STATE] as ClassState).info.spelling : value === null ? 'null' : typeof value;
    throw new TypeError(`expected ${state.info.spelling} (an instance or an object literal), got ${got}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new TypeError(`${state.info.spelling} has no field '${key}' (fields: ${[...known].join(', ')})`);
    try {
      target[key] = value[key];
    } catch (e) {
      if (e instanceof Error && !e.message.includes(`::${key}`)) e.message = `field '${key}': ${e.message}`;
      throw e;
    }
  }
}

// Objects made from JS literals for one call; destroyed when the call returns.
const temporaries: CppObject[] = [];
// Contiguous arrays of structs for one call (GC-managed bytes, held until the call returns).
const buffers: Uint8Array[] = [];

/** Address of a temporary `state` object built from a JS literal (value-initialised, then its keys assigned). */
export function temporaryStruct(state: ClassState, literal: Record<string, unknown>): number {
  const tmp = new (state.cls as unknown as new () => CppObject)();
  temporaries.push(tmp);
  assignStruct(state, tmp[ADDRESS] as number, literal);
  return tmp[ADDRESS] as number;
}

/** Address of a temporary C array of `state` objects made from a JS array of literals or instances. */
export function temporaryStructArray(state: ClassState, values: ArrayLike<unknown>): number {
  const size = state.info.size;
  const bytes = new Uint8Array(Math.max(size * values.length, 1));
  buffers.push(bytes);
  const base = native().memory.data_address(bytes) as number;
  for (let i = 0; i < values.length; i++) {
    try {
      assignStruct(state, base + i * size, values[i]);
    } catch (e) {
      if (e instanceof Error) e.message = `element ${i}: ${e.message}`;
      throw e;
    }
  }
  return base;
}

/** Releases the temporaries a call's argument conversion made, however the call ends. */
export function releasingStructs(invoke: NativeFunction): NativeFunction {
  return (...args: unknown[]) => {
    const mark = temporaries.length;
    const marked = buffers.length;
    try {
      return invoke(...args);
    } finally {
      while (temporaries.length > mark) {
        const tmp = temporaries.pop() as unknown as { delete(): void } & CppObject;
        if (tmp[OWNED]) tmp.delete();
      }
      buffers.length = marked;
    }
  };
}

const TYPED_CLASSES: Record<string, new (buffer: ArrayBuffer, offset?: number, length?: number) => ArrayBufferView & ArrayLike<unknown>> = {
  Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array, Float32Array, Float64Array,
} as never;

const OWNER = Symbol('cppjit.viewOwner');

/** A live TypedArray over a C array of arithmetic elements at `address`; it keeps `owner` alive. */
function typedClass(t: TypeInfo) {
  const name = t.pointeeKind === 'char' || t.pointeeKind === 'bool' ? 'Uint8Array' : typedArrayNames(t.pointeeKind, t.pointeeBits, t.pointeeSigned)[0];
  return name ? TYPED_CLASSES[name] : undefined;
}

export function liveView(t: TypeInfo, address: number, owner: unknown): ArrayBufferView | undefined {
  const Typed = typedClass(t);
  if (!Typed) return undefined;
  const view = new Typed(native().memory.view(address, (t.arrayLength ?? 0) * (t.elementSize ?? 0)) as ArrayBuffer);
  if (owner !== undefined) Object.defineProperty(view, OWNER, { value: owner });
  return view;
}

function checkedElement(t: TypeInfo, v: unknown, i: number): unknown {
  if (t.pointeeKind === 'float') {
    if (typeof v !== 'number') throw new TypeError(`element ${i}: expected a number, got ${typeof v}`);
    return v;
  }
  const bits = t.pointeeBits;
  const signed = t.pointeeKind === 'char' ? true : t.pointeeSigned;
  if (bits === 64) {
    const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
    if (b === undefined) throw new TypeError(`element ${i}: expected an integer, got ${typeof v}`);
    const lo = signed ? -(1n << 63n) : 0n;
    const hi = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
    if (b < lo || b > hi) throw new RangeError(`element ${i}: ${b} is out of range for ${t.pointee}`);
    return b;
  }
  if (t.pointeeKind === 'bool') {
    if (typeof v !== 'boolean') throw new TypeError(`element ${i}: expected a boolean, got ${typeof v}`);
    return v ? 1 : 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`element ${i}: expected an integer, got ${typeof v === 'number' ? v : typeof v}`);
  const lo = signed && t.pointeeKind !== 'char' ? -(2 ** (bits - 1)) : t.pointeeKind === 'char' ? -128 : 0;
  const hi = t.pointeeKind === 'char' ? 255 : signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (v < lo || v > hi) throw new RangeError(`element ${i}: ${v} is out of range for ${t.pointee}`);
  return v;
}

/**
 * A C array field `T name[N]`: arithmetic elements read as a live TypedArray, char arrays as the
 * string up to the first NUL, struct elements as live views, pointers as pointer objects. Writes
 * copy a JS array/TypedArray of exactly N elements (a string for char arrays).
 */
export function arrayAccess(t: TypeInfo): MemoryAccess {
  const mem = native().memory;
  const length = t.arrayLength ?? 0;
  const size = t.elementSize ?? 0;
  const checkLength = (v: unknown): ArrayLike<unknown> => {
    if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      throw new TypeError(`expected an array of ${length} ${t.pointee}, got ${v === null ? 'null' : typeof v}`);
    }
    const values = v as unknown as ArrayLike<unknown>;
    if (values.length !== length) throw new RangeError(`expected ${length} elements for ${t.display}, got ${values.length}`);
    return values;
  };
  switch (t.pointeeKind) {
    case 'char':
      return {
        read: (a) => mem.peek_chars(a, length),
        write: (a, v) => {
          if (typeof v === 'string') return mem.poke_chars(a, v, length);
          const values = checkLength(v);
          const view = liveView(t, a, undefined) as Uint8Array;
          for (let i = 0; i < length; i++) view[i] = checkedElement(t, values[i], i) as number;
        },
      };
    case 'bool': case 'int': case 'enum': case 'float': {
      if (!typedClass(t)) {
        return { read: () => undefined, unsupported: `${t.display}: elements of ${t.pointee} have no TypedArray` };
      }
      return {
        read: (a, owner) => liveView(t, a, owner),
        write: (a, v) => {
          const values = checkLength(v);
          const checked = Array.from({ length }, (_, i) => checkedElement(t, values[i], i));
          const view = liveView(t, a, undefined) as unknown as { set(values: ArrayLike<unknown>): void };
          view.set(checked);
        },
      };
    }
    case 'object': {
      if (t.record === null) break;
      const state = classFor(t.record);
      return {
        read: (a, owner) => Array.from({ length }, (_, i) => wrap(state, a + i * size, false, owner)),
        write: (a, v) => {
          const values = checkLength(v);
          for (let i = 0; i < length; i++) assignStruct(state, a + i * size, values[i]);
        },
      };
    }
    case 'pointer':
      return {
        read: (a) => Array.from({ length }, (_, i) => makePointer(mem.peek_ptr(a + i * size) as number, t.pointee.replace(/\s*\*$/, ''))),
        write: (a, v) => {
          const values = checkLength(v);
          for (let i = 0; i < length; i++) mem.poke_ptr(a + i * size, pointerAddress(values[i], t.pointee));
        },
      };
    default:
      break;
  }
  return { read: () => undefined, unsupported: `arrays of ${t.pointee} cannot be accessed yet` };
}
