// src/index.ts — the public API object: loading C++, the global namespace, evaluation and low-level access.
import './prestart';
import * as path from 'node:path';
import { fastCalls, loadAddon, native, startOptions } from './native';
import { recordDefault, sequenceOf } from './headercache';
import { CppCompileError, CppError, CppSignalError } from './errors';
import type { CppDiagnostic } from './errors';
import { namespaceFor, refreshNamespaces } from './proxy/namespace';
import { callOnce } from './proxy/functions';
import { CPP_NAME, CLASS_STATE } from './objects/symbols';
import type { ClassState, CppObject } from './objects/registry';
import { ll } from './ll';

export { CppError, CppCompileError, CppSignalError };
export type { CppDiagnostic };
export { CppArray, CppPointer } from './convert/pointers';
export { CppInstance } from './proxy/classes';

/** The global C++ namespace. Augment this interface (see `cppjit dts`) to type your headers. */
export interface CppGlobal {
  [name: string]: any;
}

/** Parses a header: 'foo.h' (include paths, then cwd), '<vector>', or an absolute path. Idempotent. */
export function include(header: string): void {
  native().include(header);
  refreshNamespaces();
}

export function addIncludePath(directory: string): void {
  native().addIncludePath(path.resolve(directory));
}

/** Loads a shared library (path, soname or short name like 'z') so JIT-ed code can call into it. */
export function loadLibrary(name: string): void {
  native().loadLibrary(name.includes('/') ? path.resolve(name) : name);
}

/** Declares/defines C++ code. Throws CppCompileError (the interpreter stays usable). */
export function cppdef(code: string): void {
  native().cppdef(code);
  refreshNamespaces();
}

/** Runs C++ statements now. A C++ exception they throw becomes a CppError. */
export function cppexec(code: string): void {
  native().cppexec(code);
}

/** Evaluates a C++ expression and converts the result to JS. */
export function evaluate(expression: string): unknown {
  return callOnce(native().prepareEvaluate(expression));
}

/** Value of an object-like #define (number, string, ...). */
export function macro(name: string): unknown {
  const kind = native().macroKind(name);
  if (kind === null) throw new ReferenceError(`macro ${name} is not defined`);
  if (kind === 'function') throw new TypeError(`macro ${name} is function-like; call it through cppdef/evaluate`);
  return evaluate(name);
}

function typeSpelling(type: unknown): string {
  if (typeof type === 'string') return type;
  if ((typeof type === 'function' || typeof type === 'object') && type !== null) {
    const name = (type as Record<symbol, unknown>)[CPP_NAME];
    if (typeof name === 'string') return name;
  }
  throw new TypeError('expected a C++ type name or a cppjit class/type');
}

/** sizeof of a type: a spelling ('geo::Point') or a class/type object. */
export function sizeof(type: unknown): number {
  return native().sizeOf(typeSpelling(type));
}

/** The C++ type name of a cppjit object (or class/type). */
export function typeName(value: unknown): string {
  if (value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE]) {
    return ((value as CppObject)[CLASS_STATE] as ClassState).info.spelling;
  }
  return typeSpelling(value);
}

/** Start-up facts, for diagnosis. */
export interface CppjitInfo {
  /** The precompiled header of the standard headers this process loaded; null when it parsed them as usual. */
  pch: string | null;
  /** Why, in a few words (also printed at start with CPPJIT_DEBUG=1). */
  pchStatus: string;
  /**
   * The on-disk cache of compiled call wrappers: a process that repeats an earlier one's steps
   * (same flags, headers and definitions, in the same order) links them instead of compiling.
   * directory is null when the cache is off; hits and stored count this process's uses so far.
   */
  objectCache: { directory: string | null; hits: number; stored: number };
  /**
   * V8 fast calls (Node 20, 22, 24): whether this process has them, how many calls took them so far, and
   * whether they are blocked now (C++ holds JS functions, or signals are guarded).
   */
  fastCalls: { enabled: boolean; calls: number; blocked: boolean };
  /**
   * The precompiled header of user headers this process started on (path null when none): the
   * include sequence it holds, whether the include calls have not yet repeated all of it, and why.
   */
  headerCache: { path: string | null; status: string; sequence: string[]; pending: boolean };
}

/** Start-up facts (starts the interpreter if needed). */
export function info(): CppjitInfo {
  const pch = native().precompiledHeader();
  const fast = fastCalls();
  return {
    pch: pch.path,
    pchStatus: pch.detail,
    objectCache: native().objectCache(),
    fastCalls: { enabled: fast !== null, calls: native().fastCount(), blocked: fast !== null && fast.gate[0] !== 0 },
    headerCache: (({ path, detail, sequence, pending }) => ({ path, status: detail, sequence, pending }))(native().headerCache()),
  };
}

/**
 * Precompiles headers ahead of time (deployment images, CI): a later process whose first calls are
 * addIncludePath(each of includePaths) then include(each header), in this order, starts with them
 * already parsed. Takes as long as parsing them (clang++); needs no running interpreter. Runs also
 * record their own leading includes and have them precompiled after exit, without this call.
 */
export function precompile(headers: string | string[], options: { includePaths?: string[] } = {}): { sequence: string[] } {
  const sequence = sequenceOf(typeof headers === 'string' ? [headers] : headers, options.includePaths ?? []);
  const addon = loadAddon();
  const start = startOptions();
  addon.buildPrecompiledHeader(start);  // the standard headers' first: the user headers' chains on it
  addon.buildHeaderCache(start, sequence);
  recordDefault(start.cacheDir, sequence);
  return { sequence };
}

let globalNamespace: CppGlobal | undefined;

/** The C++ null pointer (JS null is accepted too). */
export const nullptr = null;

const api = {
  include,
  addIncludePath,
  loadLibrary,
  cppdef,
  cppexec,
  evaluate,
  macro,
  sizeof,
  typeName,
  info,
  precompile,
  nullptr,
  ll,
  CppError,
  CppCompileError,
  CppSignalError,
  get gbl(): CppGlobal {
    if (!globalNamespace) globalNamespace = namespaceFor(native().globalScope()) as CppGlobal;
    return globalNamespace;
  },
};

export { ll };
export type Cppjit = typeof api;

/** The global namespace (also `cppyy.gbl`). */
export declare const gbl: CppGlobal;
Object.defineProperty(exports, 'gbl', { enumerable: true, get: () => api.gbl });

export default api;
