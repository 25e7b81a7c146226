// src/convert/temporaries.ts — C++ objects made for one call from JS values (arrays → vector/array, spans over TypedArrays, implicit conversions), released when it returns.
import { native } from '../native';
import type { NativeFunction } from '../types';
import type { ClassState, CppObject } from '../proxy/classes';
import { classFor } from '../proxy/classes';
import { defineHelpers } from '../proxy/protocols';
import { ADDRESS, CLASS_STATE } from '../proxy/symbols';
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
  push.reserve(values.length);
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
// `T t = value;` does: through a non-explicit constructor (or a constructor template). Ranking
// knows a plain converting constructor; the conversion itself is a helper per class and C++ type
// of the value, so Clang picks the constructor exactly as C++ would.
const valueScores = new Map<number, Map<number, number>>();
function valueConversionScore(record: number, kind: number): number {
  if (!isValueKind(kind)) return IMPOSSIBLE;
  let byKind = valueScores.get(record);
  if (!byKind) valueScores.set(record, (byKind = new Map()));
  let known = byKind.get(kind);
  if (known === undefined) {
    const { info } = classFor(record);
    known = IMPOSSIBLE;
    if (info.isComplete && !info.isAbstract) {
      for (const c of info.constructors) {
        if (c.isExplicit || !c.params.length || c.minArgs > 1) continue;
        const p = c.params[0].type;
        // A class parameter would make it a second user-defined conversion, which C++ refuses.
        if (p.kind === 'object' || p.kind === 'objectref' || p.kind === 'objectptr') continue;
        const s = score(p, kind, () => -1);
        if (s !== IMPOSSIBLE && (known === IMPOSSIBLE || 20 + s < known)) known = 20 + s;
      }
      // A constructor template decides by its own constraints: Clang says, by compiling the conversion.
      if (known === IMPOSSIBLE && info.hasConstructorTemplates && typeof valueConverter(classFor(record), kind) !== 'string') known = 26;
    }
    byKind.set(kind, known);
  }
  return known;
}
setValueCheck(valueConversionScore);

const VALUE_SOURCES: Record<number, string[]> = {
  [K_BOOL]: ['bool'],
  [K_INT32]: ['int'],
  [K_INT]: ['long long'],
  [K_BIGINT]: ['long long'],
  [K_FLOAT]: ['double'],
  [K_STRING]: ['const char*', 'const std::string&'],
  [K_CHAR]: ['const char*', 'const std::string&', 'char'],
};
const valueConverters = new Map<string, NativeFunction | string>();
let valueCounter = 0;

function valueConverter(state: ClassState, kind: number): NativeFunction | string {
  const key = `${state.id}:${kind}`;
  let found = valueConverters.get(key);
  if (found === undefined) {
    const S = state.info.spelling;
    let first = '';
    for (const from of VALUE_SOURCES[kind] ?? []) {
      const name = `fromvalue_${++valueCounter}`;
      try {
        [found] = defineHelpers(`inline ${S} ${name}(${from} v) { return v; }\n`, [name]);
        break;
      } catch (e) {
        first ||= (e as Error).message.split('\n')[0];
      }
    }
    found ??= first || `no C++ type for a ${kind}`;
    valueConverters.set(key, found);
  }
  return found;
}

/** The temporary a JS value converts to for a class parameter (`T t = value;`); its address. */
export function temporaryValue(state: ClassState, value: unknown): number {
  const convert = valueConverter(state, kindOf(value));
  const label = state.info.displayName || state.info.spelling;
  if (typeof convert === 'string') throw new TypeError(`a ${typeof value} does not convert to ${label}: ${convert}`);
  const tmp = buildingTemporary(() => convert(value) as CppObject);
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
