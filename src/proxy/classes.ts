// src/proxy/classes.ts — real JS classes mirroring C++ classes: construction, deletion, inspection, fields, methods, statics.
import { inspect } from 'node:util';
import { native } from '../native';
import type { FieldInfo, MemberInfo } from '../types';
import { ADDRESS, CLASS_ID, CLASS_STATE, CPP_NAME, DEPENDENTS, INSPECT, KEEP, OFFSETS, OWNED } from '../objects/symbols';
import type { Inspect, InspectOptions } from '../objects/symbols';
import type { ClassState, CppClass, CppObject } from '../objects/registry';
import { aliasClass, classFor, derivedCppName, destroyAddress, invalidateDependents, knownClass, nextClassId, objectRegistry, registerClass, setClassBuilder } from '../objects/registry';
import { OverloadSet, bindTemplateMethod, constructorFor, makeCallable } from './functions';
import { fieldAccessor } from '../convert/fields';
import { memberValue } from './members';
import { installProtocols } from './protocols';
import { constructDerived } from './inheritance';
import { installConversions, installOperators, printerFor } from './operators';
import { positionalLiteral } from '../convert/structs';
import { MAP_SPELLING } from '../convert/kinds';
import { adoptView, endingViews } from '../objects/registry';

// The standard library's methods that destroy or move elements, after which C++ references to
// them (JS views: `v.at(0)`, `m.at(k)`, an element's field) dangle. Node-based containers keep
// their other elements in place, but which one an erase removes is not known here: every view of
// the container ends (a later use throws instead of reading freed memory).
const CONTIGUOUS = /^std::(?:__\w+::)?(?:vector|deque|basic_string)</;
const NODE_BASED = /^std::(?:__\w+::)?(?:list|forward_list|(?:unordered_)?(?:multi)?(?:map|set))</;
const HOLDER = /^std::(?:__\w+::)?(?:optional|unique_ptr|variant)</;
const CONTIGUOUS_ENDING = new Set(['insert', 'emplace', 'push_back', 'emplace_back', 'push_front', 'emplace_front', 'erase', 'clear',
  'pop_back', 'pop_front', 'resize', 'reserve', 'shrink_to_fit', 'assign', 'swap', 'append', 'replace']);
const NODE_ENDING = new Set(['erase', 'clear', 'extract', 'swap', 'pop_back', 'pop_front', 'resize', 'assign', 'remove', 'remove_if',
  'unique', 'erase_after']);
const HOLDER_ENDING = new Set(['reset', 'emplace', 'swap']);

const STANDARD_HOLDER = /^std::(?:__\w+::)?(?:vector|deque|basic_string|array|list|forward_list|(?:unordered_)?(?:multi)?(?:map|set)|optional|unique_ptr|variant)</;

function endsViews(spelling: string, method: string): boolean {
  if (CONTIGUOUS.test(spelling)) return CONTIGUOUS_ENDING.has(method);
  if (NODE_BASED.test(spelling)) return NODE_ENDING.has(method);
  return HOLDER.test(spelling) && HOLDER_ENDING.has(method);
}

// A template method (emplace_back...) bound to `self`, with its explicit-argument forms (`['int']`).
function elementBound(bound: Function, self: CppObject, ends: boolean): Function {
  const run = (call: () => unknown) => {
    const result = ends ? endingViews(self, call) : call();
    adoptView(self, result);
    return result;
  };
  return new Proxy(bound, {
    apply: (target, thisArg, args) => run(() => Reflect.apply(target, thisArg, args)),
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || key in Function.prototype) return value;
      return (...args: unknown[]) => run(() => (value as Function)(...args));
    },
  });
}

// A method of a standard container or holder: what it returns by reference (`at`, `front`,
// `value`, `get`) is a view of the object; `ends`: it also ends the views taken before it (a
// container no view was taken of pays one property read).
function elementMethod(method: Function, ends: boolean, returnsView: boolean): Function {
  const wrapped = function (this: CppObject, ...args: unknown[]) {
    const result = ends && this[DEPENDENTS] !== undefined ? endingViews(this, () => method.apply(this, args)) : method.apply(this, args);
    if (returnsView) adoptView(this, result);
    return result;
  };
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(method));
  return wrapped;
}

// Symbol.dispose, for `using obj = new T()`: Node 20 and later define it; declared for projects whose
// lib predates it (as @types/node declares it).
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Base of every generated class: construction, deletion, disposal and inspection. */
export class CppInstance {
  constructor(...args: unknown[]) {
    const state = (new.target as unknown as CppClass)[CLASS_STATE];
    if (!state) throw new TypeError('cppjit: CppInstance cannot be constructed directly');
    // A JS class extending a C++ class: its own C++ subclass is constructed.
    if (state.cls !== new.target) {
      constructDerived(this as unknown as CppObject, new.target, args);
      return;
    }
    let address: number;
    try {
      address = (state.construct ?? constructorFor(state))(...args) as number;
    } catch (e) {
      address = aggregateFallback(state, args, e);
    }
    const self = this as unknown as CppObject;
    self[ADDRESS] = address;
    self[OWNED] = true;
    self[KEEP] = undefined;
    self[DEPENDENTS] = undefined;
    objectRegistry().track(self, address, state.id, true, state.destroy ?? destroyAddress(state));
  }

  /** Runs the C++ destructor now (objects owned by JS only). Later use throws. */
  delete(): void {
    const self = this as unknown as CppObject;
    const address = self[ADDRESS] as number;
    if (!address) return;
    const state = self[CLASS_STATE] as ClassState;
    if (!self[OWNED]) {
      throw new TypeError(`${state.info.spelling} at 0x${address.toString(16)} is borrowed from C++ (not owned by JS); ` +
        'use cppyy.ll.own(obj) first to take ownership');
    }
    self[ADDRESS] = 0;
    self[OWNED] = false;
    objectRegistry().release(self);
    if (self[DEPENDENTS] !== undefined) invalidateDependents(self);
  }

  [Symbol.dispose](): void {
    this.delete();
  }

  [INSPECT](depth: number, options: InspectOptions, show: Inspect): string {
    const self = this as unknown as CppObject;
    const state = self[CLASS_STATE] as ClassState;
    // A JS class extending a C++ class shows as `Circle [geo::Shape]` rather than its generated C++ subclass.
    const ctor = (this as { constructor?: Function }).constructor;
    const label = ctor && ctor !== state.cls && state.bases[0]
      ? `${ctor.name} [${state.bases[0].info.displayName || state.bases[0].info.spelling}]`
      : state.info.displayName || state.info.spelling;
    if (!self[ADDRESS]) return `${label} <deleted>`;
    if (depth < 0) return options.stylize(`[${label}]`, 'special');
    if (typeof (this as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function') {
      try {
        return inspectContainer(this as unknown as Iterable<unknown>, label, depth, options, show);
      } catch {
        // begin()/end() that do not iterate (Eigen's begin() of a matrix returns void): the fields.
      }
    }
    const names = [...allFields(state)].map(([name]) => name);
    // Nothing public to show (Eigen's matrices): what operator<< prints, when the class has one.
    const print = names.length ? null : printerFor(state);
    if (print) {
      try {
        return `${label} ${options.stylize(JSON.stringify(print(this)), 'string')}`;
      } catch {
        // shown as {} below
      }
    }
    const fields: Record<string, unknown> = {};
    for (const name of names) {
      try {
        fields[name] = (this as Record<string, unknown>)[name];
      } catch (e) {
        fields[name] = `<${(e as Error).message}>`;
      }
    }
    const body = (show ?? inspect)(fields, { ...options, depth: (options as { depth?: number }).depth === null ? null : depth - 1 } as never);
    return `${label} ${body === '{}' ? '{}' : body}`;
  }
}

installOperators(CppInstance.prototype);

/** Adds the constructors JS cannot call (private, protected, deleted) to a failed construction's TypeError. */
/**
 * An aggregate made from positional values, `new Agg(1, 2.5)` as C++'s `Agg{1, 2.5}`: tried when no
 * constructor takes the arguments, through the copy constructor and an object literal of the fields.
 */
function aggregateFallback(state: ClassState, args: unknown[], e: unknown): number {
  const { info } = state;
  if (!(e instanceof TypeError) || !info.isAggregate || info.isPolymorphic || !args.length || args.length > info.fields.length || state.bases.length) {
    throw explainConstructors(state, e);
  }
  try {
    return (state.construct ?? constructorFor(state))(positionalLiteral(state, args)) as number;
  } catch (second) {
    if (second instanceof Error) e.message += `\nas the aggregate ${info.spelling}{${info.fields.slice(0, args.length).map((f) => f.name).join(', ')}}: ${second.message}`;
    throw explainConstructors(state, e);
  }
}

function explainConstructors(state: ClassState, e: unknown): unknown {
  const hidden = state.info.hiddenConstructors ?? [];
  if (e instanceof TypeError && hidden.length && !e.message.includes('not callable from JS:')) {
    e.message += `\nnot callable from JS: ${hidden.join('; ')}`;
  }
  return e;
}

// Containers show their elements, the way Node shows an Array or a Map (truncated at maxArrayLength).
function inspectContainer(items: Iterable<unknown>, spelling: string, depth: number,
  options: InspectOptions, show: Inspect): string {
  const limit = options.maxArrayLength === null ? Infinity : options.maxArrayLength ?? 100;
  const mapLike = MAP_SPELLING.test(spelling);
  const shown: unknown[] = [];
  // size() when the container has one, so a huge container is not walked past what is shown.
  const size = (items as { size?: () => unknown }).size;
  let total = 0;
  for (const item of items) {
    if (total >= limit && typeof size === 'function') break;
    if (total++ < limit) shown.push(item);
  }
  if (typeof size === 'function') total = Number(size.call(items));
  const inner = { ...options, depth: (options as { depth?: number | null }).depth === null ? null : depth - 1 } as never;
  const parts = shown.map((v) => (mapLike && Array.isArray(v) ? `${show(v[0], inner)} => ${show(v[1], inner)}` : show(v, inner)));
  if (total > shown.length) parts.push(`... ${total - shown.length} more item${total - shown.length > 1 ? 's' : ''}`);
  const [open, close] = mapLike ? ['{', '}'] : ['[', ']'];
  const oneLine = parts.join(', ');
  const body = !parts.length ? `${open}${close}` : oneLine.length <= 72 && !oneLine.includes('\n')
    ? `${open} ${oneLine} ${close}` : `${open}\n  ${parts.join(',\n').replace(/\n/g, '\n  ')}\n${close}`;
  return `${spelling}(${total}) ${body}`;
}

function allFields(state: ClassState, out = new Map<string, FieldInfo>()): Map<string, FieldInfo> {
  for (const base of state.bases) allFields(base, out);
  for (const f of state.info.fields) if (!f.isProtected) out.set(f.name, f);
  return out;
}

function lookupMember(state: ClassState, name: string): MemberInfo {
  let m = state.members.get(name);
  if (!m) {
    m = native().lookup(state.scope, name);
    state.members.set(name, m);
  }
  return m;
}

function defineLazy(target: object, name: string, enumerable: boolean, resolve: () => PropertyDescriptor | undefined) {
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable,
    get() {
      const descriptor = resolve();
      if (!descriptor) return undefined;
      Object.defineProperty(target, name, { configurable: true, enumerable, ...descriptor });
      return descriptor.get ? descriptor.get.call(this) : descriptor.value;
    },
    set(value: unknown) {
      const descriptor = resolve();
      if (descriptor?.set) {
        Object.defineProperty(target, name, { configurable: true, enumerable, ...descriptor });
        descriptor.set.call(this, value);
        return;
      }
      Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

/** The JS class for the C++ class declared at `scope`, built on first use. */
/** Builds the JS class for the C++ class declared at `scope` (the registry's class builder). */
function buildClass(scope: number): ClassState {
  const info = native().describeClass(scope);
  const again = knownClass(info.scope);
  if (again) {
    aliasClass(scope, again);
    return again;
  }
  const bases = info.bases.filter((b) => b.isPublic).map((b) => classFor(b.scope));
  const Parent = (bases[0]?.cls ?? CppInstance) as unknown as new (...args: unknown[]) => object;
  const named = { [info.name || 'CppClass']: class extends Parent {} };
  const cls = named[info.name || 'CppClass'] as unknown as CppClass;
  const state: ClassState = {
    id: nextClassId(),
    scope: info.scope,
    info,
    cls,
    bases,
    offsets: {},
    members: new Map(),
  };
  registerClass(state, [scope, info.scope]);

  // Ancestor offsets: each base's table shifted by where that base sits in this class. Virtual
  // bases first, at their offsets in an object of exactly this class (a base's own table has them
  // where they sit in a complete object of that base, which differs).
  state.offsets[state.id] = 0;
  const merge = (base: ClassState, at: number) => {
    for (const [id, off] of Object.entries(base.offsets)) {
      if (state.offsets[Number(id)] === undefined) state.offsets[Number(id)] = at + off;
    }
  };
  const virtualBases = (info.virtualBases ?? []).filter((v) => v.isPublic).map((v) => ({ base: classFor(v.scope), at: v.offset }));
  for (const v of virtualBases) state.offsets[v.base.id] = v.at;
  for (const v of virtualBases) merge(v.base, v.at);
  for (const b of info.bases) if (b.isPublic && !b.isVirtual) merge(classFor(b.scope), b.offset);

  const proto = cls.prototype as unknown as Record<symbol, unknown>;
  Object.defineProperty(cls, CLASS_STATE, { value: state });
  Object.defineProperty(cls, CPP_NAME, { value: info.spelling });
  // A class converts to its C++ name, so it can stand in a template subscript: std.vector[geo.Point].
  // String(cls) is what `tmpl[cls]` subscripts with; a JS subclass stands for its generated C++ class.
  Object.defineProperty(cls, 'toString', {
    value(this: unknown) {
      if (this === cls || typeof this !== 'function') return info.spelling;
      return derivedCppName(this) ?? info.spelling;
    },
    configurable: true,
  });
  // Its lazily resolved static members are accessors: shown, they would be a page of [Getter/Setter].
  Object.defineProperty(cls, inspect.custom, {
    configurable: true,
    value: function (this: Function) {
      const shown = `<C++ class ${info.displayName || info.spelling}>`;
      return this === cls ? shown : `[class ${this.name || '(anonymous)'} extends ${shown}]`;
    },
  });
  proto[CLASS_STATE] = state;
  proto[CLASS_ID] = state.id;
  proto[OFFSETS] = state.offsets;

  for (const field of info.fields) {
    if (field.isProtected) continue;
    Object.defineProperty(proto, field.name, { configurable: true, enumerable: false, ...fieldAccessor(state, field) });
  }

  const staticNames = new Set(info.staticNames);
  for (const name of info.methodNames) {
    if (name === 'delete' || name === 'constructor') continue;
    // Operators resolve per call through Clang (member, free and ADL-found ones alike): see operators.ts.
    if (/^operator\W/.test(name)) continue;
    defineLazy(proto, name, false, () => {
      const m = lookupMember(state, name);
      const methods = (m.functions ?? []).filter((f) => f.kind === 'method' && !f.isProtected);
      // Only static ones: called through an instance too, as in C++ (and cppyy).
      if (!methods.length && !m.hasTemplates) return (m.functions ?? []).some((f) => f.kind === 'static') ? { get: () => (cls as unknown as Record<string, unknown>)[name] } : undefined;
      if (!m.hasTemplates) {
        const callable = makeCallable(new OverloadSet(`${info.spelling}::${name}`, methods, state), proto, name, false);
        // Decided once: only what may end views, or return one, pays for the wrapper.
        const ends = STANDARD_HOLDER.test(info.spelling) && endsViews(info.spelling, name);
        const returnsView = STANDARD_HOLDER.test(info.spelling) && methods.some((f) => f.result.kind === 'objectref' || f.result.kind === 'objectptr');
        return { value: ends || returnsView ? elementMethod(callable, ends, returnsView) : callable, writable: true };
      }
      const templates = { callee: name, objectType: info.spelling };
      const method = makeCallable(new OverloadSet(`${info.spelling}::${name}`, methods, state, templates), null, name, false);
      if (STANDARD_HOLDER.test(info.spelling)) {
        const ends = endsViews(info.spelling, name);
        return { get(this: CppObject) { return elementBound(bindTemplateMethod(method, this), this, ends); } };
      }
      return { get(this: object) { return bindTemplateMethod(method, this); } };
    });
    staticNames.add(name);
  }
  // Static data members read and written through an instance too (`obj.count`), as in C++.
  for (const name of info.staticNames) {
    if (Object.prototype.hasOwnProperty.call(proto, name) || name === 'constructor') continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: false,
      get: () => (cls as unknown as Record<string, unknown>)[name],
      set: (value: unknown) => {
        (cls as unknown as Record<string, unknown>)[name] = value;
      },
    });
  }
  for (const name of staticNames) {
    if (name in Function.prototype || name === 'prototype') continue;
    defineLazy(cls, name, true, () => {
      const m = lookupMember(state, name);
      if (m.kind === 'functions') {
        const statics = (m.functions ?? []).filter((f) => f.kind === 'static' && !f.isProtected);
        if (!statics.length && !m.hasTemplates) return undefined;
        const templates = m.hasTemplates ? { callee: `${info.spelling}::${name}` } : null;
        return { value: makeCallable(new OverloadSet(`${info.spelling}::${name}`, statics, null, templates), cls, name, true), writable: true };
      }
      return memberValue(m);
    });
  }
  if (info.conversions?.length) installConversions(proto, info.conversions);
  // Members of the other bases (multiple inheritance): the JS prototype chain holds only the first.
  for (const base of bases.slice(1)) mirrorBase(proto, base);
  installProtocols(state);
  return state;
}

function ancestorsOf(state: ClassState, out = new Set<ClassState>()): Set<ClassState> {
  out.add(state);
  for (const b of state.bases) ancestorsOf(b, out);
  return out;
}

/** `obj instanceof cls` also for objects whose class has cls as a base other than the first. */
function instanceofByOffsets(state: ClassState): void {
  const { cls, id } = state;
  if (Object.prototype.hasOwnProperty.call(cls, Symbol.hasInstance)) return;
  const ordinary = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: Function, obj: unknown): boolean {
      if (ordinary.call(this, obj)) return true;
      // Only for this very class: a JS subclass of it keeps the ordinary test.
      return this === cls && obj !== null && typeof obj === 'object' && (obj as CppObject)[OFFSETS] !== undefined &&
        ((obj as CppObject)[OFFSETS] as Record<number, number>)[id] !== undefined;
    },
  });
}

/** Makes the members of `base` (and its ancestors) reachable on `proto`, adjusted to their subobject. */
function mirrorBase(proto: object, base: ClassState): void {
  for (const st of ancestorsOf(base)) {
    instanceofByOffsets(st);
    const names = [...st.info.methodNames, ...st.info.fields.filter((f) => !f.isProtected).map((f) => f.name)];
    for (const name of names) {
      if (name in proto) continue;
      const from = st.cls.prototype;
      Object.defineProperty(proto, name, {
        configurable: true,
        get() { return Reflect.get(from, name, this); },
        set(value: unknown) { Reflect.set(from, name, value, this); },
      });
    }
  }
}

setClassBuilder(buildClass);
