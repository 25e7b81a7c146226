// src/convert/temporaries.ts — C++ objects made for one call from JS values (arrays → vector/array, spans over TypedArrays, implicit conversions), released when it returns.
import { native } from '../native';
import type { NativeFunction } from '../types';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor } from '../objects/registry';
import { convertingThrough, defineHelpers } from './helpers';
import { ADDRESS, CLASS_STATE } from '../objects/symbols';
import { typedArrayNames } from './pointers';
import { IMPOSSIBLE, K_BIGINT, K_BOOL, K_CHAR, K_FLOAT, K_INT, K_INT32, K_STRING, braceConstructible, isValueKind, kindOf, score, setBracedCheck, setValueCheck } from './kinds';

/** Something to undo when the call that made it returns (or, for fn.async, settles). */
export interface Temporary {
  delete(): void;
}

export const temporaries: Temporary[] = [];

type Indexed = CppObject & Record<number, unknown> & { size(): number };

const VECTOR = /^std::vector<(.*?)(?:, std::allocator<.*)?>$/;
const ARRAY = /^std::array<(.*), (\d+)>$/;
const SPAN = /^std::span<(const )?(.*), (\d+)>$/;
const INITIALIZER_LIST = /^std::initializer_list<(?:const )?(.*)>$/;

/** The C++ object a JS array or TypedArray stands for, as a parameter of class `state`; its address. */
export function temporarySequence(state: ClassState, values: ArrayLike<unknown>): number {
  return buildingTemporary(() => sequence(state, values));
}

function sequence(state: ClassState, values: ArrayLike<unknown>): number {
  const spelling = state.info.spelling;
  const array = ARRAY.exec(spelling);
  if (array) return temporaryArray(state, values, Number(array[2]));
  const span = SPAN.exec(spelling);
  if (span) return temporarySpan(state, values, span[2], Boolean(span[1]), Number(span[3]));
  const list = INITIALIZER_LIST.exec(spelling);
  if (list) return temporaryList(state, values, list[1]);
  return filledVector(state, values)[ADDRESS] as number;
}

function filledVector(state: ClassState, values: ArrayLike<unknown>): CppObject {
  const tmp = new (state.cls as unknown as new () => CppObject)();
  temporaries.push(tmp as unknown as Temporary);
  const push = tmp as unknown as { push_back(v: unknown): void; reserve(n: number): void };
  // A sparse array's length is no promise of elements: it fails at its first hole, not by
  // reserving gigabytes first.
  push.reserve(Math.min(values.length, 1 << 16));
  for (let i = 0; i < values.length; i++) {
    try {
      push.push_back(values[i]);
    } catch (e) {
      if (e instanceof Error) {
        // push_back's own overload list says nothing the caller needs: name the element type instead.
        const element = VECTOR.exec(state.info.spelling)?.[1];
        const unconvertible = e instanceof TypeError && e.message.startsWith('no overload of ');
        e.message = `element ${i}: ${unconvertible && element ? `cannot pass ${describeValue(values[i])} as ${element}` : e.message}`;
      }
      throw e;
    }
  }
  return tmp;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  const state = typeof v === 'object' ? (v as CppObject)[CLASS_STATE] as ClassState | undefined : undefined;
  return state ? state.info.spelling : `a ${typeof v}`;
}

function temporaryArray(state: ClassState, values: ArrayLike<unknown>, length: number): number {
  if (values.length !== length) throw new RangeError(`expected ${length} elements for ${state.info.spelling}, got ${values.length}`);
  const tmp = new (state.cls as unknown as new () => CppObject)() as Indexed;
  temporaries.push(tmp as unknown as Temporary);
  for (let i = 0; i < length; i++) {
    try {
      tmp[i] = values[i];
    } catch (e) {
      if (e instanceof Error) e.message = `element ${i}: ${e.message}`;
      throw e;
    }
  }
  return tmp[ADDRESS] as number;
}

// A TypedArray of exactly the element type is viewed in place: the span points into its memory, so
// a write through it is visible in JS at once (a callback during the call sees it). Anything else
// (a JS array, another element type) goes through a std::vector made for the call; a span of
// non-const elements is then copied back into the array afterwards.
const spanMakers = new Map<ClassState, { vector: ClassState; make: NativeFunction }>();
const spanViews = new Map<ClassState, { typed: Function[]; view: NativeFunction } | null>();
let spanCounter = 0;

function spanView(state: ClassState, element: string, isConst: boolean): { typed: Function[]; view: NativeFunction } | null {
  let found = spanViews.get(state);
  if (found === undefined) {
    found = null;
    const t = native().parseType(element);
    const names = typedArrayNames(t.kind, t.bits, t.signed);
    if (names.length) {
      const name = `spanv_${++spanCounter}`;
      const S = state.info.spelling;
      const [view] = defineHelpers(
        `inline ${S} ${name}(${isConst ? 'const ' : ''}${element}* p, unsigned long n) { return ${S}(p, n); }\n`, [name]);
      found = { typed: names.map((n) => (globalThis as unknown as Record<string, Function>)[n]), view };
    }
    spanViews.set(state, found);
  }
  return found;
}

function temporarySpan(state: ClassState, values: ArrayLike<unknown>, element: string, isConst: boolean, extent: number): number {
  const dynamic = extent === Number.MAX_SAFE_INTEGER || extent > 0xffffffff;
  if (!dynamic && values.length !== extent) throw new RangeError(`expected ${extent} elements for ${state.info.spelling}, got ${values.length}`);
  if (ArrayBuffer.isView(values)) {
    const inPlace = spanView(state, element, isConst);
    if (inPlace && inPlace.typed.some((T) => values instanceof T)) {
      const span = inPlace.view(values, values.length) as CppObject;
      temporaries.push(span as unknown as Temporary);
      return span[ADDRESS] as number;
    }
  }
  let maker = spanMakers.get(state);
  if (!maker) {
    const vectorSpelling = `std::vector<${element}>`;
    const vector = classFor(native().instantiateClass(vectorSpelling));
    const name = `span_${++spanCounter}`;
    const [make] = defineHelpers(`inline ${state.info.spelling} ${name}(${vectorSpelling}& v) { return ${state.info.spelling}(v.data(), v.size()); }\n`, [name]);
    spanMakers.set(state, (maker = { vector, make }));
  }
  const vector = filledVector(maker.vector, values) as Indexed;
  if (!isConst && !Object.isFrozen(values)) {
    const target = values as unknown as Record<number, unknown>;
    temporaries.push({ delete: () => { for (let i = 0; i < values.length; i++) target[i] = vector[i]; } });
  }
  const span = maker.make(vector) as CppObject;
  temporaries.push(span as unknown as Temporary);
  return span[ADDRESS] as number;
}

// A std::initializer_list<T> parameter views a std::vector<T> made for the call. Only the compiler
// can make a list, so the helper writes the list's two members (begin, size — the layout of both
// libstdc++ and libc++) into one; its static_assert stops a library where that does not hold.
// std::vector<bool> has no data(): a list of bool views bytes holding 0 or 1.
const listMakers = new Map<ClassState, { vector: ClassState; make: NativeFunction; boolean: boolean }>();
let listCounter = 0;

function temporaryList(state: ClassState, values: ArrayLike<unknown>, element: string): number {
  let maker = listMakers.get(state);
  if (!maker) {
    const boolean = element === 'bool';
    const stored = boolean ? 'unsigned char' : element;
    const vectorSpelling = `std::vector<${stored}>`;
    const vector = classFor(native().instantiateClass(vectorSpelling));
    const name = `ilist_${++listCounter}`;
    const L = state.info.spelling;
    const [make] = defineHelpers(
      `inline ${L} ${name}(${vectorSpelling}& v) {\n` +
      `  struct { const ${element}* begin; decltype(v.size()) size; } raw{reinterpret_cast<const ${element}*>(v.data()), v.size()};\n` +
      `  static_assert(sizeof raw == sizeof(${L}), "std::initializer_list is not {begin, size}");\n` +
      `  ${L} list;\n  __builtin_memcpy(static_cast<void*>(&list), &raw, sizeof raw);\n  return list;\n}\n`, [name]);
    listMakers.set(state, (maker = { vector, make, boolean }));
  }
  const items = maker.boolean ? Array.from(values, (v, i) => {
    if (typeof v !== 'boolean') throw new TypeError(`element ${i}: expected a boolean for bool, got ${typeof v}`);
    return v ? 1 : 0;
  }) : values;
  const vector = filledVector(maker.vector, items);
  const list = maker.make(vector) as CppObject;
  temporaries.push(list as unknown as Temporary);
  return list[ADDRESS] as number;
}

/**
 * The object a JS array stands for as a braced initializer of a class parameter, `T{a, b}`: as in
 * C++, a class with an initializer_list constructor takes the array as its list, any other class
 * takes the elements as its constructor's arguments.
 */
export function temporaryBraced(state: ClassState, values: ArrayLike<unknown>): number {
  const Cls = state.cls as unknown as new (...args: unknown[]) => CppObject;
  let tmp: CppObject;
  const most = takesList(state) ? Infinity : bracedArity(state);
  if (values.length > most) {
    throw new TypeError(`an array of ${values.length} elements is not a braced initializer of ${state.info.spelling} (its constructors take at most ${most})`);
  }
  try {
    tmp = buildingTemporary(() => (takesList(state) ? new Cls(values) : new Cls(...Array.from(values))));
  } catch (e) {
    if (e instanceof Error) e.message = `as a braced initializer of ${state.info.spelling}: ${e.message}`;
    throw e;
  }
  temporaries.push(tmp as unknown as Temporary);
  return tmp[ADDRESS] as number;
}

const braceable = new Map<number, boolean>();
function bracedConstructible(record: number): boolean {
  let known = braceable.get(record);
  if (known === undefined) braceable.set(record, (known = braceConstructible(classFor(record).info, record)));
  return known;
}
setBracedCheck(bracedConstructible);

// Inserts one entry into a map-like object, converting key and value as its key_type and
// mapped_type (range-checked like arguments); supplied by the container protocols.
let insertEntry: (map: CppObject, key: unknown, value: unknown) => void = () => {
  throw new TypeError('cppjit: no map insertion');
};
export function setEntryInserter(fn: (map: CppObject, key: unknown, value: unknown) => void): void {
  insertEntry = fn;
}

/** The std::map (or unordered_map) a JS Map or plain object stands for: its entries, each converted as the map's key and value types. */
export function temporaryEntries(state: ClassState, entries: Iterable<[unknown, unknown]>): number {
  return buildingTemporary(() => {
    const tmp = new (state.cls as unknown as new () => CppObject)();
    temporaries.push(tmp as unknown as Temporary);
    for (const [key, value] of entries) {
      try {
        insertEntry(tmp, key, value);
      } catch (e) {
        if (e instanceof Error) e.message = `entry ${JSON.stringify(String(key))}: ${e.message}`;
        throw e;
      }
    }
    return tmp[ADDRESS] as number;
  });
}

/** The most elements a braced initializer of the class can have: its constructors' parameters, or an aggregate's fields. */
function bracedArity(state: ClassState): number {
  const { info } = state;
  if (info.hasConstructorTemplates) return 1024;  // a parameter pack takes any number: Clang decides
  let most = info.isAggregate ? info.fields.length : 0;
  for (const c of info.constructors) most = Math.max(most, c.params.length);
  return most;
}

const listConstructible = new Map<ClassState, boolean>();
function takesList(state: ClassState): boolean {
  let known = listConstructible.get(state);
  if (known === undefined) {
    known = state.info.constructors.some((c) => INITIALIZER_LIST.test(c.params[0]?.type.spelling ?? ''));
    listConstructible.set(state, known);
  }
  return known;
}

// A JS number, string, boolean or bigint where a class is taken converts as C++'s copy-initialisation
// `T t = value;` does: through a non-explicit constructor (or a constructor template). The value
// first becomes the C++ type of the converting constructor's parameter that ranks best for it (so
// it is range-checked as an argument of that type is: NaN or 2**32 for a `W(int)` is a RangeError),
// then a helper per class and source type copy-initialises the class from it: Clang picks the
// constructor as C++ would. A class with constructor templates only tries the value's own C++
// types in turn.
interface ValueRoute {
  score: number;
  /** C++ types the helper may take the value as, in the order tried. */
  from: string[];
  /**
   * IMPOSSIBLE for ranking, but the class's only converting constructor takes a number: converting
   * through it says why the value does not fit (2**31 for an int is a RangeError, as for an int
   * argument), where no constructor would only say that none takes it.
   */
  fallback?: string;
}
const valueRoutes = new Map<number, Map<number, ValueRoute>>();
const NO_ROUTE: ValueRoute = { score: IMPOSSIBLE, from: [] };

const VALUE_SOURCES: Record<number, string[]> = {
  [K_BOOL]: ['bool'],
  [K_INT32]: ['int'],
  [K_INT]: ['long long'],
  [K_BIGINT]: ['long long'],
  [K_FLOAT]: ['double'],
  // A one-character string is a string here too: C++ does not make a class from "a" through a char.
  [K_STRING]: ['const char*', 'const std::string&'],
  [K_CHAR]: ['const char*', 'const std::string&'],
};

const WIDE_STRING_CLASS = /^std::(?:__cxx11::)?basic_string<(wchar_t|char16_t|char32_t)\b/;

function valueRoute(record: number, kind: number): ValueRoute {
  if (!isValueKind(kind)) return NO_ROUTE;
  let byKind = valueRoutes.get(record);
  if (!byKind) valueRoutes.set(record, (byKind = new Map()));
  let route = byKind.get(kind);
  if (route === undefined) {
    const state = classFor(record);
    const { info } = state;
    route = NO_ROUTE;
    if (info.isComplete && !info.isAbstract) {
      const numeric: string[] = [];
      for (const c of info.constructors) {
        if (c.isExplicit || !c.params.length || c.minArgs > 1) continue;
        const p = c.params[0].type;
        // A class parameter would make it a second user-defined conversion, which C++ refuses.
        if (p.kind === 'object' || p.kind === 'objectref' || p.kind === 'objectptr') continue;
        // Nor does C++ make a class from a number through a pointer (std::shared_ptr's std::nullptr_t).
        if ((p.kind === 'pointer' || p.kind === 'funcptr') && kind !== K_STRING && kind !== K_CHAR) continue;
        if (p.kind === 'int' || p.kind === 'float' || p.kind === 'enum') numeric.push(p.spelling);
        const s = score(p, kind, () => -1);
        if (s !== IMPOSSIBLE && (route.score === IMPOSSIBLE || 20 + s < route.score)) route = { score: 20 + s, from: [p.spelling] };
      }
      if (route.score === IMPOSSIBLE && numeric.length === 1 && (kind === K_INT || kind === K_FLOAT || kind === K_BIGINT)) {
        route = { score: IMPOSSIBLE, from: numeric, fallback: numeric[0] };
      }
      // A boolean promotes to that number, as in C++ (`W w = true;` is W(1)).
      if (route.score === IMPOSSIBLE && numeric.length === 1 && kind === K_BOOL) route = { score: IMPOSSIBLE, from: ['bool'], fallback: 'bool' };
      // A constructor template decides by its own constraints: Clang says, by compiling the conversion.
      if (route.score === IMPOSSIBLE && info.hasConstructorTemplates) {
        // std::wstring and friends take JS text through their character type's C string.
        const wide = kind === K_STRING || kind === K_CHAR ? WIDE_STRING_CLASS.exec(info.spelling) : null;
        const templated: ValueRoute = { score: 26, from: wide ? [`const ${wide[1]}*`] : VALUE_SOURCES[kind] ?? [] };
        if (typeof valueConverter(state, templated) !== 'string') route = templated;
      }
    }
    byKind.set(kind, route);
  }
  return route;
}
setValueCheck((record, kind) => valueRoute(record, kind).score);

const valueConverters = new Map<string, NativeFunction | string>();
let valueCounter = 0;

/** The helper making a `state` from the value as the first of `route.from` that compiles, or why none does. */
function valueConverter(state: ClassState, route: ValueRoute): NativeFunction | string {
  const key = `${state.id}:${route.from.join('|')}`;
  let found = valueConverters.get(key);
  if (found === undefined) {
    const S = state.info.spelling;
    let first = '';
    for (const from of route.from) {
      const name = `fromvalue_${++valueCounter}`;
      try {
        [found] = defineHelpers(`inline ${S} ${name}(${from} v) { return v; }\n`, [name]);
        break;
      } catch (e) {
        first ||= (e as Error).message.split('\n')[0];
      }
    }
    found ??= first || 'no converting constructor takes it';
    valueConverters.set(key, found);
  }
  return found;
}

/** A new object of `state` made from a JS value by a converting constructor (`T t = value;`), or null when none takes it. */
export function objectFromValue(state: ClassState, value: unknown): CppObject | null {
  const route = valueRoute(state.info.scope, kindOf(value));
  if (route.score === IMPOSSIBLE && !route.fallback) return null;
  const convert = valueConverter(state, route);
  if (typeof convert === 'string') return null;
  return convertingThrough(`as ${route.from[0]} for ${state.info.displayName || state.info.spelling}`, () => convert(value) as CppObject);
}

/** The temporary a JS value converts to for a class parameter (`T t = value;`); its address. */
export function temporaryValue(state: ClassState, value: unknown): number {
  const route = valueRoute(state.info.scope, kindOf(value));
  const label = state.info.displayName || state.info.spelling;
  const convert = route.score === IMPOSSIBLE && !route.fallback ? 'no converting constructor takes it' : valueConverter(state, route);
  if (typeof convert === 'string') throw new TypeError(`a ${typeof value} does not convert to ${label}: ${convert}`);
  const tmp = convertingThrough(`as ${route.from[0]} for ${label}`, () => buildingTemporary(() => convert(value) as CppObject));
  temporaries.push(tmp as unknown as Temporary);
  return tmp[ADDRESS] as number;
}

export function temporaryConversion(convert: NativeFunction, from: unknown): number {
  const tmp = convert(from) as CppObject;
  temporaries.push(tmp as unknown as Temporary);
  return tmp[ADDRESS] as number;
}

/**
 * Runs `make`, which builds a temporary for an enclosing call from JS values, so that what is made
 * for it lives until that call returns, as C++ keeps a full expression's temporaries: the strings
 * converted for it (a `View(const std::string&)` or ICU's `StringPiece(const char*)` made from a JS
 * string keeps a pointer to the text) and the temporaries of the calls that build it (the inner
 * lists of a nested `std::initializer_list`). They are freed after it (released newest first).
 */
export function buildingTemporary<T>(make: () => T): T {
  const bucket = native().holdStrings();
  temporaries.push({ delete: () => native().releaseStrings(bucket) });
  nested++;
  try {
    return make();
  } finally {
    nested--;
    native().unholdStrings();
  }
}

/**
 * How many temporaries for an enclosing call are being built. The calls that build them keep their
 * own temporaries too (`Outer{Inner{'text'}}`): all of them are released when the enclosing call
 * returns, not when the inner call does.
 */
let nested = 0;

/** Undoes the temporaries made since `mark`, newest first. */
export function releaseTemporaries(mark: number): void {
  while (temporaries.length > mark) temporaries.pop()!.delete();
}

/** Destroys the temporaries a call's argument conversion made, however the call ends. */
export function releasingTemporaries(invoke: NativeFunction): NativeFunction {
  return (...args: unknown[]) => {
    const mark = temporaries.length;
    try {
      return invoke(...args);
    } finally {
      if (!nested) releaseTemporaries(mark);
    }
  };
}
