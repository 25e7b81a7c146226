// src/convert/kinds.ts — classifies JS arguments into kind codes and scores them against C++ parameters (cppyy-like priorities).
import type { ClassInfo, ParamInfo, TypeInfo } from '../types';
import { CLASS_ID } from '../objects/symbols';

// Kind codes of JS values. Instances of C++ classes use FIRST_CLASS + class id.
export const K_UNDEFINED = 0;
export const K_NULL = 1;
export const K_BOOL = 2;
export const K_INT32 = 3; // an integral number within int32
export const K_INT = 4; // an integral number outside int32 (still a safe integer)
export const K_FLOAT = 5; // a non-integral (or unsafe) number
export const K_STRING = 6;
export const K_CHAR = 7; // a 1-character string
export const K_BIGINT = 8;
export const K_FUNCTION = 9;
export const K_OBJECT = 10; // any other object
export const K_POINTER = 11; // an ll pointer object
export const K_ARRAY = 12; // a JS array or TypedArray of anything else
export const K_ARRAY_INT = 13; // every element an int32 (or an integer TypedArray)
export const K_ARRAY_NUMBER = 14; // every element a number (or a float TypedArray)
export const K_ARRAY_STRING = 15; // every element a string
export const K_UNUSABLE = 16; // an object that throws when looked at (a revoked Proxy): matches nothing
export const FIRST_CLASS = 17;
/**
 * Added to a class's kind for std.move(obj) (an xvalue). Kinds share 16 bits in the resolution
 * cache key, so class ids stay below RVALUE_KIND - FIRST_CLASS.
 */
export const RVALUE_KIND = 0x8000;

/** The class id of an instance kind (moved or not). */
export function classOfKind(kind: number): number {
  return (kind >= RVALUE_KIND ? kind - RVALUE_KIND : kind) - FIRST_CLASS;
}

export const IMPOSSIBLE = -1;

// Whether a plain JS object (or an array of them, for `const T*`) can stand for a struct parameter;
// supplied by convert/structs.ts, which knows classes.
let literalCheck: (t: TypeInfo) => boolean = () => false;
export function setLiteralCheck(fn: (t: TypeInfo) => boolean): void {
  literalCheck = fn;
}

// How well a JS number, string, boolean or bigint converts to a class through one of its
// converting constructors (as C++ does for a single user-defined conversion), or IMPOSSIBLE;
// supplied by convert/temporaries.ts.
let valueCheck: (record: number, kind: number) => number = () => IMPOSSIBLE;
export function setValueCheck(fn: (record: number, kind: number) => number): void {
  valueCheck = fn;
}

/** Whether a JS value may be converted to this class parameter (by value, const& or &&) through a constructor. */
export function acceptsValueConversion(t: TypeInfo): boolean {
  return t.record !== null && !t.signature && (takesTemporary(t) || (t.kind === 'objectref' && t.isRvalueRef === true));
}

/** The kinds of the JS values a converting constructor may take: numbers, strings, booleans, bigints. */
export function isValueKind(kind: number): boolean {
  return kind >= K_BOOL && kind <= K_BIGINT;
}

// braceConstructible for a class id, with the class's description cached; supplied by
// convert/temporaries.ts, which knows classes.
let bracedCheck: (record: number) => boolean = () => false;
export function setBracedCheck(fn: (record: number) => boolean): void {
  bracedCheck = fn;
}

// The engaged type of a std::optional<T> parameter (by value or const&), else null; supplied by
// convert/optional.ts.
let optionalCheck: (t: TypeInfo) => TypeInfo | null = () => null;
export function setOptionalCheck(fn: (t: TypeInfo) => TypeInfo | null): void {
  optionalCheck = fn;
}

// The class id a smart pointer class points to (-1 for other classes); supplied by convert/objects.ts.
let pointeeCheck: (classId: number) => number = () => -1;
export function setPointeeCheck(fn: (classId: number) => number): void {
  pointeeCheck = fn;
}

// The class id of std::string once JS made that class: its objects also go to string parameters.
let stringClass = -1;
export function setStringClass(id: number): void {
  stringClass = id;
}

/** Whether `undefined` (or leaving the argument out) can stand for this parameter: an empty std::optional. */
export function acceptsUndefined(t: TypeInfo): boolean {
  return (t.kind === 'object' || t.kind === 'objectref') && t.record !== null && optionalCheck(t) !== null;
}

export function kindOf(value: unknown): number {
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value) return K_INT32;
      return Number.isSafeInteger(value) ? K_INT : K_FLOAT;
    case 'string':
      return value.length === 1 ? K_CHAR : K_STRING;
    case 'boolean':
      return K_BOOL;
    case 'undefined':
      return K_UNDEFINED;
    case 'bigint':
      return K_BIGINT;
    case 'function':
      return K_FUNCTION;
    case 'object': {
      if (value === null) return K_NULL;
      try {
        const id = (value as Record<symbol, number | undefined>)[CLASS_ID];
        if (id !== undefined) return FIRST_CLASS + id;
        if ((value as { [POINTER_TAG]?: true })[POINTER_TAG]) return K_POINTER;
        if (Array.isArray(value)) return arrayKind(value);
        // A DataView is bytes without elements: an object (void* takes it), never an array.
        if (ArrayBuffer.isView(value)) return value instanceof DataView ? K_OBJECT : typedArrayKind(value);
      } catch {
        return K_UNUSABLE; // a revoked Proxy, a throwing getter: no C++ parameter takes it
      }
      return K_OBJECT;
    }
    default:
      return K_OBJECT;
  }
}

export const POINTER_TAG = Symbol.for('cppjit.pointer');

/** A JS array or a TypedArray: what stands for a sequence or a braced initializer (a DataView has no elements). */
export function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Element kinds decide between vector overloads (and what a template deduces), as cppyy does. */
function arrayKind(values: unknown[]): number {
  let ints = true;
  let numbers = true;
  let strings = true;
  for (let i = 0; i < values.length && (numbers || strings); i++) {
    const v = values[i];
    if (typeof v === 'number') {
      strings = false;
      if ((v | 0) !== v) ints = false;
    } else {
      ints = numbers = false;
      if (typeof v !== 'string') strings = false;
    }
  }
  if (!values.length) return K_ARRAY;
  return ints ? K_ARRAY_INT : numbers ? K_ARRAY_NUMBER : strings ? K_ARRAY_STRING : K_ARRAY;
}

function typedArrayKind(view: ArrayBufferView): number {
  if (view instanceof Float64Array || view instanceof Float32Array) return K_ARRAY_NUMBER;
  if (view instanceof BigInt64Array || view instanceof BigUint64Array) return K_ARRAY;
  return K_ARRAY_INT;
}

export function isArrayKind(kind: number): boolean {
  return kind >= K_ARRAY && kind <= K_ARRAY_STRING;
}

export function kindName(kind: number): string {
  switch (kind) {
    case K_UNDEFINED: return 'undefined';
    case K_NULL: return 'null';
    case K_BOOL: return 'boolean';
    case K_INT32: case K_INT: return 'integer';
    case K_FLOAT: return 'number';
    case K_STRING: case K_CHAR: return 'string';
    case K_BIGINT: return 'bigint';
    case K_FUNCTION: return 'function';
    case K_POINTER: return 'pointer';
    case K_OBJECT: return 'object';
    case K_UNUSABLE: return 'an unusable object (a revoked Proxy?)';
    case K_ARRAY: case K_ARRAY_INT: case K_ARRAY_NUMBER: case K_ARRAY_STRING: return 'array';
    default: return kind >= RVALUE_KIND ? 'std.move(C++ object)' : 'C++ object';
  }
}

/** Relationship query supplied by the class layer: depth of `argClass` below `paramRecord`, or -1. */
export type Derivation = (argClassId: number, paramRecord: number) => number;
/** Whether an instance of `argClassId` converts implicitly (converting constructor or operator) to the class at `paramRecord`. */
export type Conversion = (argClassId: number, paramRecord: number, moved: boolean) => boolean;
/** Depth of `argClassId` below T when the class at `paramRecord` is std::unique_ptr<T> (C++ takes the object), or -1. */
export type Adoption = (argClassId: number, paramRecord: number) => number;
/** Depth of `argClassId` below T when the class at `paramRecord` is std::shared_ptr<T> (a copy is shared), or -1; for argClassId -1 (a struct literal), 0 when T is an aggregate. */
export type Sharing = (argClassId: number, paramRecord: number) => number;

/**
 * Cost of passing a value of `kind` to a parameter of type `t` (lower is better), or IMPOSSIBLE.
 * Mirrors cppyy: integral numbers prefer integer parameters (int first), non-integral ones floating
 * point; an exact class beats a base class.
 */
const WIDE_CHAR = /^(?:const )?(?:wchar_t|char16_t|char32_t)$/;

export function score(t: TypeInfo, kind: number, derivation: Derivation, conversion?: Conversion, adoption?: Adoption, sharing?: Sharing): number {
  switch (t.kind) {
    case 'int':
      // wchar_t, char16_t, char32_t are characters: a 1-character string first.
      if (kind === K_CHAR && WIDE_CHAR.test(t.spelling)) return 0;
      if (kind === K_INT32) return t.bits === 32 && t.signed ? 0 : t.bits === 64 ? 1 : 2;
      if (kind === K_INT) return t.bits === 64 ? 0 : IMPOSSIBLE;
      if (kind === K_BIGINT) return t.bits === 64 ? 0 : 3;
      return IMPOSSIBLE;
    case 'enum':
      // Enumerators are plain numbers in JS: where an overload takes the enum and another a wider
      // integer at the same place (std::regex(const char*, flag_type) and (const char*, size_t)),
      // the two rank alike and the first declared wins, which is the enum's in the libraries seen.
      return kind === K_INT32 || kind === K_INT ? 1 : IMPOSSIBLE;
    case 'float':
      if (kind === K_FLOAT) return t.bits === 64 ? 0 : 1;
      if (kind === K_INT32 || kind === K_INT) return t.bits === 64 ? 4 : 5;
      return IMPOSSIBLE;
    case 'bool':
      // 0 and 1 convert (cppyy's rule), after every numeric parameter.
      return kind === K_BOOL ? 0 : kind === K_INT32 ? 8 : IMPOSSIBLE;
    case 'char':
      if (kind === K_CHAR) return 0;
      if (kind === K_INT32) return 6;
      return IMPOSSIBLE;
    case 'cstring':
      if (kind === K_STRING || kind === K_NULL) return 0;
      // const wchar_t*/char16_t*/char32_t*: JS text only (the addon's conveniences are for char).
      if (t.pointee !== 'char') return kind === K_CHAR ? 1 : IMPOSSIBLE;
      // A std::string object for const char* (its c_str(), no copy) is cppjit's convenience, not a
      // C++ conversion: any parameter taking the object itself ranks first.
      if (stringClass >= 0 && kind === FIRST_CLASS + stringClass) return 8;
      if (kind === K_CHAR) return 1;
      if (kind === K_POINTER) return 3; // a char* from C
      if (kind === K_ARRAY_INT) return 9; // a Uint8Array/Buffer in place (a std::vector overload ranks first)
      return IMPOSSIBLE;
    case 'arithref':
      if (kind === K_POINTER) return 0; // an ll.ref box
      if (kind === K_ARRAY_INT || kind === K_ARRAY_NUMBER || kind === K_ARRAY) return 2; // a TypedArray's first element
      return IMPOSSIBLE;
    case 'string':
    case 'stringview':
      if (kind === K_STRING) return 0;
      if (kind === K_CHAR) return 1;
      if (stringClass >= 0 && kind === FIRST_CLASS + stringClass) return 2; // a std::string object, copied by the addon
      return IMPOSSIBLE;
    case 'object':
    case 'objectref':
    case 'objectptr': {
      // std::optional<T>: undefined/null (empty), or what a T takes (engaged), after an optional itself.
      const inner = t.kind !== 'objectptr' && t.record !== null ? optionalCheck(t) : null;
      if (inner) {
        if (kind === K_UNDEFINED || kind === K_NULL) return 2;
        if (kind >= FIRST_CLASS && derivation(kind - FIRST_CLASS, t.record!) === 0) return 0;
        const s = score(inner, kind, derivation, conversion);
        return s === IMPOSSIBLE ? IMPOSSIBLE : s + 1;
      }
      // std::function<R(A...)>: a function (JS or C++) or null (empty) besides an instance.
      if (t.signature && !t.signature.unsupported) {
        if (kind === K_FUNCTION) return 1;
        if (kind === K_NULL) return 2;
      }
      if (kind === K_NULL) return t.kind === 'objectptr' ? 1 : IMPOSSIBLE;
      if (kind === K_OBJECT) {
        if (literalCheck(t)) return 5;
        if (acceptsEntries(t)) return 6;
        // A struct literal for the T of a std::shared_ptr<T>: a shared copy of T{...}.
        return sharing && t.record !== null && (t.kind === 'object' || t.isConst || t.isRvalueRef) && sharing(-1, t.record) === 0 ? 23 : IMPOSSIBLE;
      }
      if (isArrayKind(kind) && t.kind === 'objectptr') return literalCheck(t) ? 6 : IMPOSSIBLE;
      if (isArrayKind(kind)) {
        const sequence = sequenceScore(t, kind);
        // Otherwise the array is a braced initializer, T{a, b}: the constructor (or the fields of an
        // aggregate) decides on conversion; it ranks after any sequence and after an implicit conversion.
        return sequence !== IMPOSSIBLE ? sequence : acceptsBraced(t) ? 21 : IMPOSSIBLE;
      }
      // A pointer object (a forward-declared class's T* from C) binds T& as `*p` does, and is a T*.
      if (kind === K_POINTER) return t.kind === 'objectptr' ? 1 : t.kind === 'objectref' && !t.isRvalueRef ? 4 : IMPOSSIBLE;
      // 0 as a null pointer (the converter refuses any other number), after every numeric overload.
      if (kind === K_INT32 && t.kind === 'objectptr') return 30;
      if (kind < FIRST_CLASS) return acceptsValueConversion(t) ? valueCheck(t.record!, kind) : IMPOSSIBLE;
      if (t.record === null) return IMPOSSIBLE;
      const id = classOfKind(kind);
      const moved = kind >= RVALUE_KIND;
      // An xvalue binds to T, T&& and const T& (worse), never to T& or T*. An lvalue binding to
      // T&& (allowed: JS cannot always say std.move) ranks after a const T& overload.
      if (moved && (t.kind === 'objectptr' || (t.kind === 'objectref' && !t.isConst && !t.isRvalueRef))) return IMPOSSIBLE;
      // A (non-const) lvalue prefers T& (and T*) over const T& (and const T*), as C++ ranks reference
      // bindings and qualification conversions: _OutputArray(Mat&) over _OutputArray(const Mat&).
      const penalty = moved ? (t.kind === 'objectref' && !t.isRvalueRef ? 1 : 0) : t.isRvalueRef ? 1 : t.isConst && t.kind !== 'object' ? 0.5 : 0;
      const depth = derivation(id, t.record);
      if (depth >= 0) return (depth === 0 ? 0 : 2 + depth) + penalty;
      // A temporary made by C++'s implicit conversion binds to a value or const reference only.
      // From std.move(x) also to T&& (a temporary binds to it), moving from x.
      if (conversion && (takesTemporary(t) || (moved && t.isRvalueRef)) && conversion(id, t.record, moved)) return 20;
      // A JS-owned object handed to a std::unique_ptr<T> parameter (by value or &&).
      if (adoption && (t.kind === 'object' || t.isRvalueRef)) {
        const below = adoption(id, t.record);
        if (below >= 0) return 10 + below;
      }
      // A T where a std::shared_ptr<T> is taken by value, const& or &&: a shared copy.
      if (sharing && (t.kind === 'object' || t.isConst || t.isRvalueRef)) {
        const below = sharing(id, t.record);
        if (below >= 0) return 22 + below;
      }
      // A smart pointer where its pointee is taken by reference or pointer: the pointee, after any
      // conversion of the smart pointer itself (a shared_ptr<Base> parameter ranks first).
      if (!moved && ((t.kind === 'objectref' && !t.isRvalueRef) || t.kind === 'objectptr')) {
        const pointee = pointeeCheck(id);
        const below = pointee >= 0 ? derivation(pointee, t.record) : -1;
        if (below >= 0) return 24 + below + penalty;
      }
      return IMPOSSIBLE;
    }
    case 'funcptr':
      if (kind === K_FUNCTION) return 0;
      if (kind === K_NULL) return 2;
      if (kind === K_POINTER) return 4; // a raw address (dlsym's void*)
      return IMPOSSIBLE;
    case 'pointer':
      // std::nullptr_t (described as a void*) takes null only.
      if (t.pointeeKind === 'void' && /\bnullptr_t$/.test(t.spelling)) return kind === K_NULL ? 0 : IMPOSSIBLE;
      if (kind === K_NULL) return 2;
      if (kind === K_POINTER) return 1;
      if (kind === K_INT32) return 30; // 0 as a null pointer (the converter refuses any other number)
      // A TypedArray in place (the element type is checked on conversion); a std::vector overload
      // ranks first. Integer arrays go to integer pointees and float arrays to floating ones, so
      // f(int*) and f(double*) each take their own.
      if (kind === K_ARRAY_INT && t.pointeeKind === 'float') return IMPOSSIBLE;
      if (kind === K_ARRAY_NUMBER && (t.pointeeKind === 'int' || t.pointeeKind === 'char' || t.pointeeKind === 'bool')) return IMPOSSIBLE;
      if (isArrayKind(kind)) return 8;
      // char*, and signed/unsigned char* (libxml2's const xmlChar*): UTF-8 bytes of a string.
      if ((kind === K_STRING || kind === K_CHAR) && (t.pointeeKind === 'char' || (t.pointeeKind === 'int' && t.pointeeBits === 8))) return 3;
      if (kind >= FIRST_CLASS && kind < RVALUE_KIND && t.pointeeKind === 'void') return 3;
      if (kind === K_OBJECT && t.pointeeKind === 'void') return 7; // an ArrayBuffer (a struct literal ranks first)
      if (kind === K_BIGINT) return 4;
      return IMPOSSIBLE;
    default:
      return IMPOSSIBLE;
  }
}

const SEQUENCE = /^std::(?:vector<|array<|span<|initializer_list<)/;
const ELEMENT = /^std::(?:vector<(.*?)(?:, std::allocator<.*)?|array<(.*), \d+|span<(?:const )?(.*), \d+|initializer_list<(?:const )?(.*))>$/;
const INTEGER_ELEMENT = /^(?:(?:unsigned |signed )?(?:char|short|int|long|long long)|unsigned|bool|std::u?int\d+_t|std::size_t)$/;

/** Whether a parameter accepts a temporary object: a class by value or by const reference. */
export function takesTemporary(t: TypeInfo): boolean {
  return t.kind === 'object' || (t.kind === 'objectref' && t.isConst === true);
}

/** The spelling of a std::map, multimap, unordered_map or unordered_multimap. */
export const MAP_SPELLING = /^std::(?:unordered_)?(?:multi)?map</;

/** Whether a JS Map or plain object can stand for this parameter: a std::map or unordered_map by value, const& or &&, from its entries. */
export function acceptsEntries(t: TypeInfo): boolean {
  if (t.record === null || !(t.kind === 'object' || (t.kind === 'objectref' && (t.isConst || t.isRvalueRef === true)))) return false;
  return MAP_SPELLING.test(t.kind === 'object' ? t.spelling : t.pointee);
}

/** Whether a parameter's shape admits a braced initializer: a class (not a sequence) by value, const& or &&. */
export function takesBraced(t: TypeInfo): boolean {
  if (t.record === null || t.signature || acceptsSequence(t)) return false;
  return t.kind === 'object' || (t.kind === 'objectref' && (t.isConst || t.isRvalueRef === true));
}

/**
 * Whether a class can be made from a braced initializer, T{a, b}: an aggregate with fields, or a
 * class with a constructor other than its copy and move constructors (an array never stands for
 * the class itself).
 */
export function braceConstructible(info: ClassInfo, record: number): boolean {
  if (!info.isComplete || info.isAbstract) return false;
  if (info.isAggregate && info.fields.length > 0) return true;
  return info.constructors.some((c) => c.params.length > 0 && c.params[0].type.record !== record);
}

/** Whether a JS array can stand for this parameter as a braced initializer; see temporaryBraced. */
export function acceptsBraced(t: TypeInfo): boolean {
  return takesBraced(t) && bracedCheck(t.record!);
}

/** Whether a JS array can stand for this parameter: a std::vector, array, span or initializer_list taken by value or const reference. */
export function acceptsSequence(t: TypeInfo): boolean {
  if (t.kind !== 'object' && !(t.kind === 'objectref' && t.isConst)) return false;
  return SEQUENCE.test(t.kind === 'object' ? t.spelling : t.pointee);
}

function sequenceScore(t: TypeInfo, kind: number): number {
  if (!acceptsSequence(t)) return IMPOSSIBLE;
  const m = ELEMENT.exec(t.kind === 'object' ? t.spelling : t.pointee);
  const element = (m && (m[1] ?? m[2] ?? m[3] ?? m[4])) ?? '';
  const boolean = element === 'bool';
  const integral = !boolean && INTEGER_ELEMENT.test(element);
  const floating = element === 'double' || element === 'float' || element === 'long double';
  const string = element.startsWith('std::basic_string<char') || element === 'std::string';
  switch (kind) {
    case K_ARRAY_INT: return integral ? 6 : floating ? 7 : IMPOSSIBLE;
    case K_ARRAY_NUMBER: return floating ? 6 : IMPOSSIBLE;
    case K_ARRAY_STRING: return string ? 6 : IMPOSSIBLE;
    // Any other array (booleans, objects, nested arrays, mixed or empty): its elements are checked
    // on conversion; a class element type is the likelier match.
    default: return boolean ? 7 : integral || floating || string ? 9 : 8;
  }
}

export function describeMismatch(p: ParamInfo, kind: number, value?: unknown): string {
  const base = `cannot pass ${kindName(kind)} as ${p.type.display}`;
  // An array for a sequence of numbers: the first element that does not fit says why.
  if (isArrayKind(kind) && acceptsSequence(p.type) && isArrayLike(value)) {
    const m = ELEMENT.exec(p.type.kind === 'object' ? p.type.spelling : p.type.pointee);
    const element = (m && (m[1] ?? m[2] ?? m[3] ?? m[4])) ?? '';
    const values = value as ArrayLike<unknown>;
    const integral = element !== 'bool' && INTEGER_ELEMENT.test(element);
    const floating = element === 'double' || element === 'float' || element === 'long double';
    for (let i = 0; i < values.length && (integral || floating); i++) {
      const v = values[i];
      if (typeof v !== 'number' && typeof v !== 'bigint') return `${base}: element ${i} is ${v === null ? 'null' : `a ${typeof v}`}, not a number for ${element}`;
      if (integral && typeof v === 'number' && !Number.isInteger(v)) return `${base}: element ${i} (${v}) is not an integer for ${element}`;
    }
  }
  return base;
}
