// src/convert/invoke.ts — the JS side of one compiled C++ callable: its arguments' converters, its result's, and the invoker that applies them.
//
// Decided once per callable when it is compiled (which parameters need a JS conversion, which
// wrappers keep temporaries and callbacks alive), so a call only runs the converters it needs.
import type { FunctionInfo, NativeFunction, TypeInfo } from '../types';
import { CLASS_STATE } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, wrap, wrapBorrowed } from '../objects/registry';
import { acceptsBraced, acceptsEntries, acceptsSequence, acceptsUndefined, acceptsValueConversion, isArrayLike, takesTemporary } from './kinds';
import { implicitConversion } from './implicit';
import { releasingTemporaries, temporaries, temporaryBraced, temporaryConversion, temporaryEntries, temporarySequence, temporaryValue } from './temporaries';
import type { Temporary } from './temporaries';
import { isInstance, objectAddress, smartPointee } from './objects';
import { Rvalue } from './rvalues';
import { adoptedAddress, adoptsObjects, sharedCopyAddress, sharedElement, sharesCopies, uniqueElement } from './ownership';
import { CppPointer, makePointer, pointerConverter, referenceConverter } from './pointers';
import { acceptsLiteral, convertingForLater, isPlainObject, positionalLiteral, releasingStructs, structPointer, temporaryStruct, temporaryStructArray } from './structs';
import { callbackArgument, callbackResult, keepingCallbacks } from './callbacks';
import { optionalArgument, optionalResult } from './optional';
import { bindInvoking, type Converter } from './helpers';


/** The converter, its errors prefixed with where the value was going. */
function located(where: string, convert: Converter): Converter {
  return (v) => {
    try {
      return convert(v);
    } catch (e) {
      (e as Error).message = `${where}: ${(e as Error).message}`;
      throw e;
    }
  };
}

export function argumentConverter(t: TypeInfo, where: string): Converter | null {
  const callable = callbackArgument(t, where);
  if (callable) return callable;
  switch (t.kind) {
    case 'object':
    case 'objectref': {
      const optional = optionalArgument(t);
      if (optional) return located(where, optional);
      const state = classFor(t.record!);
      const sequence = acceptsSequence(t);
      const braced = !sequence && acceptsBraced(t);
      const fromValue = acceptsValueConversion(t);
      const entries = acceptsEntries(t);
      const temporary = takesTemporary(t);
      const literal = acceptsLiteral(t);
      // A by-value parameter moves from what it is given as a negative address: std.move(x), and
      // the temporaries made for the call.
      const byValue = t.kind === 'object';
      const movable = (address: number) => (byValue ? -address : address);
      const element = adoptsObjects(t) ? uniqueElement(t.record!) : null;
      const shared = sharesCopies(t) ? sharedElement(t.record!) : null;
      const expected = `${state.info.spelling} (${t.display})`;
      const lvalueOnly = t.kind === 'objectref' && !t.isConst && !t.isRvalueRef;
      return (v) => {
        try {
          if (isInstance(v, state)) return objectAddress(v, state, expected);
          if (shared && (isInstance(v, shared) || (shared.info.isAggregate && isPlainObject(v)))) return movable(sharedCopyAddress(v, state, shared));
          if (literal && isPlainObject(v)) return temporaryStruct(state, v);
          // A JS Map or plain object for a std::map: made from its [key, value] entries.
          if (entries && (v instanceof Map || isPlainObject(v))) return movable(temporaryEntries(state, v instanceof Map ? v : Object.entries(v)));
          // So is an array of [key, value] pairs (as a braced list of pairs would, but each converted as key and value types).
          if (entries && Array.isArray(v) && Array.isArray(v[0]) && v[0].length === 2) return movable(temporaryEntries(state, entryPairs(v)));
          if (sequence && isArrayLike(v)) return movable(temporarySequence(state, v));
          if (braced && isArrayLike(v)) {
            if (literal) return temporaryStruct(state, positionalLiteral(state, v as ArrayLike<unknown>));
            return movable(temporaryBraced(state, v as ArrayLike<unknown>));
          }
          let moved = false;
          if (v instanceof Rvalue) {
            if (lvalueOnly) throw new TypeError(`std.move(x) is an rvalue: it cannot bind to ${t.display}`);
            moved = true;
            v = v.object;
          }
          if (v instanceof Object && !isInstance(v, state) && (v as CppObject)[CLASS_STATE]) {
            if (element && isInstance(v, element)) return adoptedAddress(v as unknown as CppObject, state, element, byValue);
            const convert = temporary || (moved && t.isRvalueRef) ? implicitConversion((v as CppObject)[CLASS_STATE] as ClassState, state, moved) : null;
            if (convert) return movable(temporaryConversion(convert, v));
          }
          if (fromValue && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint')) {
            return movable(temporaryValue(state, v));
          }
          // A smart pointer for a reference to its pointee (see smartPointee).
          if (t.kind === 'objectref' && !moved && !t.isRvalueRef) {
            const pointee = smartPointee(v);
            if (pointee && isInstance(pointee, state)) return objectAddress(pointee, state, expected);
          }
          // A pointer object of the class (a forward-declared class's T* from C) binds T& as `*p` does.
          if (t.kind === 'objectref' && !moved && !t.isRvalueRef && v instanceof CppPointer) {
            const address = structPointer(v, state);
            if (!address) throw new TypeError(`a null ${v.type}* cannot bind to ${t.display}`);
            return address;
          }
          const address = objectAddress(v, state, expected);
          return moved ? movable(address) : address;
        } catch (e) {
          (e as Error).message = `${where}: ${(e as Error).message}`;
          throw e;
        }
      };
    }
    case 'objectptr': {
      const state = classFor(t.record!);
      const literal = acceptsLiteral(t);
      return (v) => {
        if (v === null || v === undefined || v === 0) return 0; // 0: C++'s null pointer constant
        try {
          if (literal && isPlainObject(v)) return temporaryStruct(state, v);
          if (literal && Array.isArray(v)) return temporaryStructArray(state, v);
          if (v instanceof CppPointer) return structPointer(v, state);
          if (v instanceof Rvalue) throw new TypeError(`std.move(x) is an rvalue: it has no address to pass as ${t.display}`);
          const pointee = isInstance(v, state) ? null : smartPointee(v);
          if (pointee && isInstance(pointee, state)) return objectAddress(pointee, state, t.display);
          return objectAddress(v, state, `${state.info.spelling} (${t.display}) or null`);
        } catch (e) {
          (e as Error).message = `${where}: ${(e as Error).message}`;
          throw e;
        }
      };
    }
    case 'pointer':
    case 'arithref': {
      return located(where, t.kind === 'pointer' ? pointerConverter(t) : referenceConverter(t));
    }
    default:
      return null;
  }
}

/** std::wstring, std::u16string, std::u32string: results read as JS strings, as std::string ones do (and as cppyy has them). */
const WIDE_STRING = /^std::(?:__cxx11::)?basic_string<(?:wchar_t|char16_t|char32_t)\b/;

function wideText(text: CppObject | null, owned: boolean): string | null {
  if (!text) return null;
  try {
    return (text as unknown as { c_str(): string }).c_str();
  } finally {
    if (owned) (text as unknown as { delete(): void }).delete();
  }
}

/** The alias reflex gives a lambda's closure class (types.cpp). */
const CLOSURE = /^__cppjit_closure_\d+$/;

function resultConverter(t: TypeInfo, objects = false): Converter | null {
  const callable = callbackResult(t);
  if (callable) return callable;
  switch (t.kind) {
    case 'object': {
      const optional = optionalResult(t);
      if (optional) return optional;
      const state = classFor(t.record!);
      // A lambda returned by value is a JS function calling it (it keeps the closure object alive,
      // reachable as fn.closure), as cppyy makes it callable.
      if (CLOSURE.test(state.info.spelling)) {
        return (address) => {
          const closure = wrap(state, address as number, true) as unknown as { call(...args: unknown[]): unknown };
          const fn = (...args: unknown[]) => closure.call(...args);
          Object.defineProperty(fn, 'closure', { value: closure });
          return fn;
        };
      }
      if (!objects && WIDE_STRING.test(state.info.spelling)) return (address) => wideText(wrap(state, address as number, true), true);
      return (address) => wrap(state, address as number, true);
    }
    case 'objectref':
    case 'objectptr': {
      const state = classFor(t.record!);
      if (t.kind === 'objectref' && t.isConst && WIDE_STRING.test(state.info.spelling)) {
        return (address) => wideText(wrapBorrowed(state, address as number), false);
      }
      return (address) => wrapBorrowed(state, address as number);
    }
    case 'pointer':
      return (address) => makePointer(address as number, t.pointee);
    default:
      return null;
  }
}

/** The [key, value] pairs of an array, each checked (a sparse or mixed array fails at its first bad element, at once). */
function* entryPairs(values: unknown[]): Generator<[unknown, unknown]> {
  for (let i = 0; i < values.length; i++) {
    const e = values[i];
    if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`element ${i}: expected a [key, value] pair, got ${Array.isArray(e) ? `an array of ${e.length}` : e === null ? 'null' : typeof e}`);
    yield e as [unknown, unknown];
  }
}

/** Per parameter: a std::optional without a default argument, which an omitted or undefined argument leaves empty. */
function emptyable(info: FunctionInfo): boolean[] {
  return info.params.map((p) => !p.hasDefault && acceptsUndefined(p.type));
}

/** The fewest arguments a call needs: trailing std::optional parameters may be left out too. */
export function requiredArgs(info: FunctionInfo): number {
  let n = info.minArgs;
  while (n > 0 && acceptsUndefined(info.params[n - 1].type)) n--;
  return n;
}

/** A callable's argument and result conversions, decided once: `args` converted in place. */
interface Conversions {
  /** Whether any argument or the result needs a JS-side conversion. */
  needed: boolean;
  convertArgs(args: unknown[]): void;
  result: Converter | null;
}

function conversionsOf(info: FunctionInfo, hasSelf: boolean, objects = false): Conversions {
  const offset = hasSelf ? 1 : 0;
  const converters = info.params.map((p, i) =>
    argumentConverter(p.type, `${info.signature}: argument ${i + 1}${p.name ? ` ('${p.name}')` : ''}`));
  const result = info.kind === 'constructor' ? null : resultConverter(info.result, objects);
  const indexes = converters.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  // std::optional parameters without a default: left out or undefined is an empty optional.
  const empties = emptyable(info);
  return {
    needed: indexes.length > 0 || result !== null,
    result,
    convertArgs(args) {
      for (const i of indexes) {
        const at = i + offset;
        if (at < args.length && args[at] !== undefined) args[at] = converters[i]!(args[at]);
        else if (empties[i]) args[at] = converters[i]!(undefined);
      }
    },
  };
}

/** `objects`: class results stay objects, even those users get as JS values (cppjit's own helpers). */
export function makeInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean, objects = false): NativeFunction {
  const { needed, convertArgs, result: convert } = conversionsOf(info, hasSelf, objects);
  if (!needed) return fn;
  let invoke: NativeFunction = (...args: unknown[]) => {
    convertArgs(args);
    const r = fn(...args);
    return convert ? convert(r) : r;
  };
  // Wrappers only for the callables that need them, so plain calls stay one closure deep.
  if (info.params.some((p) => takesTemporary(p.type) || (p.type.kind === 'objectref' && p.type.isRvalueRef))) invoke = releasingTemporaries(invoke);
  if (info.params.some((p) => acceptsLiteral(p.type))) invoke = releasingStructs(invoke);
  if (info.params.some((p) => p.type.kind === 'funcptr')) invoke = keepingCallbacks(invoke);
  return invoke;
}

/**
 * fn.async's invoker: converts the arguments now (on the main thread), runs the call on the libuv
 * pool, converts the result when it completes. What the call uses stays alive until it settles:
 * the JS arguments (objects, functions given as function pointers) and the temporaries made from
 * arrays; the native job holds the converted strings and std::functions.
 */
export function makeAsyncInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean): NativeFunction {
  const { convertArgs, result: convert } = conversionsOf(info, hasSelf);
  let converted: unknown[] = [];
  const start = keepingCallbacks((...args: unknown[]) => {
    convertArgs(args);
    converted = args;
    return fn(...args);
  });
  return (...args: unknown[]) => {
    // The JS arguments and what they became (buffers of struct literals) live until the call settles.
    let kept: unknown[] | null = args.slice();
    const mark = temporaries.length;
    const release = (made: Temporary[]) => { for (let i = made.length - 1; i >= 0; i--) made[i].delete(); };
    let promise: Promise<unknown>;
    let structs: CppObject[];
    try {
      const started = convertingForLater(() => start(...args) as Promise<unknown>);
      promise = started.value;
      structs = started.made;
      kept.push(...converted);
      converted = [];
    } catch (e) {
      release(temporaries.splice(mark));
      throw e;
    }
    const made: Temporary[] = [...structs.map((s) => s as unknown as Temporary), ...temporaries.splice(mark)];
    const settled = convert ? promise.then(convert) : promise;
    return settled.finally(() => {
      release(made);
      if (kept) kept = null;
    });
  };
}

bindInvoking({ argumentConverter, makeInvoker });
