// src/proxy/functions.ts — overload sets: lazy JIT on first call, cached resolution per argument kinds, fast paths per arity.
import { native } from '../native';
import { CppCompileError } from '../errors';
import type { CompileFailure, FunctionInfo, NativeFunction } from '../types';
import { ResolutionCache } from '../cache/resolution';
import { FIRST_CLASS, IMPOSSIBLE, RVALUE_KIND, K_FLOAT, K_INT, K_INT32, K_UNDEFINED, acceptsUndefined, classOfKind, isArrayKind, isValueKind, describeMismatch, kindName, kindOf, score } from '../convert/kinds';
import { convertsImplicitly } from '../convert/implicit';
import { adoptionDepth, sharingDepth } from '../convert/ownership';
import { variadicInvoker } from '../convert/variadic';
import { defineHelpers } from '../convert/helpers';
import { makeAsyncInvoker, makeInvoker, requiredArgs } from '../convert/invoke';
import { ADDRESS, CPP_NAME, FN_SET, OFFSETS } from '../objects/symbols';
import type { ClassState } from '../objects/registry';
import { classById, derivationDepth } from '../objects/registry';
import { deducedType } from './templates';
import { fastCallable } from '../convert/fastcalls';

/** One C++ callable, described once; `invoke` is set when it is compiled. */
export interface Candidate {
  info: FunctionInfo;
  invoke?: NativeFunction; // takes (self?, ...args) in JS values, returns JS values
  invokeAsync?: NativeFunction; // the same arguments, returns a promise (fn.async)
  /** What an overload set's dispatcher calls: invoke, or its V8 fast-call form. */
  dispatched?: NativeFunction;
  /** A function template's specialization: Clang chose it for these C++ argument types only. */
  instantiatedFor?: string;
  failure?: string;
  diagnostics?: CompileFailure;
}

/** How to name a set's function templates in a call Clang resolves (see Session::resolveTemplateCall). */
export interface TemplateSource {
  callee: string;
  isConstructor?: boolean;
  objectType?: string;
  explicitArgs?: string;
}

export class OverloadSet {
  readonly candidates: Candidate[];
  compiled = false;
  readonly cache = new ResolutionCache<Candidate>();
  /** Instantiations made for this set, by the C++ argument types they were made for. */
  readonly instantiations = new Map<string, Candidate | string>();
  /** Constructors: their class. A JS value never converts to it for its own copy or move constructor. */
  constructs?: number;
  listConstructible?: boolean;
  constructor(
    readonly name: string,
    functions: FunctionInfo[],
    /** The class whose methods these are (null for free and static functions). */
    readonly owner: ClassState | null,
    /** Set when the C++ name also has function templates. */
    readonly templates: TemplateSource | null = null,
  ) {
    this.candidates = functions.map((info) => ({ info }));
  }

  get signatures(): string[] {
    return this.candidates.map((c) => c.info.signature);
  }
}

function compileFailure(result: CompileFailure | string): string {
  return typeof result === 'string' ? result : result.error;
}

/**
 * Compiles one candidate on first use (overload sets of class templates are large, and compiling
 * a thunk instantiates what it calls: only the candidates actually chosen are worth it).
 * Returns false, with `failure` set, when it cannot be called.
 */
function ensureCompiled(set: OverloadSet, c: Candidate): boolean {
  if (c.invoke) return true;
  if (c.failure !== undefined) return false;
  if (c.info.isVariadic) {
    c.invoke = variadicInvoker(c.info, set.owner !== null, makeInvoker);
    return true;
  }
  const [r] = native().compileFunctions([c.info.fid]);
  if (typeof r === 'function') {
    c.invoke = makeInvoker(c.info, r, set.owner !== null);
    return true;
  }
  c.failure = compileFailure(r);
  if (typeof r === 'object' && r.diagnostics?.length) c.diagnostics = r;
  return false;
}

/** A set with one candidate and no templates is compiled at once; its compile error is the call's error. */
function compileSet(set: OverloadSet) {
  if (set.compiled) return;
  set.compiled = true;
  if (set.candidates.length === 1 && !set.templates) {
    const c = set.candidates[0];
    if (!ensureCompiled(set, c) && c.diagnostics) throw new CppCompileError(c.diagnostics.error, c.diagnostics.diagnostics);
  }
}

function ensureAsync(set: OverloadSet, c: Candidate): NativeFunction {
  if (c.invokeAsync) return c.invokeAsync;
  const [r] = native().compileFunctions([c.info.fid], true);
  if (typeof r !== 'function') throw new TypeError(`${c.info.signature}: cannot be called asynchronously: ${compileFailure(r)}`);
  c.invokeAsync = makeAsyncInvoker(c.info, r, set.owner !== null);
  return c.invokeAsync;
}

/** fn.async(...args): resolves like a call (on this thread, compiling if needed), then runs the call on the pool. */
function dispatchAsync(set: OverloadSet, args: unknown[], self: number | undefined): Promise<unknown> {
  try {
    const n = effectiveCount(args);
    const call = ensureAsync(set, chosen(set, args, n));
    const given = args.slice(0, n);
    return (self === undefined ? call(...given) : call(self, ...given)) as Promise<unknown>;
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The `async` member of a function: for methods the object is `this` when called as
 * `m.async.call(obj, ...)` (or through a bound method), else the first argument: `obj.m.async(obj, ...)`.
 */
function asyncEntry(set: OverloadSet, isMethod: boolean, fn: Function): Function {
  if (!isMethod) return (...args: unknown[]) => dispatchAsync(set, args, undefined);
  const id = set.owner!.id;
  return function (this: unknown, ...args: unknown[]) {
    let obj = this as Record<symbol, unknown> | undefined;
    if ((obj as unknown) === fn || obj === undefined || obj === null || typeof obj !== 'object' || !(ADDRESS in obj)) {
      obj = args.shift() as Record<symbol, unknown> | undefined;
      if (obj === null || typeof obj !== 'object' || !(ADDRESS in obj))
        return Promise.reject(new TypeError(`${set.name}.async: expected a ${set.owner!.info.spelling} object as 'this' or first argument`));
    }
    const a = obj[ADDRESS] as number;
    const self = a === 0 ? 0 : a + (obj[OFFSETS] as Record<number, number>)[id];
    return keepAlive(dispatchAsync(set, args, self), obj);
  };
}

function keepAlive<T>(promise: Promise<T>, value: unknown): Promise<T> {
  return promise.finally(() => {
    value = undefined;
  });
}

function effectiveCount(args: unknown[]): number {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return n;
}

// Kind keys: for up to FAST_ARITY arguments a number (count, then 16 bits per argument kind), else a string.
const FAST_ARITY = 3;
const KIND_BASE = 65536;

function kindsKey(args: unknown[], n: number): number | string {
  if (n <= FAST_ARITY) {
    let key = n;
    for (let i = 0; i < n; i++) key = key * KIND_BASE + kindOf(args[i]);
    return key;
  }
  let key = `${n}`;
  for (let i = 0; i < n; i++) key += `,${kindOf(args[i])}`;
  return key;
}

/** Picks the best candidate for these arguments (cppyy-like ranking), or throws a TypeError listing all. */
function resolve(set: OverloadSet, args: unknown[], n: number): Candidate {
  for (;;) {
    const best = rank(set, args, n);
    if (ensureCompiled(set, best)) return best;
    // The winner does not compile: rank again without it (its failure is now a listed reason).
  }
}

function rank(set: OverloadSet, args: unknown[], n: number): Candidate {
  let best: Candidate | undefined;
  let bestScore = Infinity;
  const reasons: string[] = [];
  const kinds = args.slice(0, n).map(kindOf);
  for (const c of set.candidates) {
    const { info } = c;
    // A specialization is reused only for the argument types it was made for (instantiateFor): a JS
    // string (a temporary) must not reach one Clang chose for a std::string lvalue.
    if (c.instantiatedFor !== undefined) continue;
    if (c.failure !== undefined) {
      reasons.push(`  ${info.signature}: ${c.failure ?? 'not callable'}`);
      continue;
    }
    const least = requiredArgs(info);
    if (n < least || (n > info.params.length && !info.isVariadic)) {
      const expected = least === info.params.length ? `${least}` : `${least} to ${info.params.length}`;
      reasons.push(`  ${info.signature}: takes ${expected} argument(s), got ${n}`);
      continue;
    }
    let total = 0;
    let mismatch = '';
    for (let i = 0; i < n; i++) {
      const k = kinds[i];
      // Arguments matched by '...' cost a little: a declared parameter is a better match (as in C++).
      if (i >= info.params.length) {
        total += 10;
        continue;
      }
      // An undefined before the last given argument cannot stand for a C++ value.
      const type = info.params[i].type;
      // As in C++, a constructor's own class is not reached by a conversion from the argument
      // (new Sized(1.5) is a constructor taking a double, not a copy of a converted Sized).
      // Nor is an array, for a class with an initializer_list constructor: `C{a, b}` is that
      // constructor, a candidate of its own (a vector's copy constructor taking [1.5, 2] recursed).
      const s = (k === K_UNDEFINED && !acceptsUndefined(type)) ||
        ((isValueKind(k) || (isArrayKind(k) && listConstructible(set))) && type.record !== null && type.record === set.constructs)
        ? IMPOSSIBLE : score(type, k, derivationDepth, convertsImplicitly, adoptionDepth, sharingDepth);
      if (s === IMPOSSIBLE) {
        mismatch = `argument ${i + 1}: ${describeMismatch(info.params[i], k, args[i])}`;
        break;
      }
      total += s;
    }
    if (mismatch) {
      reasons.push(`  ${info.signature}: ${mismatch}`);
      continue;
    }
    if (total < bestScore) {
      best = c;
      bestScore = total;
    }
  }
  if (!best && set.templates) {
    const made = instantiateFor(set, args, n);
    if (typeof made !== 'string') return made;
    reasons.push(`  template ${set.templates.callee}${set.templates.explicitArgs ? `<${set.templates.explicitArgs}>` : ''}: ${made}`);
  }
  if (!best) {
    const shown = kinds.map((k) => (k >= RVALUE_KIND ? `std.move(${classById(classOfKind(k)).info.spelling})` : k >= FIRST_CLASS ? classById(classOfKind(k)).info.spelling : kindName(k))).join(', ');
    throw new TypeError(`no overload of ${set.name} accepts (${shown}); candidates:\n${reasons.join('\n')}`);
  }
  return best;
}

/**
 * Asks Clang which specialization of the set's function templates a C++ call with these
 * argument types would use, compiles it and adds it to the set's candidates (so an existing
 * instantiation is preferred next time). Returns the reason when there is none.
 */
function instantiateFor(set: OverloadSet, args: unknown[], n: number): Candidate | string {
  const argTypes: string[] = [];
  for (let i = 0; i < n; i++) {
    let t = deducedType(args[i]);
    // A JS function converts to what the parameter is once explicit template arguments fix it.
    if (t === null && typeof args[i] === 'function' && set.templates!.explicitArgs) t = '__cppjit_any';
    if (t === null) {
      const hint = typeof args[i] === 'function' ? ` (give the template arguments explicitly, e.g. fn['std::function<int(int)>'](f))` : '';
      return `argument ${i + 1} (${typeof args[i]}) has no C++ type to deduce from${hint}`;
    }
    argTypes.push(t);
  }
  const key = argTypes.join(', ');
  const known = set.instantiations.get(key);
  if (known !== undefined) return known;
  let made: Candidate | string;
  try {
    let info;
    try {
      info = native().resolveTemplateCall({ ...set.templates!, argTypes });
    } catch (e) {
      // With the template arguments given, the parameters' types are known: a JS value stands for
      // whatever its parameter takes ('c' for a char, 1 for a double or an enum), as for any call.
      const values = argTypes.map((t, i) => (isValueKind(kindOf(args[i])) ? '__cppjit_any' : t));
      if (!set.templates!.explicitArgs || values.join() === argTypes.join()) throw e;
      info = native().resolveTemplateCall({ ...set.templates!, argTypes: values });
    }
    const [compiled] = native().compileFunctions([info.fid]);
    if (typeof compiled === 'function') {
      made = { info, invoke: makeInvoker(info, compiled, set.owner !== null), instantiatedFor: key };
      set.candidates.push(made);
    } else {
      made = compileFailure(compiled);
    }
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    made = `no instantiation for (${key}): ${message.split('\n')[0]}${deletedForTemporaries(message, args, n)}`;
  }
  set.instantiations.set(key, made);
  return made;
}

/** Whether a constructor set has an initializer_list constructor. */
function listConstructible(set: OverloadSet): boolean {
  return (set.listConstructible ??= set.candidates.some((c) => /^std::initializer_list</.test(c.info.params[0]?.type.spelling ?? '')));
}

/**
 * Why C++ deleted the overload a call resolved to, when the reason is that JS values are
 * temporaries: `std::regex_search(const std::string&&, ...) = delete` refuses a temporary string,
 * whose match results would point into freed memory.
 */
function deletedForTemporaries(message: string, args: unknown[], n: number): string {
  if (!/call to deleted/.test(message)) return '';
  for (let i = 0; i < n; i++) {
    const v = args[i];
    if (typeof v === 'string') return ` (argument ${i + 1}, a JS string, is a temporary std::string, and C++ deletes this overload for temporaries; pass a std::string that outlives the call: new std.string(text))`;
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return ` (argument ${i + 1}, a JS array, is a temporary, and C++ deletes this overload for temporaries; pass a C++ object that outlives the call)`;
  }
  return '';
}

/** The candidate for these `n` arguments: cached by their kinds, resolved (and compiled) on a miss. */
function chosen(set: OverloadSet, args: unknown[], n: number): Candidate {
  if (!set.compiled) compileSet(set);
  const key = kindsKey(args, n);
  let c = set.cache.get(key);
  if (c === undefined) {
    c = resolve(set, args, n);
    set.cache.set(key, c);
  }
  return c;
}

/** Resolves and calls; `self` is the subobject address for methods (undefined for functions). */
function dispatch(set: OverloadSet, args: unknown[], self: number | undefined): unknown {
  const n = effectiveCount(args);
  const call = chosen(set, args, n).invoke!;
  if (self === undefined) return n === args.length ? call(...args) : call(...args.slice(0, n));
  return call(self, ...args.slice(0, n));
}

/** The constructor entry of a class (built once): overload dispatch returning the new object's address. */
export function constructorFor(state: ClassState): NativeFunction {
  if (!state.constructors) {
    const { info } = state;
    if (!info.isComplete) throw new TypeError(`${info.spelling} is incomplete (only declared); it cannot be constructed`);
    if (info.isAbstract) throw new TypeError(`${info.spelling} is abstract; it cannot be constructed (extend it instead)`);
    if (!info.constructors.length && !info.hasConstructorTemplates) throw new TypeError(`${info.spelling} has no public constructor`);
    const templates = info.hasConstructorTemplates ? { callee: info.spelling, isConstructor: true } : null;
    const made = new OverloadSet(info.spelling, info.constructors, null, templates);
    made.constructs = info.scope;
    state.constructors = made;
  }
  const set = state.constructors as OverloadSet;
  // The class's helpers (deleter, downcast) are needed right after: compiled with the constructor.
  if (!state.helpers) native().announceClassHelpers(state.info.spelling, state.info.isPolymorphic, state.info.hasPublicDestructor);
  compileSet(set);
  const only = set.candidates.length === 1 && !set.templates ? set.candidates[0] : undefined;
  state.construct = (only?.invoke ?? makeDispatcher(set, false)) as NativeFunction;
  // Constructor templates deduce `std::string` from a JS string and `int` from a number. So
  // `new std.wstring('text')` (u16string, u32string) takes the text as a C string of its character
  // type, and `new std.optional[Color](Color.Green)` (an enumerator is a JS number) the number as
  // the class's value_type, when nothing else takes them (as cppyy's typed values would).
  const wide = WIDE_TEXT.exec(state.info.spelling);
  if (wide) state.construct = orConstructedAs(state, `const ${wide[1]}*`, (v) => typeof v === 'string', state.construct, true);
  else if (state.info.hasConstructorTemplates) {
    state.construct = orConstructedAs(state, `typename ${state.info.spelling}::value_type`, (v) => typeof v === 'number' || typeof v === 'boolean', state.construct);
  }
  return state.construct;
}

const WIDE_TEXT = /^std::(?:__cxx11::)?basic_string<(wchar_t|char16_t|char32_t)\b/;
let constructorHelpers = 0;

/**
 * A constructor entry that constructs the class from a single argument `accepts` takes as a
 * `param` (a raw helper returning the new object's address): at once when `direct`, else when
 * `general` has no overload for it. When the helper does not compile, `general` decides alone.
 */
function orConstructedAs(state: ClassState, param: string, accepts: (v: unknown) => boolean, general: NativeFunction, direct = false): NativeFunction {
  let from: NativeFunction | null | undefined;
  const helper = (): NativeFunction | null => {
    if (from === undefined) {
      const S = state.info.spelling;
      const name = `construct_from_${++constructorHelpers}`;
      try {
        [from] = defineHelpers(`inline ${S}* ${name}(${param} v) { return new ${S}(v); }\n`, [name], true);
      } catch {
        from = null;
      }
    }
    return from;
  };
  return (...args: unknown[]) => {
    if (args.length !== 1 || !accepts(args[0])) return general(...args);
    if (direct) return (helper() ?? general)(...args);
    try {
      return general(...args);
    } catch (e) {
      const made = e instanceof TypeError && e.message.startsWith('no overload') ? helper() : null;
      if (!made) throw e;
      return made(args[0]);
    }
  };
}

/** Returns the invoker for `n` arguments of kinds `key`, resolving (and caching) on a miss. */
function pick(set: OverloadSet, n: number, key: number, args: unknown[]): NativeFunction {
  let c = set.cache.get(key);
  if (c === undefined) {
    c = resolve(set, args, n);
    set.cache.set(key, c);
  }
  if (!c.dispatched) {
    // Each cached candidate keeps its own call site in the dispatcher: a fast call there too.
    const fast = c.info.kind === 'method' ? fastCallable(c.invoke!, c.invoke!, { kind: 'address' }) : c.info.kind !== 'constructor' && set.owner === null ? fastCallable(c.invoke!, c.invoke!) : null;
    c.dispatched = (fast ?? c.invoke!) as NativeFunction;
  }
  return c.dispatched;
}

/**
 * The entry function of a compiled set with several candidates, generated per set: for up to
 * FAST_ARITY arguments it has named parameters (no rest array, no spread) and a two-entry inline
 * cache per argument count in closure variables, so alternating argument kinds still hit.
 * Other calls take the generic path.
 */
function makeDispatcher(set: OverloadSet, isMethod: boolean): Function {
  // Templates may be instantiated for any argument count later.
  const most = set.templates ? FAST_ARITY : Math.min(FAST_ARITY, Math.max(...set.candidates.map((c) => c.info.params.length)));
  const least = set.templates ? 0 : Math.min(...set.candidates.map((c) => requiredArgs(c.info)));
  const params = Array.from({ length: most }, (_, i) => `a${i}`);
  const self = isMethod ? 's, ' : '';
  const lines: string[] = ["'use strict';"];
  const cases: string[] = [];
  for (let n = Math.min(least, most); n <= most; n++) {
    const given = params.slice(0, n).join(', ');
    let key = `${n}`;
    // Numbers are classified inline: this function's own type feedback stays precise even when the
    // shared kindOf() has seen every kind of value.
    for (let i = 0; i < n; i++) {
      const kind = `(typeof a${i} === 'number' ? ((a${i} | 0) === a${i} ? ${K_INT32} : Number.isSafeInteger(a${i}) ? ${K_INT} : ${K_FLOAT}) : K(a${i}))`;
      key = `(${key}) * ${KIND_BASE} + ${kind}`;
    }
    lines.push(
      `let k${n}a = -1, c${n}a = null, k${n}b = -1, c${n}b = null;`,
      // Slot a keeps the first kinds seen for good, slot b the latest others: a slot that never
      // changes its function keeps its call site monomorphic.
      `function m${n}(k, args) { const c = pick(set, ${n}, k, args); if (k${n}a === -1) { k${n}a = k; c${n}a = c; } else { k${n}b = k; c${n}b = c; } return c; }`,
    );
    cases.push(
      `    case ${n}: if (${n === 0 ? 'true' : `a${n - 1} !== undefined`}) {`,
      `      const k = ${key};`,
      // Separate call sites keep each one monomorphic (V8 calls a known native function faster).
      `      if (k === k${n}a) return c${n}a(${self}${given});`,
      `      if (k === k${n}b) return c${n}b(${self}${given});`,
      `      return m${n}(k, [${given}])(${self}${given});`,
      '    }',
      '    break;',
    );
  }
  lines.push(
    `return function (${params.join(', ')}) {`,
    ...(isMethod ? ['  const a = this?.[A];', '  if (a === undefined) throw badSelf(set.name, this);', `  const s = a === 0 ? 0 : a + this[O][${set.owner!.id}];`] : ['  const s = undefined;']),
    '  switch (arguments.length) {',
    ...cases,
    '  }',
    '  return slow(set, Array.prototype.slice.call(arguments), s);',
    '};',
  );
  return new Function('set', 'K', 'pick', 'slow', 'A', 'O', 'badSelf', lines.join('\n'))(set, kindOf, pick, dispatch, ADDRESS, OFFSETS, badSelf);
}

function decorate(fn: Function, set: OverloadSet, isMethod: boolean): Function {
  Object.defineProperty(fn, 'signatures', { get: () => set.signatures, configurable: true });
  Object.defineProperty(fn, 'async', { value: asyncEntry(set, isMethod, fn), configurable: true, writable: true });
  Object.defineProperty(fn, CPP_NAME, { value: set.name, configurable: true });
  Object.defineProperty(fn, FN_SET, { value: set, configurable: true });
  Object.defineProperty(fn, 'overload', {
    configurable: true,
    value: (spec: string) => {
      const wanted = normalizeSignature(spec);
      const c = set.candidates.find((cand) => normalizeSignature(cand.info.params.map((p) => p.type.display).join(',')) === wanted);
      if (!c) throw new TypeError(`${set.name} has no overload (${spec}); available:\n  ${set.signatures.join('\n  ')}`);
      if (!ensureCompiled(set, c)) throw new TypeError(`${c.info.signature}: ${c.failure}`);
      const call = c.invoke!;
      const only = new OverloadSet(set.name, [c.info], set.owner);
      only.candidates[0] = c;
      if (!isMethod) {
        const one = (...args: unknown[]) => call(...args);
        Object.defineProperty(one, FN_SET, { value: new OverloadSet(set.name, [c.info], null) });
        Object.defineProperty(one, 'async', { value: asyncEntry(only, false, one) });
        return one;
      }
      const id = set.owner!.id;
      const method = function (this: Record<symbol, unknown>, ...args: unknown[]) {
        const a = this?.[ADDRESS] as number | undefined;
        if (a === undefined) throw badSelf(set.name, this);
        return call(a ? a + (this[OFFSETS] as Record<number, number>)[id] : 0, ...args);
      };
      Object.defineProperty(method, 'async', { value: asyncEntry(only, true, method) });
      return method;
    },
  });
  return fn;
}

function normalizeSignature(s: string): string {
  return s.replace(/\s+/g, '').replace(/^\(|\)$/g, '');
}

/** Fast path for a method with a single candidate: arity-specialised, no dispatch. */
function singleMethod(call: NativeFunction, classId: number, arity: number, name: string): Function {
  const params = Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
  const body =
    `'use strict';\n` +
    `return function (${params}) {\n` +
    `  const a = this?.[A];\n` +
    `  if (a === undefined) throw badSelf(name, this);\n` +
    // More arguments than parameters: all of them, for the thunk to refuse (or drop trailing undefineds).
    `  if (arguments.length > ${arity}) return call(a === 0 ? 0 : a + this[O][${classId}], ...arguments);\n` +
    `  return call(a === 0 ? 0 : a + this[O][${classId}]${arity ? ', ' + params : ''});\n` +
    `};`;
  return new Function('call', 'A', 'O', 'badSelf', 'name', body)(call, ADDRESS, OFFSETS, badSelf, name);
}

/** A method called on something that is no C++ object (a detached method, `call` with another `this`). */
function badSelf(name: string, self: unknown): TypeError {
  const what = self === undefined || self === null ? String(self) : typeof self === 'object' ? 'an object that is not a C++ instance' : `a ${typeof self}`;
  return new TypeError(`${name}() must be called on an instance of its class, not on ${what} (detached methods lose their object: bind it)`);
}

/**
 * The JS function for an overload set. Its first call compiles the set; it then replaces itself on
 * `holder[key]` with the fastest form (the native thunk itself when no conversion is needed), so
 * later property reads get that directly.
 */
export function makeCallable(set: OverloadSet, holder: object | null, key: string, enumerable: boolean): Function {
  const isMethod = set.owner !== null;
  let fast: Function | null = null;
  const build = (): Function => {
    compileSet(set);
    const only = set.candidates.length === 1 && !set.templates ? set.candidates[0] : undefined;
    if (only?.invoke) {
      const call = only.invoke;
      const info = only.info;
      if (!isMethod) return fastCallable(call, call) ?? call;
      const method = singleMethod(call, set.owner!.id, info.params.length, set.name);
      if (info.kind === 'method') return fastCallable(call, method, { kind: 'method', classId: set.owner!.id, address: ADDRESS, offsets: OFFSETS }) ?? method;
      return method;
    }
    return makeDispatcher(set, isMethod);
  };
  const resolveOnce = (): Function => {
    if (!fast) {
      fast = build();
      if (fast !== stub) {
        decorate(fast, set, isMethod);
        Object.defineProperty(fast, 'name', { value: key, configurable: true });
        const current = holder ? Object.getOwnPropertyDescriptor(holder, key) : undefined;
        if (holder && current && current.value === stub) {
          Object.defineProperty(holder, key, { value: fast, writable: true, configurable: true, enumerable });
        }
      }
    }
    return fast;
  };
  // A reference taken before the first call keeps the stub: with one arity it forwards without a
  // spread, so that V8 still inlines what it calls (a fast call included).
  const arity = set.templates ? -1 : uniformArity(set.candidates.map((c) => c.info));
  const stub: Function = arity >= 0
    ? fixedArityStub(arity, resolveOnce, isMethod)
    : function (this: unknown, ...args: unknown[]) {
      return resolveOnce().apply(this, args);
    };
  Object.defineProperty(stub, 'name', { value: key, configurable: true });
  decorate(stub, set, isMethod);
  return set.templates ? withExplicitArguments(stub, set, isMethod) : stub;
}

/** The one parameter count of every candidate (no defaults, no variadics), or -1. */
function uniformArity(infos: FunctionInfo[]): number {
  if (!infos.length) return -1;
  const n = infos[0].params.length;
  return n <= 8 && infos.every((f) => !f.isVariadic && f.minArgs === n && f.params.length === n) ? n : -1;
}

function fixedArityStub(n: number, resolve: () => Function, isMethod: boolean): Function {
  const params = Array.from({ length: n }, (_, i) => `a${i}`).join(', ');
  const call = isMethod ? `f.call(this${n ? `, ${params}` : ''})` : `f(${params})`;
  const body = `'use strict';\nlet f = null;\nreturn function (${params}) {\n  if (f === null) f = resolve();\n` +
    `  if (arguments.length === ${n}) return ${call};\n  return f.apply(this, arguments);\n};`;
  return new Function('resolve', body)(resolve) as Function;
}

const EXPLICIT = Symbol('cppjit.explicitInstantiations');
const explicitTraps: ProxyHandler<Function> = {
  get(target, key, receiver) {
    if (typeof key === 'symbol' || key in target || key === 'then') return Reflect.get(target, key, receiver);
    const { set, isMethod, made } = (target as unknown as Record<symbol, { set: OverloadSet; isMethod: boolean; made: Map<string, Function> }>)[EXPLICIT];
    const args = key.replace(/\s+/g, ' ').trim();
    let fn = made.get(args);
    if (!fn) {
      const source: TemplateSource = { ...set.templates!, explicitArgs: args };
      fn = makeCallable(new OverloadSet(`${set.name}<${args}>`, [], set.owner, source), null, key, !isMethod);
      made.set(args, fn);
    }
    return fn;
  },
};

/**
 * A method with templates, bound to its object on access, so explicit template arguments keep
 * the object: `obj.as['int']()`.
 */
export function bindTemplateMethod(method: Function, self: object): Function {
  const bound = function (...args: unknown[]) {
    return method.apply(self, args);
  };
  return new Proxy(bound, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver);
      const member = (method as unknown as Record<string, unknown>)[key];
      return typeof member === 'function' ? (...args: unknown[]) => (member as Function).apply(self, args) : member;
    },
  });
}

/** A set with function templates also takes explicit template arguments by subscript: `fn['double'](x)`. */
function withExplicitArguments(fn: Function, set: OverloadSet, isMethod: boolean): Function {
  Object.defineProperty(fn, EXPLICIT, { value: { set, isMethod, made: new Map() } });
  return new Proxy(fn, explicitTraps);
}

/** Compiles and calls a one-off function description (evaluate()). */
export function callOnce(info: FunctionInfo): unknown {
  const set = new OverloadSet(info.name, [info], null);
  compileSet(set);
  const c = set.candidates[0];
  if (!ensureCompiled(set, c)) throw new TypeError(c.failure ?? `cannot call ${info.signature}`);
  return c.invoke!();
}
