// src/proxy/functions.ts — overload sets: lazy JIT on first call, cached resolution per argument kinds, fast paths per arity.
import { native } from '../native';
import { CppCompileError } from '../errors';
import type { CompileFailure, FunctionInfo, NativeFunction, TypeInfo } from '../types';
import { ResolutionCache } from '../cache/resolution';
import { FIRST_CLASS, IMPOSSIBLE, RVALUE_KIND, K_FLOAT, K_INT, K_INT32, K_UNDEFINED, acceptsBraced, acceptsEntries, acceptsSequence, acceptsUndefined, acceptsValueConversion, classOfKind, isArrayKind, isArrayLike, isValueKind, describeMismatch, kindName, kindOf, score, takesTemporary } from '../convert/kinds';
import { convertsImplicitly, implicitConversion } from '../convert/implicit';
import { releasingTemporaries, temporaries, temporaryBraced, temporaryConversion, temporaryEntries, temporarySequence, temporaryValue } from '../convert/temporaries';
import type { Temporary } from '../convert/temporaries';
import { isInstance, objectAddress } from '../convert/objects';
import { Rvalue } from '../convert/rvalues';
import { adoptedAddress, adoptionDepth, adoptsObjects, uniqueElement } from '../convert/ownership';
import { CppPointer, makePointer, pointerConverter, referenceConverter } from '../convert/pointers';
import { acceptsLiteral, convertingForLater, isPlainObject, positionalLiteral, releasingStructs, structPointer, temporaryStruct, temporaryStructArray } from '../convert/structs';
import { callbackArgument, callbackResult, keepingCallbacks } from '../convert/callbacks';
import { ADDRESS, CLASS_STATE, CPP_NAME, FN_SET, OFFSETS } from './symbols';
import type { ClassState, CppObject } from './classes';
import { classById, classFor, derivationDepth, wrap, wrapBorrowed } from './classes';
import { deducedType } from './templates';
import { variadicInvoker } from '../convert/variadic';
import { optionalArgument, optionalResult } from '../convert/optional';

/** One C++ callable, described once; `invoke` is set when it is compiled. */
export interface Candidate {
  info: FunctionInfo;
  invoke?: NativeFunction; // takes (self?, ...args) in JS values, returns JS values
  invokeAsync?: NativeFunction; // the same arguments, returns a promise (fn.async)
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

type Converter = (value: unknown) => unknown;

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
      const expected = `${state.info.spelling} (${t.display})`;
      const lvalueOnly = t.kind === 'objectref' && !t.isConst && !t.isRvalueRef;
      return (v) => {
        try {
          if (isInstance(v, state)) return objectAddress(v, state, expected);
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
        if (v === null || v === undefined) return 0;
        try {
          if (literal && isPlainObject(v)) return temporaryStruct(state, v);
          if (literal && Array.isArray(v)) return temporaryStructArray(state, v);
          if (v instanceof CppPointer) return structPointer(v, state);
          if (v instanceof Rvalue) throw new TypeError(`std.move(x) is an rvalue: it has no address to pass as ${t.display}`);
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

function resultConverter(t: TypeInfo): Converter | null {
  const callable = callbackResult(t);
  if (callable) return callable;
  switch (t.kind) {
    case 'object': {
      const optional = optionalResult(t);
      if (optional) return optional;
      const state = classFor(t.record!);
      return (address) => wrap(state, address as number, true);
    }
    case 'objectref':
    case 'objectptr': {
      const state = classFor(t.record!);
      return (address) => wrapBorrowed(state, address as number);
    }
    case 'pointer':
      return (address) => makePointer(address as number, t.pointee);
    default:
      return null;
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

/** Per parameter: a std::optional without a default argument, which an omitted or undefined argument leaves empty. */
function emptyable(info: FunctionInfo): boolean[] {
  return info.params.map((p) => !p.hasDefault && acceptsUndefined(p.type));
}

/** The fewest arguments a call needs: trailing std::optional parameters may be left out too. */
function requiredArgs(info: FunctionInfo): number {
  let n = info.minArgs;
  while (n > 0 && acceptsUndefined(info.params[n - 1].type)) n--;
  return n;
}

export function makeInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean): NativeFunction {
  const offset = hasSelf ? 1 : 0;
  const converters = info.params.map((p, i) =>
    argumentConverter(p.type, `${info.signature}: argument ${i + 1}${p.name ? ` ('${p.name}')` : ''}`));
  const convert = info.kind === 'constructor' ? null : resultConverter(info.result);
  const indexes = converters.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  if (!indexes.length && !convert) return fn;
  // std::optional parameters without a default: left out or undefined is an empty optional.
  const empties = emptyable(info);
  let invoke: NativeFunction = (...args: unknown[]) => {
    for (const i of indexes) {
      const at = i + offset;
      if (at < args.length && args[at] !== undefined) args[at] = converters[i]!(args[at]);
      else if (empties[i]) args[at] = converters[i]!(undefined);
    }
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
function makeAsyncInvoker(info: FunctionInfo, fn: NativeFunction, hasSelf: boolean): NativeFunction {
  const offset = hasSelf ? 1 : 0;
  const converters = info.params.map((p, i) =>
    argumentConverter(p.type, `${info.signature}: argument ${i + 1}${p.name ? ` ('${p.name}')` : ''}`));
  const convert = info.kind === 'constructor' ? null : resultConverter(info.result);
  const indexes = converters.map((c, i) => (c ? i : -1)).filter((i) => i >= 0);
  const empties = emptyable(info);
  let converted: unknown[] = [];
  const start = keepingCallbacks((...args: unknown[]) => {
    for (const i of indexes) {
      const at = i + offset;
      if (at < args.length && args[at] !== undefined) args[at] = converters[i]!(args[at]);
      else if (empties[i]) args[at] = converters[i]!(undefined);
    }
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
        ? IMPOSSIBLE : score(type, k, derivationDepth, convertsImplicitly, adoptionDepth);
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
    const info = native().resolveTemplateCall({ ...set.templates!, argTypes });
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

/** The [key, value] pairs of an array, each checked (a sparse or mixed array fails at its first bad element, at once). */
function* entryPairs(values: unknown[]): Generator<[unknown, unknown]> {
  for (let i = 0; i < values.length; i++) {
    const e = values[i];
    if (!Array.isArray(e) || e.length !== 2) throw new TypeError(`element ${i}: expected a [key, value] pair, got ${Array.isArray(e) ? `an array of ${e.length}` : e === null ? 'null' : typeof e}`);
    yield e as [unknown, unknown];
  }
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
    state.constructors = new OverloadSet(info.spelling, info.constructors, null, templates);
    state.constructors.constructs = info.scope;
  }
  const set = state.constructors;
  // The class's helpers (deleter, downcast) are needed right after: compiled with the constructor.
  if (!state.helpers) native().announceClassHelpers(state.info.spelling, state.info.isPolymorphic, state.info.hasPublicDestructor);
  compileSet(set);
  const only = set.candidates.length === 1 && !set.templates ? set.candidates[0] : undefined;
  state.construct = (only?.invoke ?? makeDispatcher(set, false)) as NativeFunction;
  return state.construct;
}

/** Returns the invoker for `n` arguments of kinds `key`, resolving (and caching) on a miss. */
function pick(set: OverloadSet, n: number, key: number, args: unknown[]): NativeFunction {
  let c = set.cache.get(key);
  if (c === undefined) {
    c = resolve(set, args, n);
    set.cache.set(key, c);
  }
  return c.invoke!;
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
      if (!isMethod) return call;
      return singleMethod(call, set.owner!.id, info.params.length, set.name);
    }
    return makeDispatcher(set, isMethod);
  };
  const stub = function (this: unknown, ...args: unknown[]) {
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
    return fast.apply(this, args);
  };
  Object.defineProperty(stub, 'name', { value: key, configurable: true });
  decorate(stub, set, isMethod);
  return set.templates ? withExplicitArguments(stub, set, isMethod) : stub;
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

/**
 * Compiles generated helper functions (one candidate each) in one batch and returns their
 * invokers, in order. Helpers are called with exactly their parameters, so no resolution is needed.
 */
export function compileHelpers(infos: FunctionInfo[]): NativeFunction[] {
  const results = native().compileFunctions(infos.map((f) => f.fid));
  return results.map((r, i) => {
    if (typeof r !== 'function') {
      const failure = typeof r === 'string' ? { error: r } : r;
      throw new CppCompileError(failure.error, failure.diagnostics ?? []);
    }
    return makeInvoker(infos[i], r, false);
  });
}
