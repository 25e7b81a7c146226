// src/convert/temporaries.ts — C++ objects made for one call from JS values (arrays → vector/array, spans over TypedArrays, implicit conversions), released when it returns.
import { native } from '../native';
import type { NativeFunction } from '../types';
import type { ClassState, CppObject } from '../proxy/classes';
import { classFor } from '../proxy/classes';
import { defineHelpers } from '../proxy/protocols';
import { ADDRESS } from '../proxy/symbols';
import { typedArrayNames } from './pointers';

/** Something to undo when the call that made it returns (or, for fn.async, settles). */
export interface Temporary {
  delete(): void;
}

export const temporaries: Temporary[] = [];

type Indexed = CppObject & Record<number, unknown> & { size(): number };

const VECTOR = /^std::vector<(.*?)(?:, std::allocator<.*)?>$/;
const ARRAY = /^std::array<(.*), (\d+)>$/;
const SPAN = /^std::span<(const )?(.*), (\d+)>$/;

/** The C++ object a JS array or TypedArray stands for, as a parameter of class `state`; its address. */
export function temporarySequence(state: ClassState, values: ArrayLike<unknown>): number {
  const spelling = state.info.spelling;
  const array = ARRAY.exec(spelling);
  if (array) return temporaryArray(state, values, Number(array[2]));
  const span = SPAN.exec(spelling);
  if (span) return temporarySpan(state, values, span[2], Boolean(span[1]), Number(span[3]));
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
      if (e instanceof Error) e.message = `element ${i}: ${e.message}`;
      throw e;
    }
  }
  return tmp;
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

export function temporaryConversion(convert: NativeFunction, from: unknown): number {
  const tmp = convert(from) as CppObject;
  temporaries.push(tmp as unknown as Temporary);
  return tmp[ADDRESS] as number;
}

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
      releaseTemporaries(mark);
    }
  };
}
