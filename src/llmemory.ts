// src/llmemory.ts — the raw-memory half of cppyy.ll: boxes for out parameters, malloc/free, casts, C strings, views, signals.
import { fastCalls, native } from './native';

/** The fast-call gate's share held while signals are guarded (callback targets count below it). */
const SIGNALS_GATE = 1 << 30;
import { CppArray, CppPointer, CppRef, elementAccessOf, pointerAddress, typedArrayNames } from './convert/pointers';
import { ADDRESS, CLASS_STATE, CPP_NAME, OFFSETS } from './objects/symbols';
import type { ClassState, CppObject } from './objects/registry';
import { liveView } from './convert/structs';
import { classFor, wrapBorrowed } from './objects/registry';
import type { FieldInfo, TypeInfo } from './types';
import { CppSignalError } from './errors';

const parsed = new Map<string, TypeInfo>();
function parse(type: string): TypeInfo {
  let t = parsed.get(type);
  if (!t) {
    t = native().parseType(type);
    parsed.set(type, t);
  }
  return t;
}

function spellingOf(type: unknown): string {
  if (typeof type === 'string') return type;
  const name = (type as Record<symbol, unknown> | null)?.[CPP_NAME];
  if (typeof name === 'string') return name;
  if (typeof type === 'function' && (type as unknown as Record<symbol, unknown>)[CLASS_STATE]) return String(type);
  throw new TypeError('expected a C++ type spelling or a cppjit class');
}

function addressOf(value: unknown): number {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return native().memory.data_address(value) as number;
  return pointerAddress(value, 'a pointer');
}

/** The live bytes/elements of a C array field (`char name[16]` included, which reads as a string otherwise). */
function fieldView(obj: unknown, name: string): ArrayBufferView {
  const state = (obj as CppObject | null)?.[CLASS_STATE] as ClassState | undefined;
  if (!state) throw new TypeError('asTypedArray(obj, field) expects a cppjit object');
  const find = (s: ClassState): [ClassState, FieldInfo] | undefined => {
    const f = s.info.fields.find((x) => x.name === name);
    if (f) return [s, f];
    for (const base of s.bases) {
      const found = find(base);
      if (found) return found;
    }
    return undefined;
  };
  const found = find(state);
  if (!found || found[1].type.kind !== 'array') throw new TypeError(`${state.info.spelling} has no C array field '${name}'`);
  const [owner, field] = found;
  const base = Number(llAddress(obj)) + (state.offsets[owner.id] ?? 0);
  const view = liveView(field.type, base + field.offset, obj);
  if (!view) throw new TypeError(`${state.info.spelling}::${name}: elements of ${field.type.pointee} have no TypedArray`);
  return view;
}

function llAddress(obj: unknown): number {
  const o = obj as CppObject;
  const address = o[ADDRESS] as number;
  if (!address) throw new Error('cppjit: the object was deleted');
  const state = o[CLASS_STATE] as ClassState;
  return address + ((o[OFFSETS] as Record<number, number>)[state.id] ?? 0);
}

// The blocks ll.malloc handed out (by address), and those ll.free released since (a second free is
// refused until the C heap hands the address out again).
interface Block {
  bytes: number;
  views: WeakRef<ArrayBuffer>[];
}
const blocks = new Map<number, Block>();
const freed = new Set<number>();

function blockAt(address: number, bytes: number): Block | undefined {
  for (const [start, block] of blocks) if (address >= start && address + bytes <= start + block.bytes) return block;
  return undefined;
}

export const llMemory = {
  /**
   * A `{ value }` box of C++ type `type` in memory of its own, passed where C++ takes `T&` or `T*`
   * (out parameters): `ll.ref('int', 0)`, `ll.ref('sqlite3*', null)` for a `sqlite3**`.
   */
  ref(type: unknown, initial?: unknown): CppRef {
    // ll.ref(obj): a `T*` box holding the object, for C++ taking `T*&` or `T**`.
    if (type !== null && typeof type === 'object' && (type as CppObject)[CLASS_STATE] && initial === undefined) {
      const state = (type as CppObject)[CLASS_STATE] as ClassState;
      return llMemory.ref(`${state.info.spelling}*`, type);
    }
    if (typeof type !== 'string') throw new TypeError('ref expects a C++ type spelling (and an initial value) or a cppjit object');
    const t = parse(type);
    const access = elementAccessOf(t.spelling);
    if (typeof access === 'string') throw new TypeError(`cannot make a ref of ${type}: ${access}`);
    return new CppRef(t.display, t, access, initial);
  },
  /**
   * `count` zeroed elements of `type` from the C heap (calloc): a pointer object with `count` as its
   * bound (`p[i]` past it is undefined / a RangeError), released with `free`.
   */
  malloc(type: string, count = 1): CppPointer {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`malloc: count must be a non-negative integer, got ${count}`);
    const t = parse(type);
    const size = native().sizeOf(t.spelling);
    const address = native().memory.malloc(size * count) as number;
    blocks.set(address, { bytes: size * count, views: [] });
    freed.delete(address);
    return new CppArray(address, t.spelling, count);
  },
  /**
   * `length` elements of the pointee at a pointer, as a pointer object with bounds: `p[i]` (an
   * instance for a class type, live), iteration, `.length`; accepted wherever C++ takes `T*`.
   * `p` is a pointer object, or an instance (a `T*` C++ returned points at its first element).
   */
  array(p: unknown, length: number): CppArray {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`array: length must be a non-negative integer, got ${length}`);
    if (p instanceof CppPointer) {
      if (p.isNull) throw new TypeError('array: null pointer');
      return new CppArray(p.address, p.type, length);
    }
    if (p !== null && typeof p === 'object' && (p as CppObject)[CLASS_STATE]) {
      return new CppArray(BigInt(llAddress(p)), ((p as CppObject)[CLASS_STATE] as ClassState).info.spelling, length);
    }
    throw new TypeError('array expects a pointer object or a cppjit object (what a T* result became)');
  },
  /**
   * Releases memory from `malloc` (or any C `malloc`ed pointer). Freeing an `ll.malloc` block twice
   * is an Error, and the TypedArrays `asTypedArray` made over it lose their access (length 0).
   */
  free(p: unknown): void {
    if (p === null || p === undefined) return;
    const address = pointerAddress(p, 'a pointer');
    if (freed.has(address)) throw new Error(`cppjit: ll.free: the memory at 0x${address.toString(16)} was already freed`);
    const block = blocks.get(address);
    if (block) {
      for (const ref of block.views) {
        const buffer = ref.deref();
        if (buffer) native().memory.detach(buffer);
      }
      blocks.delete(address);
      freed.add(address);
    }
    native().memory.free(address);
  },
  /**
   * The same address seen as another type: `'int*'` gives a pointer object, `'Base*'` or a class a
   * borrowed instance (C++'s reinterpret_cast: the caller vouches for the type).
   */
  cast(value: unknown, type: unknown): unknown {
    const address = addressOf(value);
    const spelling = spellingOf(type);
    const t = parse(spelling);
    if ((t.kind === 'objectptr' || t.kind === 'object') && t.record !== null) return wrapBorrowed(classFor(t.record), address);
    if (t.kind === 'pointer' || t.kind === 'cstring') return address ? new CppPointer(address, t.pointee) : null;
    throw new TypeError(`cannot cast to ${spelling}: expected a pointer type or a class`);
  },
  /** UTF-8 text at a char pointer: up to the NUL, or exactly `length` bytes. Null for a null pointer. */
  cstring(p: unknown, length?: number): string | null {
    const address = addressOf(p);
    if (length !== undefined && (!Number.isSafeInteger(length) || length < 0)) throw new RangeError(`cstring: bad length ${length}`);
    return native().memory.cstring(address, length) as string | null;
  },
  /**
   * A zero-copy TypedArray over `length` elements at an arithmetic pointer (or an ll.ref box), or
   * over the elements of a contiguous container (`data()` + `size()`, e.g. std::vector<double>).
   */
  asTypedArray(p: unknown, length?: number | string): ArrayBufferView {
    if (typeof length === 'string') return fieldView(p, length);
    let pointer = p;
    let count = length;
    if (p !== null && typeof p === 'object' && (p as CppObject)[CLASS_STATE]) {
      const c = p as { data?: () => unknown; size?: () => number };
      if (typeof c.data !== 'function' || typeof c.size !== 'function') throw new TypeError('asTypedArray: the object has no data() and size()');
      pointer = c.data();
      count ??= Number(c.size());
    }
    if (!(pointer instanceof CppPointer) && !(pointer instanceof CppRef)) throw new TypeError('asTypedArray expects a pointer object, an ll.ref box or a container');
    const type = pointer instanceof CppRef ? pointer.typeInfo.spelling : pointer.type;
    const t = parse(type);
    const kind = t.kind === 'char' ? 'int' : t.kind;
    const name = typedArrayNames(kind, t.bits, t.kind === 'char' ? true : t.signed)[0];
    if (!name) throw new TypeError(`asTypedArray: ${type} has no TypedArray`);
    count ??= pointer instanceof CppRef ? 1 : undefined;
    if (count === undefined || !Number.isSafeInteger(count) || count < 0) throw new RangeError('asTypedArray: a length is required for a pointer');
    const Typed = (globalThis as unknown as Record<string, new (b: ArrayBuffer) => ArrayBufferView>)[name];
    const bytes = count * (t.bits / 8);
    const buffer = native().memory.view(pointer.address, bytes) as ArrayBuffer;
    const view = new Typed(buffer);
    // A view into an ll.malloc block loses its access when the block is freed.
    const within = blockAt(Number(pointer.address), bytes);
    if (within) within.views.push(new WeakRef(buffer));
    // The view keeps what owns the memory (a box, a container) alive.
    Object.defineProperty(view, Symbol.for('cppjit.viewOwner'), { value: p });
    return view;
  },
  /**
   * Turns SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT raised inside a C++ call into a JS CppSignalError
   * (the process keeps running; the abandoned call's C++ destructors do not run). Off by default.
   * Returns the previous setting.
   */
  signalsAsExceptions(on = true): boolean {
    const was = (native() as unknown as { signalsAsExceptions(on: boolean, cls: Function): boolean }).signalsAsExceptions(Boolean(on), CppSignalError);
    // A fast call sets no jump point: while signals are guarded, every call takes the guarded thunk.
    const fast = fastCalls();
    if (fast && was !== Boolean(on)) Atomics.add(fast.gate, 0, on ? SIGNALS_GATE : -SIGNALS_GATE);
    return was;
  },
};
