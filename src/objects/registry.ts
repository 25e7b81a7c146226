// src/objects/registry.ts — the object registry: C++ classes as ClassStates, C++ objects' identity, wrapping, ownership.
//
// Below both conversions (convert/) and the JS classes and namespaces (proxy/): it knows every class
// JS has seen and makes the JS object for a C++ address. Building a class's JS side (its methods,
// fields, protocols) is the proxy layer's, which registers its builder here (setClassBuilder).
import { native, scratchMemory } from '../native';
import type { ClassInfo, MemberInfo, NativeFunction, NativeObjects } from '../types';
import { CppError, THROWN } from '../errors';
import { ADDRESS, CLASS_STATE, DEPENDENTS, KEEP, OFFSETS, OWNED } from './symbols';

export interface ClassState {
  id: number;
  scope: number;
  info: ClassInfo;
  cls: CppClass;
  /** Direct public bases (the first one is the JS superclass). */
  bases: ClassState[];
  /** Offset of every ancestor subobject (by class id), itself included at 0. */
  offsets: Record<number, number>;
  helpers?: { destroy?: number; downcast?: NativeFunction; destroyError?: string; downcastError?: string };
  /** Address of the C++ `delete` helper (0 when the class has no public destructor); set on first use. */
  destroy?: number;
  /** The constructors' overload set (proxy/functions.ts), made on first construction. */
  constructors?: unknown;
  /** The constructor overload set's dispatcher, built on first construction. */
  construct?: NativeFunction;
  members: Map<string, MemberInfo>;
}

export type CppObject = Record<symbol, unknown> & object;
export type CppClass = (new (...args: unknown[]) => object) & { [CLASS_STATE]: ClassState };

const byScope = new Map<number, ClassState>();
const byId: ClassState[] = [];
const byTypeinfo = new Map<number, ClassState | null>();

function helpers(state: ClassState) {
  if (!state.helpers) {
    state.helpers = native().compileClassHelpers(state.info.spelling, state.info.isPolymorphic, state.info.hasPublicDestructor);
  }
  return state.helpers;
}

export function destroyAddress(state: ClassState): number {
  if (state.destroy === undefined) state.destroy = helpers(state).destroy ?? 0;
  return state.destroy;
}

// The identity map and ownership live in native code (weak N-API wraps, see native/objects.cc): a JS
// WeakRef per object would stay alive until the end of the current job and make construction slow.
let registry: NativeObjects | undefined;
function objects(): NativeObjects {
  return (registry ??= native().objects);
}
export { objects as objectRegistry };


/** Makes the ClassState (and JS class) of the class declared at `scope`; set by proxy/classes.ts. */
let classBuilder: (scope: number) => ClassState = () => {
  throw new Error('cppjit: no class builder');
};
export function setClassBuilder(build: (scope: number) => ClassState): void {
  classBuilder = build;
}

/** The class declared at `scope`, built on first use. */
export function classFor(scope: number): ClassState {
  return byScope.get(scope) ?? classBuilder(scope);
}

/** The class already known for `scope` (a redeclaration's, say), if any. */
export function knownClass(scope: number): ClassState | undefined {
  return byScope.get(scope);
}

/** Enters a new class (its id is nextClassId()) under its scopes: the one asked for and its definition's. */
export function registerClass(state: ClassState, scopes: number[]): void {
  byId.push(state);
  for (const scope of scopes) byScope.set(scope, state);
}

/** Another declaration of a known class. */
export function aliasClass(scope: number, state: ClassState): void {
  byScope.set(scope, state);
}

/** The next class id. */
export function nextClassId(): number {
  return byId.length;
}

/** Told when JS takes (`owned`) or gives up ownership of an object: JS subclass instances keep themselves alive for C++. */
let ownershipListener: (obj: CppObject, owned: boolean) => void = () => {};
export function setOwnershipListener(fn: (obj: CppObject, owned: boolean) => void): void {
  ownershipListener = fn;
}

/** Address of `obj`'s subobject of class `classId` (0 when deleted). */
/** The C++ class generated for a JS class extending a C++ class (set by proxy/inheritance.ts, built on demand). */
let derivedNamer: (jsClass: Function) => string | undefined = () => undefined;
export function setDerivedNamer(fn: (jsClass: Function) => string | undefined): void {
  derivedNamer = fn;
}
/** `jsClass`'s generated C++ class name when it is a JS subclass of a C++ class, else undefined. */
export function derivedCppName(jsClass: Function): string | undefined {
  return derivedNamer(jsClass);
}

export function subobjectAddress(obj: CppObject, classId: number): number {
  const address = obj[ADDRESS] as number;
  if (!address) return 0;
  return address + ((obj[OFFSETS] as Record<number, number>)[classId] ?? 0);
}

/** The JS object for a C++ object; `owned` when JS must destroy it. Same address+class gives the same object. */
export function wrap(state: ClassState, address: number, owned: boolean, keep?: unknown): CppObject | null {
  if (!address) return null;
  const registry = objects();
  const existing = registry.find(address, state.id) as CppObject | undefined;
  if (existing !== undefined && existing[ADDRESS] === address) {
    if (owned && !existing[OWNED]) {
      existing[OWNED] = true;
      registry.setOwned(existing, true, destroyAddress(state));
    }
    return existing;
  }
  const obj = Object.create(state.cls.prototype) as CppObject;
  obj[ADDRESS] = address;
  obj[OWNED] = owned;
  obj[KEEP] = keep;
  obj[DEPENDENTS] = undefined;
  registry.track(obj, address, state.id, owned, owned ? destroyAddress(state) : 0);
  if (keep !== undefined && keep !== null && typeof keep === 'object' && ADDRESS in keep) addDependent(keep as CppObject, obj);
  return obj;
}

// Lifelines: a view into an object (a field, a container's element, a cast) keeps it alive through
// KEEP, and is invalidated when that object is deleted explicitly (delete(), Symbol.dispose), so it
// throws instead of reading freed memory. The owner holds its views weakly.
function addDependent(owner: CppObject, view: CppObject): void {
  let views = owner[DEPENDENTS] as WeakRef<CppObject>[] | undefined;
  if (views === undefined) owner[DEPENDENTS] = views = [];
  views.push(new WeakRef(view));
  // Views that are gone leave their entries: swept at every power of two, so the list stays
  // proportional to the live views.
  if (views.length >= 64 && (views.length & (views.length - 1)) === 0) {
    const alive = views.filter((v) => v.deref() !== undefined);
    views.length = 0;
    views.push(...alive);
  }
}

/**
 * A borrowed object a method of `owner` returned (a container's element, an optional's value): a
 * view into `owner` unless it already is one, so that it keeps `owner` alive and ends with it.
 */
export function adoptView(owner: CppObject, result: unknown): void {
  if (result === null || typeof result !== 'object' || !(ADDRESS in result)) return;
  const view = result as CppObject;
  if (view[OWNED] || view[KEEP] !== undefined || view === owner) return;
  view[KEEP] = owner;
  addDependent(owner, view);
}

/** After `owner` was deleted: its views (and theirs) become deleted objects too. */
export function invalidateDependents(owner: CppObject): void {
  const views = owner[DEPENDENTS] as WeakRef<CppObject>[] | undefined;
  if (views === undefined) return;
  owner[DEPENDENTS] = undefined;
  endViews(owner, views);
}

/**
 * Runs a method that may destroy or move the elements of `owner` (a container's erase, clear,
 * push_back; an optional's reset): the views taken before it (elements, their fields) become
 * deleted objects once it returns, as C++ invalidates references to them. Views its result makes
 * stay. If it throws, nothing changed (the standard library's strong guarantee) and they stay too.
 */
export function endingViews(owner: CppObject, call: () => unknown): unknown {
  const before = owner[DEPENDENTS] as WeakRef<CppObject>[] | undefined;
  owner[DEPENDENTS] = undefined;
  let result: unknown;
  try {
    result = call();
  } catch (e) {
    if (before !== undefined) {
      const since = owner[DEPENDENTS] as WeakRef<CppObject>[] | undefined;
      owner[DEPENDENTS] = since === undefined ? before : [...before, ...since];
    }
    throw e;
  }
  if (before !== undefined) endViews(owner, before);
  return result;
}

function endViews(owner: CppObject, views: WeakRef<CppObject>[]): void {
  const registry = objects();
  for (const ref of views) {
    const view = ref.deref();
    if (view === undefined || view[KEEP] !== owner || !view[ADDRESS]) continue;
    view[ADDRESS] = 0;
    registry.release(view);
    invalidateDependents(view);
  }
}

/** Borrowed view of a C++ object through a pointer/reference of static class `state`: the dynamic class wins. */
export function wrapBorrowed(state: ClassState, address: number, keep?: unknown): CppObject | null {
  if (!address) return null;
  if (state.info.isPolymorphic) {
    const dynamic = downcastAddress(state, address);
    if (dynamic && dynamic.state !== state) return wrap(dynamic.state, dynamic.address, false, keep);
  }
  return wrap(state, address, false, keep);
}

/** The complete object (its dynamic class and address) of a polymorphic object seen as `state` at `address`. */
export function downcastAddress(state: ClassState, address: number): { state: ClassState; address: number } | null {
  const downcast = helpers(state).downcast;
  if (!downcast) return null;
  const dynamic = classForTypeinfo(downcast(address) as number);
  return dynamic ? { state: dynamic, address: scratchMemory()[0] } : null;
}

function classForTypeinfo(typeinfo: number): ClassState | null {
  if (!typeinfo) return null;
  let found = byTypeinfo.get(typeinfo);
  if (found === undefined) {
    const name = native().memory.typeinfo_name(typeinfo) as string;
    const scope = native().classByTypeinfoName(name);
    found = scope === null ? null : classFor(scope);
    byTypeinfo.set(typeinfo, found);
  }
  return found;
}

// err.exception: the thrown object as an instance of its dynamic class, alive as long as the error.
Object.defineProperty(CppError.prototype, 'exception', {
  configurable: true,
  get(this: CppError) {
    const thrown = (this as unknown as Record<symbol, { typeinfo: number; holder: object; address: number } | undefined>)[THROWN];
    if (!thrown) return undefined;
    const state = classForTypeinfo(thrown.typeinfo);
    const obj = state ? wrap(state, thrown.address, false, thrown.holder) : undefined;
    Object.defineProperty(this, 'exception', { value: obj });
    return obj;
  },
});

export function ownObject(obj: CppObject): void {
  const state = obj[CLASS_STATE] as ClassState;
  if (!obj[ADDRESS] || obj[OWNED]) return;
  obj[OWNED] = true;
  objects().setOwned(obj, true, destroyAddress(state));
  ownershipListener(obj, true);
}

export function disownObject(obj: CppObject): void {
  if (!obj[OWNED]) return;
  obj[OWNED] = false;
  objects().setOwned(obj, false);
  ownershipListener(obj, false);
}

export function classById(id: number): ClassState {
  return byId[id];
}

export function isClass(value: unknown): value is CppClass {
  return typeof value === 'function' && (value as Partial<CppClass>)[CLASS_STATE] !== undefined;
}

/** Depth of class `argId` below the class declared at `record` (0 = same), or -1 if unrelated. */
export function derivationDepth(argId: number, record: number): number {
  const target = byScope.get(record);
  if (!target) return -1;
  const walk = (state: ClassState, depth: number): number => {
    if (state === target) return depth;
    let best = -1;
    for (const base of state.bases) {
      const d = walk(base, depth + 1);
      if (d >= 0 && (best < 0 || d < best)) best = d;
    }
    return best;
  };
  return walk(byId[argId], 0);
}

