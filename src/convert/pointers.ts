// src/convert/pointers.ts — pointer objects for C++ pointers that are not class instances (void*, int*, opaque T*), and what JS may pass for them.
import { inspect } from 'node:util';
import { native } from '../native';
import { POINTER_TAG } from './kinds';
import { ADDRESS, CLASS_STATE, INSPECT, OFFSETS } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import type { TypeInfo } from '../types';

/** How a value of some C++ type is read and written in memory (fields.ts makes them for every type). */
export interface MemoryAccess {
  read(address: number, owner: unknown): unknown;
  write?(address: number, value: unknown): void;
  unsupported?: string;
}

/** Reads and writes one element of a pointee type (set by fields.ts, which knows every type). */
export interface ElementAccess {
  size: number;
  read(address: number): unknown;
  write?(address: number, value: unknown): void;
}

let elementAccessFor: (pointee: string) => ElementAccess | string = () => 'no element access';
export function setElementAccess(fn: (pointee: string) => ElementAccess | string): void {
  elementAccessFor = fn;
}

const INDEX = /^(?:0|[1-9]\d*)$/;

// p[i] reads and writes the i-th element (no bounds: a C pointer has none), as C's *(p + i); an
// ll.array has its length as bound (undefined / RangeError past it, as for a std::vector).
const indexing: ProxyHandler<CppPointer> = {
  get(target, key, receiver) {
    if (typeof key === 'string' && INDEX.test(key)) {
      if (target.length !== undefined && Number(key) >= target.length) return undefined;
      const access = target.elements();
      return access.read(Number(target.address) + Number(key) * access.size);
    }
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    if (typeof key === 'string' && INDEX.test(key)) {
      if (target.length !== undefined && Number(key) >= target.length) throw new RangeError(`index ${key} is out of range for ${target.type}[${target.length}]`);
      const access = target.elements();
      if (!access.write) throw new TypeError(`elements of ${target.type}* cannot be assigned`);
      access.write(Number(target.address) + Number(key) * access.size, value);
      return true;
    }
    return Reflect.set(target, key, value, receiver);
  },
};

let pointerClassKnown = false;

export class CppPointer {
  readonly [POINTER_TAG] = true;
  /** The address as a bigint (0n for a null pointer). */
  readonly address: bigint;
  /** The pointee's C++ spelling. */
  readonly type: string;
  /** Element count of an ll.array view (undefined for a plain C pointer, which has no bound). */
  declare readonly length?: number;
  private access?: ElementAccess;
  constructor(address: number | bigint, type: string, length?: number) {
    if (!pointerClassKnown) {
      pointerClassKnown = true;
      native().objects.pointerClass(CppPointer);
    }
    this.address = BigInt(address);
    this.type = type;
    if (length !== undefined) Object.defineProperty(this, 'length', { value: length, enumerable: true });
    return new Proxy(this, indexing);
  }
  get isNull(): boolean {
    return this.address === 0n;
  }
  /** How elements of the pointee type are read (resolved on the first p[i]). */
  elements(): ElementAccess {
    if (!this.access) {
      const a = elementAccessFor(this.type);
      if (typeof a === 'string') throw new TypeError(`cannot index a ${this.type}*: ${a}`);
      this.access = a;
    }
    return this.access;
  }
  [INSPECT](): string {
    if (this.length !== undefined) return `<${this.type}[${this.length}] 0x${this.address.toString(16)}>`;
    return `<${this.type}* 0x${this.address.toString(16)}>`;
  }
  /**
   * A pointer to characters (char, signed/unsigned char: libxml2's xmlChar) reads as the
   * NUL-terminated UTF-8 text it points at: String(p), `${p}`, p == 'text'. Others show their address.
   */
  toString(): string {
    if (!CHARACTER.test(this.type)) return `0x${this.address.toString(16)}`;
    return native().memory.cstring(exactAddress(this.address), this.length) as string;
  }
  [Symbol.toPrimitive](hint: string): string | number {
    return hint === 'number' ? Number(this.address) : this.toString();
  }
}

/** Pointee spellings whose pointers are C strings. */
const CHARACTER = /^(?:const )?(?:(?:un)?signed )?char$|^(?:const )?(?:xmlChar|char8_t|u?int8_t|std::u?int8_t|guchar|gchar)$/;

/** `length` elements at a pointer (ll.array): indexable within bounds, iterable, and still a pointer wherever C++ takes `T*`. */
export class CppArray extends CppPointer {
  declare readonly length: number;
  constructor(address: number | bigint, type: string, length: number) {
    super(address, type, length);
  }
  *[Symbol.iterator](): Generator<unknown> {
    for (let i = 0; i < this.length; i++) yield (this as unknown as Record<number, unknown>)[i];
  }
}

export function elementAccessOf(pointee: string): ElementAccess | string {
  return elementAccessFor(pointee);
}

export function makePointer(address: number | bigint, pointee: string): CppPointer | null {
  return address ? new CppPointer(address, pointee) : null;
}

/** A `{ value }` box in memory of its own, for C++ taking `T&` or `T*` (out parameters): `ll.ref('int', 0)`. */
export class CppRef {
  readonly [POINTER_TAG] = true;
  /** The zeroed bytes (what a call receives: the thunk takes a TypedArray's data pointer). */
  readonly storage: Uint8Array;
  readonly address: bigint;
  constructor(readonly type: string, readonly typeInfo: TypeInfo, private readonly access: ElementAccess, initial: unknown) {
    this.storage = new Uint8Array(Math.max(access.size, 1));
    this.address = BigInt(native().memory.data_address(this.storage) as number);
    if (initial !== undefined && initial !== null) this.value = initial;
  }
  get value(): unknown {
    return this.access.read(Number(this.address));
  }
  set value(v: unknown) {
    if (!this.access.write) throw new TypeError(`a ${this.type} box cannot be assigned`);
    this.access.write(Number(this.address), v);
  }
  [INSPECT](): string {
    return `ref<${this.type}>(${inspect(this.value)})`;
  }
}

/**
 * A C++ `T&` of an arithmetic T (or a `T*&`) handed to JS, as a callback's or an override's
 * parameter: `.value` reads and writes the C++ variable itself, and it passes on wherever a `T&`
 * or `T*` is taken. Valid while the call that received it runs.
 */
export class CppRefView {
  readonly [POINTER_TAG] = true;
  readonly address: bigint;
  constructor(address: number, readonly type: string, private readonly access: ElementAccess) {
    this.address = BigInt(address);
  }
  get value(): unknown {
    return this.access.read(Number(this.address));
  }
  set value(v: unknown) {
    if (!this.access.write) throw new TypeError(`a ${this.type}& cannot be assigned`);
    this.access.write(Number(this.address), v);
  }
  [INSPECT](): string {
    return `ref<${this.type}>(${inspect(this.value)})`;
  }
}

/** The converter giving JS a `T&` parameter of C++ code calling it (see CppRefView). */
export function referenceView(t: TypeInfo): (address: unknown) => CppRefView {
  let access: ElementAccess | undefined;
  return (address) => {
    if (!access) {
      const a = elementAccessFor(t.pointee);
      if (typeof a === 'string') throw new TypeError(`cannot pass ${t.display} to JS: ${a}`);
      access = a;
    }
    return new CppRefView(address as number, t.pointee, access);
  };
}

const TYPED: Record<string, string[]> = {
  i8: ['Int8Array', 'Uint8Array', 'Uint8ClampedArray'],
  u8: ['Uint8Array', 'Uint8ClampedArray', 'Int8Array'],
  i16: ['Int16Array'],
  u16: ['Uint16Array'],
  i32: ['Int32Array'],
  u32: ['Uint32Array'],
  i64: ['BigInt64Array'],
  u64: ['BigUint64Array'],
  f32: ['Float32Array'],
  f64: ['Float64Array'],
};

/** The TypedArray class names whose elements are exactly a `T` (C's char types accept any byte array). */
export function typedArrayNames(kind: string, bits: number, signed: boolean): string[] {
  switch (kind) {
    case 'char': return TYPED.i8;
    case 'bool': return ['Uint8Array'];
    case 'int': case 'enum': return TYPED[`${signed ? 'i' : 'u'}${bits}`] ?? [];
    case 'float': return bits === 32 ? TYPED.f32 : bits === 64 ? TYPED.f64 : [];
    default: return [];
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

function sameType(a: string, b: string): boolean {
  return a.replace(/\s+/g, '') === b.replace(/\s+/g, '');
}

/** Bytes as a Uint8Array over the same memory (the thunk takes any TypedArray's data pointer). */
function bytesOf(view: ArrayBufferView | ArrayBuffer): ArrayBufferView {
  if (view instanceof ArrayBuffer) return new Uint8Array(view);
  if (view instanceof DataView) return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return view;
}

type Converter = (value: unknown) => unknown;

/**
 * Converter for a non-class pointer parameter `t` (`T*`, `void*`, `char*`, `T**`, opaque `T*`):
 * pointer objects and ll.ref boxes of the pointee type, TypedArrays of exactly the element type
 * (in place), strings for `char*` (a temporary NUL-terminated copy), anything pointer-like for
 * `void*`; a TypeError naming what was expected otherwise. Memory the call points into is passed
 * as a TypedArray (the thunk takes its data pointer), so the argument list keeps it alive.
 */
export function pointerConverter(t: TypeInfo): Converter {
  const isVoid = t.pointeeKind === 'void';
  const names = typedArrayNames(t.pointeeKind, t.pointeeBits, t.pointeeSigned);
  const accepted = new Set(names.map((n) => (globalThis as unknown as Record<string, Function>)[n]));
  if (names.includes('Uint8Array')) accepted.add(Buffer);
  const declared = t.arrayLength ?? 0;
  if (declared) {
    // A parameter declared as T[N]: C reads N elements, so fewer is refused.
    return (value) => {
      const v = value === null || value === undefined ? 0 : accepted.has((value as object).constructor) && ArrayBuffer.isView(value) ? value : slowPointer(value, t, isVoid, names);
      const length = ArrayBuffer.isView(v) && t.pointeeBits ? Math.floor(v.byteLength / (t.pointeeBits / 8)) : undefined;
      if (length !== undefined && length < declared) throw new RangeError(`expected ${declared} elements (${t.pointee}[${declared}]), got ${length}`);
      return v;
    };
  }
  return (value) => {
    // 0 is C++'s null pointer constant; no other number is an address here (only ll APIs make those).
    if (value === null || value === undefined || value === 0) return 0;
    if (accepted.has((value as object).constructor) && ArrayBuffer.isView(value)) return value;
    return slowPointer(value, t, isVoid, names);
  };
}

function slowPointer(value: unknown, t: TypeInfo, isVoid: boolean, names: string[]): unknown {
  if (value instanceof CppPointer) {
    if (isVoid || value.type === 'void' || sameType(value.type, t.pointee)) return exactAddress(value.address);
    throw new TypeError(`expected ${t.display}, got a ${value.type}* pointer (use cppyy.ll.cast to convert)`);
  }
  const voidSlot = VOID_POINTER.test(t.pointee);
  if (value instanceof CppRef) {
    // void** takes a box of any pointer (cppyy's rule; C would need a cast).
    if (isVoid || sameType(value.typeInfo.spelling, t.pointee) || (voidSlot && value.typeInfo.kind !== 'arithref' && /\*$/.test(value.type))) return value.storage;
    throw new TypeError(`expected ${t.display}, got a ref of ${value.type}`);
  }
  if (voidSlot && typeof value === 'object' && value !== null && (value as CppObject)[CLASS_STATE]) {
    // An object for void**: a pointer holding its address, as cppyy passes the proxy's own pointer.
    return new BigUint64Array([BigInt(instanceAddress(value as CppObject))]);
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    if (isVoid) return bytesOf(value);
    if (value instanceof ArrayBuffer || value instanceof DataView) {
      throw new TypeError(`expected ${t.display}, got ${typeName(value)} (only void* takes untyped bytes)`);
    }
    const want = names.length ? names.join(' or ') : 'a pointer object';
    throw new TypeError(`expected ${t.display} (${want}), got ${typeName(value)}`);
  }
  if (Array.isArray(value)) {
    // A JS array for `const T*`: a temporary C array of T (C's view of it would be lost for a non-const T*).
    const Typed = (globalThis as unknown as Record<string, new (n: number) => { [i: number]: unknown }>)[names[0] ?? ''];
    if (!t.isConst || !Typed) throw new TypeError(`expected ${t.display} (a TypedArray${t.isConst ? '' : ', in place'}), got Array`);
    const copy = new Typed(value.length);
    const bigint = t.pointeeBits === 64 && t.pointeeKind === 'int';
    value.forEach((v, i) => {
      const ok = bigint ? typeof v === 'bigint' || Number.isInteger(v) : typeof v === 'number' && (t.pointeeKind === 'float' || Number.isInteger(v));
      if (!ok) throw new TypeError(`element ${i}: expected ${bigint || t.pointeeKind !== 'float' ? 'an integer' : 'a number'}, got ${typeof v}`);
      copy[i] = bigint ? BigInt(v) : v;
      if (!bigint && copy[i] !== v) throw new RangeError(`element ${i}: ${v} is out of range for ${t.pointee}`);
    });
    return copy;
  }
  if (typeof value === 'string' && isBytePointee(t)) {
    // A writable copy: C may modify it; the change is not seen by the (immutable) JS string.
    return Buffer.from(`${value}\0`, 'utf8');
  }
  if (typeof value === 'bigint') return exactAddress(value);
  if (typeof value === 'object' && (value as CppObject)[CLASS_STATE]) {
    if (!isVoid) throw new TypeError(`expected ${t.display}, got ${((value as CppObject)[CLASS_STATE] as ClassState).info.spelling}`);
    return instanceAddress(value as CppObject);
  }
  throw new TypeError(`expected ${t.display} (a pointer, ${isBytePointee(t) ? 'a string, ' : ''}a TypedArray or null), got ${typeName(value)}`);
}

const VOID_POINTER = /^(?:const )?void ?\*(?: ?const)?$/;

/** Whether a pointer's elements are bytes a JS string converts to (UTF-8): char, signed/unsigned char. */
export function isBytePointee(t: TypeInfo): boolean {
  return t.pointeeKind === 'char' || (t.pointeeKind === 'int' && t.pointeeBits === 8);
}

/** Converter for a `T&` of an arithmetic T: an ll.ref box of T, or a TypedArray of T (its first element). */
export function referenceConverter(t: TypeInfo): Converter {
  const names = typedArrayNames(t.pointeeKind, t.pointeeBits, t.pointeeSigned);
  return (value) => {
    if (value instanceof CppRef) {
      if (sameType(value.typeInfo.spelling, t.pointee) || sameType(value.typeInfo.value, t.pointee)) return value.storage;
      throw new TypeError(`expected ${t.display}, got a ref of ${value.type}`);
    }
    if (value instanceof CppRefView) {
      if (sameType(value.type, t.pointee)) return exactAddress(value.address);
      throw new TypeError(`expected ${t.display}, got a ${value.type}&`);
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (!names.includes(typeName(value))) throw new TypeError(`expected ${t.display}, got ${typeName(value)}`);
      if (!value.byteLength) throw new RangeError(`expected ${t.display}, got an empty ${typeName(value)}`);
      return value;
    }
    throw new TypeError(`expected ${t.display} (cppyy.ll.ref('${t.pointee}', value)), got ${typeName(value)}`);
  };
}

/**
 * A bigint address as a number, except above 2^53 (sentinels like `(void*)-1`, never a real
 * address): those stay bigints, which the thunks read exactly.
 */
export function exactAddress(address: bigint): number {
  if (address < 0n || address > 0xffffffffffffffffn) throw new RangeError(`${address} is not an address (0 to 2**64 - 1)`);
  return address <= 9007199254740991n ? Number(address) : (address as unknown as number);
}

/** Address for a pointer parameter: pointer objects, instances, bigint/number addresses, null. */
export function pointerAddress(value: unknown, expected: string): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof CppPointer || value instanceof CppRef || value instanceof CppRefView) return exactAddress(value.address);
  if (typeof value === 'bigint') return exactAddress(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'object' && (value as CppObject)[CLASS_STATE]) return instanceAddress(value as CppObject);
  throw new TypeError(`expected ${expected} (a pointer, an instance or null), got ${typeof value}`);
}

/** The address of an instance (its most-derived JS class's subobject); a deleted one throws, never a null pointer. */
function instanceAddress(obj: CppObject): number {
  const state = obj[CLASS_STATE] as ClassState;
  const address = obj[ADDRESS] as number;
  if (!address) throw new Error(`cppjit: ${state.info.spelling} object was deleted`);
  return address + ((obj[OFFSETS] as Record<number, number>)[state.id] ?? 0);
}
