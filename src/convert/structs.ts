// src/convert/structs.ts — C aggregates from JS: object literals for struct parameters, whole-struct assignment, C arrays in structs as live views.
import { native } from '../native';
import type { NativeFunction, TypeInfo } from '../types';
import { ADDRESS, CLASS_STATE, OWNED } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, wrap } from '../objects/registry';
import { CppArray, CppPointer, makePointer, pointerAddress, typedArrayNames } from './pointers';
import type { MemoryAccess } from './pointers';
import { setLiteralCheck } from './kinds';
import { isInstance, objectAddress } from './objects';

/** A pointer object of the class's type (`ll.malloc('Vec2', n)`, `ll.cast(p, 'Vec2*')`) or of void, where `T*` is taken. */
export function structPointer(p: CppPointer, state: ClassState): number {
  const spelling = p.type.replace(/\s+/g, '');
  if (p.type !== 'void' && spelling !== state.info.spelling.replace(/\s+/g, '')) {
    throw new TypeError(`expected ${state.info.spelling}*, got a ${p.type}* pointer (use cppyy.ll.cast to convert)`);
  }
  return pointerAddress(p, `${state.info.spelling}*`);
}

/** Whether a plain JS object can stand for a value of class `record`: an aggregate (C struct), as C++'s `T{...}`. */
export function acceptsLiteral(t: TypeInfo): boolean {
  if (t.record === null) return false;
  if (t.kind === 'object' && t.signature) return false;
  const byValue = t.kind === 'object' || ((t.kind === 'objectref' || t.kind === 'objectptr') && t.isConst);
  // An aggregate without fields (std::less<T>) has nothing a literal could set.
  return byValue && isAggregate(t.record) && fieldNames(classFor(t.record)).size > 0;
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
 * The object literal a positional braced initializer stands for, `Agg{1, 2.5}`: the values go to
 * the fields in declaration order; fields left out keep their default (zero) value.
 */
export function positionalLiteral(state: ClassState, values: ArrayLike<unknown>): Record<string, unknown> {
  const { info } = state;
  if (state.bases.length) throw new TypeError(`${info.spelling} has base classes: initialise it from an object literal of its fields`);
  if (values.length > info.fields.length) {
    throw new TypeError(`${info.spelling} has ${info.fields.length} field(s) (${info.fields.map((f) => f.name).join(', ')}), got ${values.length} values`);
  }
  const literal: Record<string, unknown> = {};
  for (let i = 0; i < values.length; i++) literal[info.fields[i].name] = values[i];
  return literal;
}

/**
 * Writes `value` into the `state` object at `address`: an instance of the class (memberwise, as
 * C's struct assignment) or a plain object whose keys are fields (others keep their value).
 */
export function assignStruct(state: ClassState, address: number, value: unknown): void {
  const target = wrap(state, address, false) as Record<string, unknown> | null;
  if (!target) throw new Error('cppjit: assignment through a null pointer');
  let known = names.get(state.id);
  if (!known) names.set(state.id, (known = fieldNames(state)));
  if (isInstance(value, state)) {
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

// Objects of non-POD aggregates made from JS literals for one call; destroyed when the call returns.
const temporaries: CppObject[] = [];

type FieldWriter = (view: DataView, at: number, value: unknown) => void;
interface PodLayout { size: number; writers: Map<string, FieldWriter> }
const pods = new Map<number, PodLayout | null>();

function numberWriter(t: { kind: string; bits: number; signed: boolean }, what: string): FieldWriter | null {
  const { kind, bits } = t;
  if (kind === 'float') {
    if (bits !== 32 && bits !== 64) return null;
    return (view, at, v) => {
      if (typeof v !== 'number') throw new TypeError(`${what}: expected a number, got ${typeof v}`);
      if (bits === 64) view.setFloat64(at, v, true); else view.setFloat32(at, v, true);
    };
  }
  if (kind === 'bool') {
    return (view, at, v) => {
      if (typeof v !== 'boolean') throw new TypeError(`${what}: expected a boolean, got ${typeof v}`);
      view.setUint8(at, v ? 1 : 0);
    };
  }
  if (kind !== 'int' && kind !== 'enum' && kind !== 'char') return null;
  const signed = kind === 'char' ? true : t.signed;
  if (bits === 64) {
    const lo = signed ? -(1n << 63n) : 0n;
    const hi = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
    return (view, at, v) => {
      const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
      if (b === undefined) throw new TypeError(`${what}: expected an integer, got ${typeof v}`);
      if (b < lo || b > hi) throw new RangeError(`${what}: ${b} is out of range`);
      view.setBigUint64(at, BigInt.asUintN(64, b), true);
    };
  }
  if (bits !== 8 && bits !== 16 && bits !== 32) return null;
  const lo = kind === 'char' ? -128 : signed ? -(2 ** (bits - 1)) : 0;
  const hi = kind === 'char' ? 255 : signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return (view, at, v) => {
    if (kind === 'char' && typeof v === 'string' && v.length === 1) v = v.charCodeAt(0);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${what}: expected an integer, got ${typeof v === 'number' ? v : typeof v}`);
    if (v < lo || v > hi) throw new RangeError(`${what}: ${v} is out of range (${lo} to ${hi})`);
    if (bits === 8) view.setUint8(at, v & 0xff);
    else if (bits === 16) view.setUint16(at, v & 0xffff, true);
    else view.setUint32(at, v >>> 0, true);
  };
}

/**
 * The layout of a C struct whose literal can be written into plain bytes: arithmetic, enum,
 * pointer, nested POD and array fields only (no bit-fields, bases, std::string...). Null otherwise.
 */
function podLayout(record: number): PodLayout | null {
  const known = pods.get(record);
  if (known !== undefined) return known;
  pods.set(record, null); // a recursive struct is not POD-writable while being examined
  const state = classFor(record);
  const { info } = state;
  let layout: PodLayout | null = null;
  // Only where zeroed bytes are what `T{}` makes: default member initialisers (`int x = 1;`) need
  // the constructor, so such a literal is a constructed object with its keys assigned.
  if (info.isComplete && info.isAggregate && info.hasTrivialDefaultConstructor && !info.isPolymorphic && !info.bases.length) {
    const writers = new Map<string, FieldWriter>();
    let ok = true;
    for (const f of info.fields) {
      const what = `${info.spelling}::${f.name}`;
      const w = f.isBitField || f.isProtected ? null : fieldWriter(f.type, f.offset, what);
      if (!w) { ok = false; break; }
      writers.set(f.name, w);
    }
    if (ok) layout = { size: info.size, writers };
  }
  pods.set(record, layout);
  return layout;
}

function fieldWriter(t: TypeInfo, offset: number, what: string): FieldWriter | null {
  if (t.kind === 'object' && t.record !== null && !t.signature) {
    const inner = podLayout(t.record);
    if (!inner) return null;
    const state = classFor(t.record);
    return (view, at, v) => writePod(state, inner, view, at + offset, v);
  }
  if (t.kind === 'pointer' || t.kind === 'objectptr') {
    return (view, at, v) => view.setBigUint64(at + offset, BigInt(pointerAddress(v, t.display)), true);
  }
  if (t.kind === 'array') {
    const length = t.arrayLength ?? 0;
    const size = t.elementSize ?? 0;
    const element: FieldWriter | null = t.pointeeKind === 'object' && t.record !== null
      ? fieldWriter({ ...t, kind: 'object' } as TypeInfo, 0, what)
      : numberWriter({ kind: t.pointeeKind, bits: t.pointeeBits, signed: t.pointeeSigned }, what);
    if (!element) return null;
    const chars = t.pointeeKind === 'char';
    return (view, at, v) => {
      if (chars && typeof v === 'string') {
        const bytes = Buffer.from(v, 'utf8');
        if (bytes.length >= length) throw new RangeError(`${what}: a string of ${bytes.length} bytes does not fit in char[${length}] with its terminating NUL`);
        for (let i = 0; i < bytes.length; i++) view.setUint8(at + offset + i, bytes[i]);
        return;
      }
      if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) throw new TypeError(`${what}: expected an array of ${length}, got ${typeof v}`);
      const values = v as ArrayLike<unknown>;
      if (values.length !== length) throw new RangeError(`${what}: expected ${length} elements, got ${values.length}`);
      for (let i = 0; i < length; i++) element(view, at + offset + i * size, values[i]);
    };
  }
  const w = numberWriter(t, what);
  return w && ((view, at, v) => w(view, at + offset, v));
}

function writePod(state: ClassState, layout: PodLayout, view: DataView, at: number, value: unknown): void {
  if (isInstance(value, state)) {
    // An instance: its bytes (a POD's copy is its bytes).
    const address = objectAddress(value, state, state.info.spelling);
    const source = new Uint8Array(native().memory.view(address, layout.size) as ArrayBuffer);
    new Uint8Array(view.buffer, view.byteOffset + at, layout.size).set(source);
    return;
  }
  if (!isPlainObject(value)) {
    const got = value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE]
      ? ((value as CppObject)[CLASS_STATE] as ClassState).info.spelling : value === null ? 'null' : typeof value;
    throw new TypeError(`expected ${state.info.spelling} (an instance or an object literal), got ${got}`);
  }
  for (const key in value) {
    const w = layout.writers.get(key);
    if (!w) throw new TypeError(`${state.info.spelling} has no field '${key}' (fields: ${[...layout.writers.keys()].join(', ')})`);
    w(view, at, value[key]);
  }
}

/** Whether literals of class `record` are written as plain bytes (no construction, nothing to destroy). */
export function isPod(record: number): boolean {
  return podLayout(record) !== null;
}

/**
 * A temporary `state` object from a JS literal: for a POD, zeroed bytes written in JS (a
 * Uint8Array the thunk takes the address of); otherwise a value-initialised object whose keys are
 * assigned, destroyed when the call returns.
 */
export function temporaryStruct(state: ClassState, literal: Record<string, unknown>): unknown {
  const layout = podLayout(state.info.scope);
  if (layout) {
    const at = arenaPaused ? -1 : arenaAllocate(layout.size);
    if (at >= 0) {
      writePod(state, layout, arena.view, at, literal);
      return arena.base + at;
    }
    // Too big for what is left of the arena: bytes of its own (outside V8's heap from the start).
    const buffer = new ArrayBuffer(Math.max(layout.size, 1));
    writePod(state, layout, new DataView(buffer), 0, literal);
    return buffer;
  }
  const tmp = new (state.cls as unknown as new () => CppObject)();
  temporaries.push(tmp);
  assignStruct(state, tmp[ADDRESS] as number, literal);
  return tmp[ADDRESS] as number;
}

/** A temporary C array of POD `state` objects made from a JS array of literals or instances. */
export function temporaryStructArray(state: ClassState, values: ArrayLike<unknown>): unknown {
  const layout = podLayout(state.info.scope);
  if (!layout) throw new TypeError(`an array of ${state.info.spelling} can only be made from literals of a C struct`);
  const size = layout.size;
  const at = arenaPaused ? -1 : arenaAllocate(size * values.length);
  const bytes = at >= 0 ? null : new Uint8Array(Math.max(size * values.length, 1));
  const view = bytes ? new DataView(bytes.buffer) : arena.view;
  const start = bytes ? 0 : at;
  for (let i = 0; i < values.length; i++) {
    try {
      writePod(state, layout, view, start + i * size, values[i]);
    } catch (e) {
      if (e instanceof Error) e.message = `element ${i}: ${e.message}`;
      throw e;
    }
  }
  return bytes ?? arena.base + at;
}

// C structs made from literals live in one arena for the duration of their call: allocating an
// ArrayBuffer per argument costs more than the call. Calls nest (callbacks), so the arena is a stack
// that each call resets to where it found it (releasingStructs).
const ARENA_SIZE = 64 * 1024;
const arena = { buffer: null as ArrayBuffer | null, view: null as unknown as DataView, bytes: null as unknown as Uint8Array, base: 0, top: 0 };

/** Offset of `size` zeroed bytes (16-aligned) in the arena, or -1 when it is full. */
function arenaAllocate(size: number): number {
  if (!arena.buffer) {
    arena.buffer = new ArrayBuffer(ARENA_SIZE);
    arena.view = new DataView(arena.buffer);
    arena.bytes = new Uint8Array(arena.buffer);
    arena.base = native().memory.data_address(arena.buffer) as number;
  }
  const at = (arena.top + 15) & ~15;
  if (at + size > ARENA_SIZE) return -1;
  arena.top = at + size;
  arena.bytes.fill(0, at, at + size);
  return at;
}

// fn.async: the call outlives the conversion, so its literals get bytes of their own (kept alive by
// the caller with the converted arguments) and its temporaries are handed over, not released here.
let arenaPaused = false;

export function convertingForLater<T>(convert: () => T): { value: T; made: CppObject[] } {
  const mark = temporaries.length;
  const paused = arenaPaused;
  arenaPaused = true;
  try {
    const value = convert();
    return { value, made: temporaries.splice(mark) };
  } catch (e) {
    for (const tmp of temporaries.splice(mark)) if (tmp[OWNED]) (tmp as unknown as { delete(): void }).delete();
    throw e;
  } finally {
    arenaPaused = paused;
  }
}

/** Releases the temporaries a call's argument conversion made, however the call ends. */
export function releasingStructs(invoke: NativeFunction): NativeFunction {
  return (...args: unknown[]) => {
    const mark = temporaries.length;
    const top = arena.top;
    try {
      return invoke(...args);
    } finally {
      arena.top = top;
      while (temporaries.length > mark) {
        const tmp = temporaries.pop() as unknown as { delete(): void } & CppObject;
        if (tmp[OWNED]) tmp.delete();
      }
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
    case 'bool':
      // A live view whose elements are booleans (as cppyy has them), not a Uint8Array of 0/1.
      return {
        read: (a, owner) => {
          const view = new CppArray(a, t.pointee, length);
          if (owner) Object.defineProperty(view, Symbol.for('cppjit.viewOwner'), { value: owner });
          return view;
        },
        write: (a, v) => {
          const values = checkLength(v);
          const bools = Array.from({ length }, (_, i) => {
            const b = values[i];
            if (typeof b !== 'boolean' && b !== 0 && b !== 1) throw new TypeError(`element ${i}: expected a boolean, got ${typeof b}`);
            return Boolean(b);
          });
          bools.forEach((b, i) => mem.poke_bool(a + i * size, b));
        },
      };
    case 'int': case 'enum': case 'float': {
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
      // const char* elements are strings, as const char* values everywhere (null for a null pointer).
      if (/^const char ?\*$/.test(t.pointee)) {
        return {
          read: (a) => Array.from({ length }, (_, i) => mem.peek_cstring(a + i * size)),
          unsupported: `assigning the elements of ${t.display} is not supported (the pointers would not own their text)`,
        };
      }
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
