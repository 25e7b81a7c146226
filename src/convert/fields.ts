// src/convert/fields.ts — live reads/writes of C++ memory by type: data members and global/static variables.
import { native } from '../native';
import type { FieldInfo, NativeFunction, TypeInfo } from '../types';
import { ADDRESS, CLASS_STATE, OFFSETS } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, wrap, wrapBorrowed } from '../objects/registry';
import { isInstance, objectAddress } from './objects';
import { CppPointer, makePointer, pointerAddress, setElementAccess } from './pointers';
import type { ElementAccess, MemoryAccess } from './pointers';
import { arrayAccess, assignStruct, structPointer } from './structs';
import { Rvalue } from './rvalues';
import { functionFromPointer, functionPointerAddress } from './callbacks';
import { defineHelpers } from './helpers';
import { objectFromValue } from './temporaries';
import { fastPeek } from './fastcalls';

export type { MemoryAccess };

function integerSuffix(bits: number, signed: boolean): string | null {
  if (![8, 16, 32, 64].includes(bits)) return null;
  return `${signed ? 'i' : 'u'}${bits}`;
}

// A class-typed field assigned a whole object: the class's own operator= (copy, or move from
// std.move(x)), through a helper per class compiled on first use.
const assignments = new Map<ClassState, { copy: NativeFunction; move: NativeFunction }>();
let assignmentCounter = 0;

function assigners(state: ClassState): { copy: NativeFunction; move: NativeFunction } {
  let found = assignments.get(state);
  if (!found) {
    const T = state.info.spelling;
    const n = ++assignmentCounter;
    const [copy, move] = defineHelpers(
      `inline void assign_${n}(${T}& to, const ${T}& from) { to = from; }\n` +
        `inline void move_assign_${n}(${T}& to, ${T}& from) { to = static_cast<${T}&&>(from); }\n`,
      [`assign_${n}`, `move_assign_${n}`]);
    assignments.set(state, (found = { copy, move }));
  }
  return found;
}

/** `obj.field = 'text'` for a class a converting constructor makes from it (std::wstring): assigns a temporary. */
function fromPrimitive(state: ClassState, address: number, v: unknown): boolean {
  if (typeof v === 'object' || typeof v === 'function' || v === undefined) return false;
  const tmp = objectFromValue(state, v);
  if (!tmp) return false;
  try {
    assigners(state).copy(wrap(state, address, false), tmp);
  } finally {
    (tmp as unknown as { delete(): void }).delete();
  }
  return true;
}

/** How to read and write a value of type `t` stored at an address. */
export function memoryAccess(t: TypeInfo): MemoryAccess {
  const mem = native().memory;
  const numeric = (suffix: string): MemoryAccess => {
    // A V8 fast call where the runtime has them (a C load from optimised code).
    const peek = (fastPeek(suffix, mem[`peek_${suffix}`]) ?? mem[`peek_${suffix}`]) as (a: number) => unknown;
    const poke = mem[`poke_${suffix}`];
    return { read: (a) => peek(a), write: (a, v) => poke(a, v) };
  };
  switch (t.kind) {
    case 'bool':
      return numeric('bool');
    case 'char':
      return numeric('char');
    case 'int':
    case 'enum': {
      const suffix = integerSuffix(t.bits, t.signed);
      if (!suffix) return { read: () => undefined, unsupported: `${t.display} has an unsupported width` };
      const access = numeric(suffix);
      if (t.kind === 'int' && WIDE_CHAR.test(t.spelling)) return wideCharAccess(access, t.display);
      return access;
    }
    case 'float':
      return numeric(t.bits === 32 ? 'f32' : t.bits === 64 ? 'f64' : 'f80');
    case 'string':
      return {
        read: (a) => mem.peek_string(a),
        // A std::string object assigns its text (a copy, as `field = other` does in C++).
        write: (a, v) => mem.poke_string(a, isStdString(v) ? mem.peek_string((v as CppObject)[ADDRESS] as number) : v),
      };
    case 'cstring':
      if (t.pointee !== 'char') {
        const width = t.pointee === 'char16_t' ? 2 : 4;
        return { read: (a) => mem.peek_wide_cstring(a, width), unsupported: `assigning a ${t.display} member is not supported (the pointer would not own its text)` };
      }
      return { read: (a) => mem.peek_cstring(a), unsupported: 'assigning a const char* member is not supported (the pointer would not own its text)' };
    case 'object': {
      const state = classFor(t.record!);
      return {
        // A live view into the enclosing object, keeping it alive.
        read: (a, owner) => wrap(state, a, false, owner),
        // An instance copies through the class's operator= (as `obj.field = value` does in C++),
        // std.move(x) moves; an object literal sets the fields it names (C structs).
        write: (a, v) => {
          if (v instanceof Rvalue && isInstance(v.object, state)) assigners(state).move(wrap(state, a, false), v.object);
          else if (isInstance(v, state)) assigners(state).copy(wrap(state, a, false), v);
          else if (!fromPrimitive(state, a, v)) assignStruct(state, a, v);
        },
      };
    }
    case 'array':
      return arrayAccess(t);
    case 'objectptr': {
      const state = classFor(t.record!);
      return {
        read: (a) => wrapBorrowed(state, mem.peek_ptr(a) as number),
        write: (a, v) => mem.poke_ptr(a, v === null || v === undefined ? 0 : v instanceof CppPointer ? structPointer(v, state) : objectAddress(v, state, t.display)),
      };
    }
    case 'funcptr':
      if (t.signature) {
        return {
          read: (a) => functionFromPointer(mem.peek_ptr(a) as number, t.signature),
          write: (a, v) => mem.poke_ptr(a, functionPointerAddress(v, t)),
        };
      }
      return {
        read: (a) => makePointer(mem.peek_ptr(a) as number, t.pointee),
        write: (a, v) => mem.poke_ptr(a, pointerAddress(v, t.display)),
      };
    case 'pointer':
      return {
        read: (a) => makePointer(mem.peek_ptr(a) as number, t.pointee),
        write: (a, v) => mem.poke_ptr(a, pointerAddress(v, t.display)),
      };
    default:
      return { read: () => undefined, unsupported: `values of type ${t.display} cannot be accessed yet` };
  }
}

function deletedError(state: ClassState): Error {
  return new Error(`cppjit: ${state.info.spelling} object was deleted`);
}

/** Accessor for a data member, installed on the class prototype. */
export function fieldAccessor(state: ClassState, field: FieldInfo): PropertyDescriptor {
  const access = field.isBitField ? bitFieldAccess(field) : memoryAccess(field.type);
  const id = state.id;
  const offset = field.offset;
  const where = `${state.info.spelling}::${field.name}`;
  return {
    get(this: CppObject) {
      const base = this[ADDRESS] as number;
      if (!base) throw deletedError(state);
      return access.read(base + (this[OFFSETS] as Record<number, number>)[id] + offset, this);
    },
    set(this: CppObject, value: unknown) {
      if (field.isConst) throw new TypeError(`${where} is const`);
      if (!access.write) throw new TypeError(`${where}: ${access.unsupported}`);
      const base = this[ADDRESS] as number;
      if (!base) throw deletedError(state);
      try {
        access.write(base + (this[OFFSETS] as Record<number, number>)[id] + offset, value);
      } catch (e) {
        if (e instanceof Error) e.message = `${where}: ${e.message}`;
        throw e;
      }
    },
  };
}

/** A bit-field: reads sign-extend as C does; a value that does not fit its width is a RangeError. */
function bitFieldAccess(field: FieldInfo): MemoryAccess {
  const mem = native().memory;
  const { bitOffset = 0, bitWidth = 0 } = field;
  const t = field.type;
  const signed = t.kind !== 'bool' && t.signed;
  if (t.kind === 'bool') {
    return {
      read: (a) => mem.peek_bits(a, bitOffset, bitWidth, false) !== 0,
      write: (a, v) => {
        if (typeof v !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof v}`);
        mem.poke_bits(a, bitOffset, bitWidth, false, v ? 1 : 0);
      },
    };
  }
  return {
    read: (a) => mem.peek_bits(a, bitOffset, bitWidth, signed),
    write: (a, v) => mem.poke_bits(a, bitOffset, bitWidth, signed, v),
  };
}

const elementCache = new Map<string, ElementAccess | string>();

// What p[i] and ll.ref need for a pointee spelling: Clang parses it once, then reads are direct.
setElementAccess((pointee: string) => {
  let found = elementCache.get(pointee);
  if (found === undefined) {
    try {
      const t = native().parseType(pointee);
      const size = t.kind === 'void' ? 0 : native().sizeOf(pointee);
      const access = memoryAccess(t);
      found = !size ? `${pointee} has no size (void or incomplete)` : access.unsupported && !access.write && t.kind !== 'object' && t.kind !== 'cstring'
        ? access.unsupported
        : { size, read: (a: number) => access.read(a, undefined), write: access.write };
    } catch (e) {
      found = (e as Error).message.split('\n')[0];
    }
    elementCache.set(pointee, found);
  }
  return found;
});

/** Whether `v` is a live std::string object (std::basic_string<char>, any allocator spelling). */
function isStdString(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || !(v as CppObject)[ADDRESS]) return false;
  const state = (v as CppObject)[CLASS_STATE] as ClassState | undefined;
  return state !== undefined && /^std::(?:__cxx11::)?(?:string$|basic_string<char\b)/.test(state.info.spelling);
}

const WIDE_CHAR = /^(?:const )?(?:wchar_t|char16_t|char32_t)$/;

/** wchar_t, char16_t, char32_t in memory: 1-character strings (code points), as for calls; a number is taken too. */
function wideCharAccess(access: MemoryAccess, display: string): MemoryAccess {
  return {
    read: (a, owner) => {
      const v = access.read(a, owner) as number;
      return v >= 0 && v <= 0x10ffff ? String.fromCodePoint(v) : v;
    },
    write: access.write && ((a, v) => {
      if (typeof v === 'string') {
        const cp = v.codePointAt(0);
        if (cp === undefined || String.fromCodePoint(cp) !== v) throw new RangeError(`expected one character for ${display}`);
        v = cp;
      }
      access.write!(a, v);
    }),
  };
}
