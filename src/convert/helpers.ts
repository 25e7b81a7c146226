// src/convert/helpers.ts — C++ helper functions cppjit defines for itself, and the late-bound invoker of convert/invoke.ts.
//
// Conversions need compiled C++ (a std::vector for a JS array, a converting constructor's helper),
// and compiled C++ needs conversions (its invoker converts its arguments): the conversions of the
// modules below invoke.ts reach invoke.ts's functions through the bindings it registers here when
// it loads, so that imports point one way.
import { generatedNamespace, native } from '../native';
import { CppCompileError } from '../errors';
import type { CompileFailure, FunctionInfo, NativeFunction, TypeInfo } from '../types';

export type Converter = (value: unknown) => unknown;

interface Invoking {
  /** The JS → C++ converter of a parameter of type `t` (null when the thunk takes the JS value as is). */
  argumentConverter(t: TypeInfo, where: string): Converter | null;
  /** The JS function calling a compiled thunk with every argument and the result converted. */
  makeInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean, objects?: boolean): NativeFunction;
}

let invoking: Invoking | undefined;

/** Called once by convert/invoke.ts. */
export function bindInvoking(functions: Invoking): void {
  invoking = functions;
}

export function argumentConverter(t: TypeInfo, where: string): Converter | null {
  return invoking!.argumentConverter(t, where);
}

export function makeInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean, objects = false): NativeFunction {
  return invoking!.makeInvoker(info, fn, hasSelf, objects);
}

// Helpers are ordinary C++ functions cppjit defines next to the classes it serves (namespace
// __cppjit_h, one per JS thread) and calls through the usual thunks, so every conversion is the one
// C++ calls get.
export const HELPERS = generatedNamespace('__cppjit_h');
let helperScope: number | undefined;

/** Defines `code` in the helper namespace and compiles the named functions of it; their invokers, in order. */
/** `raw`: the thunks themselves (class results as addresses), without the invoker's conversions. */
export function defineHelpers(code: string, names: string[], raw = false): NativeFunction[] {
  native().cppdef(`namespace ${HELPERS} {\n${code}}\n`, true);
  if (helperScope === undefined) helperScope = native().lookup(native().globalScope(), HELPERS).scope!;
  const infos: FunctionInfo[] = names.map((name) => {
    const m = native().lookup(helperScope!, name);
    if (!m.functions?.length) throw new Error(`cppjit: helper ${name} was not defined`);
    return m.functions[0];
  });
  return compileHelpers(infos, raw);
}

/** The type a helper namespace's alias names. */
export function helperType(name: string): TypeInfo {
  return native().parseType(`${HELPERS}::${name}`);
}

/**
 * Compiles generated helper functions (one candidate each) in one batch and returns their
 * invokers, in order. Helpers are called with exactly their parameters, so no resolution is needed.
 */
export function compileHelpers(infos: FunctionInfo[], raw = false): NativeFunction[] {
  const results = native().compileFunctions(infos.map((f) => f.fid));
  return results.map((r, i) => {
    if (typeof r !== 'function') {
      const failure: CompileFailure = typeof r === 'string' ? { error: r, diagnostics: [] } : r;
      throw new CppCompileError(failure.error, failure.diagnostics ?? []);
    }
    return raw ? r : makeInvoker(infos[i], r, false, true);
  });
}

/**
 * Calls a helper for a conversion and makes its errors read as the caller's: the helper's own
 * signature (`T __cppjit_h::opt_make_1(int v): argument 1 ('v'): ...`) means nothing to the user,
 * so it becomes `label` ("as int: expected an integer, got object").
 */
export function convertingThrough<T>(label: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/^[^\n]*? argument \d+ \('\w*'\): /, `${label}: `);
    throw e;
  }
}
