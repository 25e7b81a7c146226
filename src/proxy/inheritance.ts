// src/proxy/inheritance.ts — JS classes extending C++ classes: one JIT-compiled C++ subclass per JS class, its virtual overrides calling the JS methods.
//
// `class Impl extends ns.Base` gets, on first construction, a C++ class `__cppjit_derived::Impl_N`
// deriving from Base. Each virtual method that Impl (or a JS class between it and Base) defines is
// overridden in C++ by a call through a pinned JS callback `(slot, ...args) => self[name](...args)`;
// the object finds its JS self through the slot it was constructed with. Public forwarders
// `__cppjit_super_f` call Base's own implementation non-virtually (super.f(), and protected
// methods); a "bridge" prototype inserted between the first JS class and Base.prototype maps
// `f` to them, and exposes protected fields. Lifetimes: JS owns the object after `new`, so the
// C++ object dies with the JS one; after `cppyy.ll.disown(obj)` (or passing it to a
// std::unique_ptr parameter, see convert/ownership.ts) C++ owns it, and the JS object is kept
// alive until C++ deletes it (its destructor tells JS, and later use of the JS object throws).
// Overrides of noexcept virtuals catch what the JS method throws and leave it pending in JS.
import { generatedNamespace, native } from '../native';
import type { ClassInfo, FunctionInfo } from '../types';
import { pinnedCallback } from '../convert/callbacks';
import { fieldAccessor } from '../convert/fields';
import { ADDRESS, CLASS_ID, CLASS_STATE, DEPENDENTS, KEEP, OFFSETS, OWNED } from '../objects/symbols';
import type { ClassState, CppClass, CppObject } from '../objects/registry';
import { classFor, destroyAddress, invalidateDependents, objectRegistry, setDerivedNamer, setOwnershipListener } from '../objects/registry';
import { constructorFor } from './functions';
import type { NativeFunction } from '../types';

/** On a JS-derived instance: its slot (how the C++ object finds its JS self). */
const SLOT = Symbol('cppjit.derivedSlot');
const SUPER = '__cppjit_super_';
const DERIVED = generatedNamespace('__cppjit_derived'); // one per JS thread: names come from its counter

interface Derived {
  state: ClassState;
  construct: NativeFunction;
  /** The generated C++ class, `__cppjit_derived::Impl_1`. */
  cppName: string;
}

const derivedByJsClass = new WeakMap<Function, Derived>();
const bridges = new Map<ClassState, object>();
const derivations = new Map<ClassState, ClassInfo>();
let counter = 0;

// Slots: C++ objects name their JS self by index. Weak, except while C++ owns the object.
const selves: (WeakRef<CppObject> | undefined)[] = [];
const freeSlots: number[] = [];
const heldByCpp = new Set<CppObject>();

// WeakRef.deref() on every virtual call cost about a third of the call; objects found are kept
// here until the current job ends instead, which is what deref() guarantees anyway (KeepDuringJob).
let kept: (CppObject | undefined)[] = [];
let clearing = false;
const clearKept = () => {
  kept = [];
  clearing = false;
};

function selfAt(slot: number, name: string): Record<string, Function> {
  let self = kept[slot];
  if (self === undefined) {
    self = selves[slot]?.deref();
    if (self === undefined) throw new Error(`cppjit: C++ called ${name}() on an object whose JS side was garbage-collected`);
    kept[slot] = self;
    if (!clearing) {
      clearing = true;
      queueMicrotask(clearKept);
    }
  }
  return self as unknown as Record<string, Function>;
}

// Fixed arities avoid a rest array on the hot path (a C++ loop calling a JS override).
function dispatcher(name: string, arity: number): Function {
  switch (arity) {
    case 0: return (slot: number) => selfAt(slot, name)[name]();
    case 1: return (slot: number, a: unknown) => selfAt(slot, name)[name](a);
    case 2: return (slot: number, a: unknown, b: unknown) => selfAt(slot, name)[name](a, b);
    case 3: return (slot: number, a: unknown, b: unknown, c: unknown) => selfAt(slot, name)[name](a, b, c);
    default: return (slot: number, ...args: unknown[]) => selfAt(slot, name)[name](...args);
  }
}

// Called by the destructor of every JS-derived C++ object, however it dies.
function destroyed(slot: number): void {
  const self = selves[slot]?.deref();
  selves[slot] = undefined;
  kept[slot] = undefined;
  freeSlots.push(slot);
  if (!self) return;
  heldByCpp.delete(self);
  if (self[ADDRESS]) {
    // Deleted by C++: the JS object stays, but is now a deleted object.
    self[ADDRESS] = 0;
    self[OWNED] = false;
    objectRegistry().setOwned(self, false);
    objectRegistry().release(self);
    if (self[DEPENDENTS] !== undefined) invalidateDependents(self);
  }
}
let destroyedCallback: { address: bigint } | undefined;

// Whether C++ keeps a JS-derived object alive (ll.disown) or not (ll.own).
setOwnershipListener((obj: CppObject, owned: boolean) => {
  if (obj[SLOT] === undefined) return;
  if (owned) heldByCpp.delete(obj);
  else heldByCpp.add(obj);
});

function derivationInfo(base: ClassState): ClassInfo {
  let info = derivations.get(base);
  if (!info) {
    info = native().describeClass(base.scope, true);
    derivations.set(base, info);
  }
  return info;
}

function ancestors(state: ClassState, out = new Set<ClassState>()): Set<ClassState> {
  out.add(state);
  for (const b of state.bases) ancestors(b, out);
  return out;
}

/** Overload sets of `base` (and its ancestors) with protected members, which only a subclass may call. */
function protectedMethods(base: ClassState): FunctionInfo[] {
  const found: FunctionInfo[] = [];
  for (const st of ancestors(base)) {
    for (const name of st.info.methodNames) {
      if (!/^[A-Za-z_]\w*$/.test(name)) continue;
      const m = native().lookup(st.scope, name);
      const methods = (m.functions ?? []).filter((f) => f.kind === 'method');
      // The bridge's name stands for the whole overload set, public overloads included.
      if (methods.some((f) => f.isProtected)) found.push(...methods);
    }
  }
  return found;
}

/** The C++ class to extend: the nearest generated class above `jsClass`. */
function cppBaseOf(jsClass: Function): { base: ClassState; first: Function } {
  let first = jsClass;
  let parent = Object.getPrototypeOf(jsClass);
  while (!Object.prototype.hasOwnProperty.call(parent, CLASS_STATE)) {
    if (typeof parent !== 'function' || parent === Function.prototype) throw new TypeError(`${jsClass.name} does not extend a C++ class`);
    first = parent;
    parent = Object.getPrototypeOf(parent);
  }
  return { base: (parent as CppClass)[CLASS_STATE], first };
}

/** Names of the methods the JS classes between `jsClass` and the C++ base define. */
function jsMethodNames(jsClass: Function, stop: object): Set<string> {
  const names = new Set<string>();
  for (let p = jsClass.prototype; p && p !== stop && !Object.prototype.hasOwnProperty.call(p, CLASS_STATE); p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name)!;
      if (name !== 'constructor' && typeof d.value === 'function') names.add(name);
    }
  }
  return names;
}

const paramList = (f: FunctionInfo, count: number) => f.params.slice(0, count).map((p, i) => `${p.type.spelling} a${i}`).join(', ');
// decltype(a)&& collapses references (a spelled `T& &&` would not).
const forward = (f: FunctionInfo, count: number) => f.params.slice(0, count).map((_, i) => `static_cast<decltype(a${i})&&>(a${i})`).join(', ');
const qualifiers = (f: FunctionInfo) => `${f.isConst ? ' const' : ''}${f.refQualifier === 1 ? ' &' : f.refQualifier === 2 ? ' &&' : ''}`;

/** Bridge prototype between the first JS class and the C++ base: super calls and protected members. */
function bridgeFor(base: ClassState): object {
  let bridge = bridges.get(base);
  if (bridge) return bridge;
  bridge = Object.create(base.cls.prototype) as object;
  const info = derivationInfo(base);
  const forwarded = (name: string): PropertyDescriptor => ({
    configurable: true,
    get(this: CppObject) {
      const derived = Object.prototype.hasOwnProperty.call(this, SLOT) ? (this[CLASS_STATE] as ClassState) : undefined;
      return derived ? (derived.cls.prototype as Record<string, unknown>)[SUPER + name] : undefined;
    },
  });
  for (const f of protectedMethods(base)) Object.defineProperty(bridge, f.name, forwarded(f.name));
  for (const v of info.virtuals ?? []) {
    if (v.isPrivate) continue;
    if (v.isPure) {
      const message = `${v.signature} is pure virtual: there is no C++ implementation to call`;
      Object.defineProperty(bridge, v.name, { configurable: true, writable: true, value: () => { throw new TypeError(message); } });
    } else {
      Object.defineProperty(bridge, v.name, forwarded(v.name));
    }
  }
  for (const st of ancestors(base)) {
    for (const field of st.info.fields) {
      if (field.isProtected) Object.defineProperty(bridge, field.name, { configurable: true, ...fieldAccessor(st, field) });
    }
  }
  bridges.set(base, bridge);
  return bridge;
}

function cppIdentifier(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z]/.test(clean) ? clean : `C${clean}`;
}

/**
 * The body of an override of a noexcept virtual: a JS exception must not unwind through it, so it
 * is left pending for the JS caller (see defer_exception in the prelude) and C++ gets a
 * value-initialised result. A result type without a default constructor fails to compile with a
 * marker that buildDerived turns into a TypeError.
 */
function noexceptBody(v: FunctionInfo, invoke: string, index: number, checks: string[]): string[] {
  if (v.result.kind === 'void') return [`    try { ${invoke}; } catch (...) { __cppjit::defer_exception(); }`];
  const R = `__cppjit::type_t<${v.result.spelling}>`;
  // At namespace scope (see buildDerived): in the class template it would wait for instantiation.
  checks.push(`static_assert(std::is_default_constructible_v<${R}>, "cppjit-noexcept-result-${index}");`);
  return [
    `    try { return ${invoke}; } catch (...) { __cppjit::defer_exception(); }`,
    `    return ${R}{};`,
  ];
}

/** Generates, compiles and describes the C++ subclass for `jsClass`. */
function buildDerived(jsClass: Function): Derived {
  const { base, first } = cppBaseOf(jsClass);
  const info = derivationInfo(base);
  const where = `class ${jsClass.name || '(anonymous)'} extends ${base.info.spelling}`;
  if (info.isFinal) throw new TypeError(`${where}: ${base.info.spelling} is final`);
  if (!info.isPolymorphic) throw new TypeError(`${where}: ${base.info.spelling} has no virtual methods to override; use it as a member instead`);
  if (Object.getPrototypeOf(first.prototype) === base.cls.prototype) Object.setPrototypeOf(first.prototype, bridgeFor(base));
  const bridge = bridgeFor(base);
  const defined = jsMethodNames(jsClass, bridge);
  const name = `${cppIdentifier(jsClass.name || 'Anonymous')}_${++counter}`;
  const B = base.info.spelling;
  const S = `${name}_slot`;
  // Every constructor asks JS for the object's slot with its own address (`adopt`): a JS `new`
  // gets the self it is constructing, a construction by C++ (make_shared, emplace_back) a new
  // instance of jsClass. The slot member's own copy constructor asks for a copy of the original's
  // self, so the class's copy and move stay implicit: they exist exactly where the base's do.
  const derived: Partial<Derived> = {};
  const adopt = pinnedCallback((address: number) => adoptSelf(jsClass, derived as Derived, address, -1), 'int(double)');
  const copy = pinnedCallback((from: number, address: number) => adoptSelf(jsClass, derived as Derived, address, from), 'int(int, double)');
  const adoptCall = `reinterpret_cast<int (*)(double)>(0x${adopt.address.toString(16)}ULL)((double)(unsigned long long)(void*)this)`;
  const owner = `(double)(unsigned long long)(reinterpret_cast<const char*>(this) - __builtin_offsetof(${name}, __cppjit_slot))`;
  const copyCall = `reinterpret_cast<int (*)(int, double)>(0x${copy.address.toString(16)}ULL)(o.v, ${owner})`;
  const checks: string[] = [
    `class ${name};`,
    `struct ${S} {`,
    '  int v;',
    `  explicit ${S}(int slot) : v(slot) {}`,
    `  ${S}(const ${S}& o);`,
    // Assignment copies the C++ state only: each object keeps its own JS self.
    `  ${S}& operator=(const ${S}&) { return *this; }`,
    '};',
  ];
  const lines: string[] = [`namespace ${DERIVED} {`, `class ${name} : public ${B} {`, `  friend struct ${S};`, `  ${S} __cppjit_slot;`, ' public:'];

  const seenCtors = new Set<string>();
  for (const c of info.baseConstructors ?? []) {
    for (let k = c.minArgs; k <= c.params.length; k++) {
      const key = c.params.slice(0, k).map((p) => p.type.spelling).join(',');
      if (seenCtors.has(key)) continue;
      seenCtors.add(key);
      lines.push(`  ${name}(${paramList(c, k)}) : ${B}(${forward(c, k)}), __cppjit_slot(${adoptCall}) {}`);
    }
  }
  if (!seenCtors.size) throw new TypeError(`${where}: ${B} has no public or protected constructor`);
  destroyedCallback ??= pinnedCallback(destroyed, 'void(int)');
  const gone = `reinterpret_cast<void (*)(int)>(0x${destroyedCallback.address.toString(16)}ULL)`;
  lines.push(`  ~${name}() { try { ${gone}(__cppjit_slot.v); } catch (...) {} }`);

  const noexceptResults: FunctionInfo[] = [];
  for (const v of info.virtuals ?? []) {
    if (!defined.has(v.name)) {
      if (v.isPure) throw new TypeError(`${where}: it must implement ${v.signature} (pure virtual)`);
      continue;
    }
    if (v.isNoexcept && (v.result.kind === 'objectref' || v.result.spelling.endsWith('&'))) {
      throw new TypeError(`${where}: cannot override ${v.signature}: it is noexcept and returns a reference, and there is ` +
        'nothing to refer to when the JS method throws');
    }
    const params = v.params.map((p) => p.type.spelling);
    const type = `${v.result.spelling}(int${params.map((p) => ', ' + p).join('')})`;
    let callback;
    try {
      callback = pinnedCallback(dispatcher(v.name, params.length), type);
    } catch (e) {
      throw new TypeError(`${where}: cannot override ${v.signature}: ${(e as Error).message}`);
    }
    const call = `reinterpret_cast<${v.result.spelling} (*)(int${params.map((p) => ', ' + p).join('')})>(0x${callback.address.toString(16)}ULL)`;
    const args = forward(v, params.length);
    const invoke = `${call}(__cppjit_slot.v${args ? ', ' + args : ''})`;
    const head = `  ${v.result.spelling} ${v.name}(${paramList(v, params.length)})${qualifiers(v)}`;
    if (!v.isNoexcept) {
      lines.push(`${head} override { return ${invoke}; }`);
    } else {
      lines.push(`${head} noexcept override {`, ...noexceptBody(v, invoke, noexceptResults.length, checks), '  }');
      noexceptResults.push(v);
    }
  }

  // Non-virtual calls of the base's implementations: super.f() and protected methods.
  const forwarders = [...(info.virtuals ?? []).filter((v) => !v.isPure && !v.isPrivate), ...protectedMethods(base)];
  const seenForwarders = new Set<string>();
  for (const f of forwarders) {
    for (let k = f.minArgs; k <= f.params.length; k++) {
      const key = `${f.name}(${f.params.slice(0, k).map((p) => p.type.spelling).join(',')})${qualifiers(f)}`;
      if (seenForwarders.has(key)) continue;
      seenForwarders.add(key);
      lines.push(`  ${f.result.spelling} ${SUPER}${f.name}(${paramList(f, k)})${qualifiers(f)} { return ${B}::${f.name}(${forward(f, k)}); }`);
    }
  }
  lines.push('};', '#pragma clang diagnostic push', '#pragma clang diagnostic ignored "-Winvalid-offsetof"',
    `inline ${S}::${S}(const ${S}& o) : v(${copyCall}) {}`, '#pragma clang diagnostic pop', '}');
  lines.splice(1, 0, ...checks);
  try {
    native().cppdef(lines.join('\n'), true);
  } catch (e) {
    adopt.release();
    copy.release();
    const failed = /cppjit-noexcept-result-(\d+)/.exec(e instanceof Error ? e.message : '');
    if (failed) {
      const v = noexceptResults[Number(failed[1])];
      throw new TypeError(`${where}: cannot override ${v.signature}: it is noexcept and its result type ${v.result.display} ` +
        'is not default-constructible, so there is no value to give C++ when the JS method throws');
    }
    if (e instanceof Error) e.message = `${where}: cannot compile its C++ subclass: ${e.message}`;
    throw e;
  }
  const ns = native().lookup(native().globalScope(), DERIVED);
  const member = native().lookup(ns.scope!, name);
  const state = classFor(member.scope!);
  const construct = constructorFor(state);
  const signatures = (info.baseConstructors ?? []).map((c) => `  ${c.signature}${c.isProtected ? ' (protected)' : ''}`).join('\n');
  derived.state = state;
  derived.cppName = `${DERIVED}::${name}`;
  // Overload errors name the base's constructors, not the generated ones.
  derived.construct = (...args: unknown[]) => {
    try {
      return construct(...args);
    } catch (e) {
      if (!(e instanceof TypeError) || !e.message.startsWith('no overload')) throw e;
      const kinds = args.map((a) => (a === null ? 'null' : typeof a)).join(', ');
      throw new TypeError(`${where}: no constructor of ${B} accepts (${kinds}); candidates:\n${signatures}`);
    }
  };
  return derived as Derived;
}

function derivedOf(jsClass: Function): Derived {
  let derived = derivedByJsClass.get(jsClass);
  if (!derived) {
    derived = buildDerived(jsClass);
    derivedByJsClass.set(jsClass, derived);
  }
  return derived;
}

// A JS subclass as a template argument (std.vector[Impl], std.make_shared[Impl]) is its C++ subclass.
setDerivedNamer((jsClass: Function) => {
  try {
    cppBaseOf(jsClass);
  } catch {
    return undefined;
  }
  return derivedOf(jsClass).cppName;
});

/** The JS object being constructed by `new`, waiting for its C++ constructor to ask for it. */
let constructing: CppObject | undefined;

/**
 * Called by every constructor of a generated subclass with the new object's address: binds a JS
 * self to it and returns the self's slot. `from` is the slot of the object copied, or -1.
 */
function adoptSelf(jsClass: Function, derived: Derived, address: number, from: number): number {
  let self: CppObject;
  const owned = from < 0 && constructing !== undefined && constructing instanceof jsClass;
  if (owned) {
    self = constructing!;
    constructing = undefined;
  } else {
    const original = from >= 0 ? selves[from]?.deref() : undefined;
    if (original) {
      // A copy: the same JS class, with the original's own (string-keyed) properties.
      self = Object.create(Object.getPrototypeOf(original)) as CppObject;
      for (const key of Object.keys(original)) (self as unknown as Record<string, unknown>)[key] = (original as unknown as Record<string, unknown>)[key];
    } else {
      // Made by C++: a new instance of jsClass, its constructor run with no arguments (its super()
      // call binds it here instead of constructing another C++ object).
      adopting = { address, derived };
      try {
        self = Reflect.construct(jsClass, []) as CppObject;
      } finally {
        adopting = undefined;
      }
      return self[SLOT] as number;
    }
  }
  return bindSelf(self, derived.state, address, owned);
}

/** A C++ object made by C++ whose JS self is being constructed by adoptSelf. */
let adopting: { address: number; derived: Derived } | undefined;

function bindSelf(self: CppObject, state: ClassState, address: number, owned: boolean): number {
  const slot = freeSlots.length ? freeSlots.pop()! : selves.length;
  selves[slot] = new WeakRef(self);
  kept[slot] = undefined;
  self[ADDRESS] = address;
  self[OWNED] = owned;
  self[KEEP] = undefined;
  self[DEPENDENTS] = undefined;
  self[SLOT] = slot;
  self[CLASS_STATE] = state;
  self[CLASS_ID] = state.id;
  self[OFFSETS] = state.offsets;
  objectRegistry().track(self, address, state.id, owned, owned ? destroyAddress(state) : 0);
  // C++ owns what it made: the JS self lives until C++ destroys the object (see destroyed()).
  if (!owned) heldByCpp.add(self);
  return slot;
}

/** Constructs the C++ side of `self`, an instance of the JS class `jsClass` that extends a C++ class. */
export function constructDerived(self: CppObject, jsClass: Function, args: unknown[]): void {
  if (adopting) {
    const { address, derived } = adopting;
    adopting = undefined;
    bindSelf(self, derived.state, address, false);
    return;
  }
  const derived = derivedOf(jsClass);
  constructing = self;
  try {
    derived.construct(...args);
  } finally {
    constructing = undefined;
  }
  if (self[SLOT] === undefined) throw new Error(`cppjit: the C++ constructor of ${jsClass.name} did not bind its JS object`);
}
