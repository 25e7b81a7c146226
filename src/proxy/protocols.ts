// src/proxy/protocols.ts — JS protocols for C++ containers: for..of from begin()/end(), v[i] from operator[], Map-like get/set/has.
import { inspect } from 'node:util';
import { native } from '../native';
import type { FunctionInfo, NativeFunction, TypeInfo } from '../types';
import type { ClassState, CppObject } from '../objects/registry';
import { ADDRESS, CLASS_ID, CLASS_STATE, SMART_GET } from '../objects/symbols';
import { setStringClass } from '../convert/kinds';
import { setEntryInserter } from '../convert/temporaries';
import { HELPERS, compileHelpers, defineHelpers, helperType } from '../convert/helpers';
import { memoryAccess, type MemoryAccess } from '../convert/fields';
import { pointeeClass } from '../convert/objects';

interface Indexing {
  at: NativeFunction;
  access: MemoryAccess;
  /** When operator[] returns by value: reads only, through this. */
  get?: NativeFunction;
}

// std::vector<bool> packs its elements: there is no element address, so reads and writes go
// through helpers that take the index.
interface BitIndexing {
  get: NativeFunction; // -1 when out of range
  put: NativeFunction; // false when out of range
}

const BIT_VECTOR = /^std::vector<bool[,>]/;

interface Iteration {
  begin: NativeFunction;
  /** Advances: the next element's address (read through `access`), or, for elements by value, whether there is one (read by `value`). */
  next: NativeFunction;
  end: NativeFunction;
  value: NativeFunction | null;
  access: MemoryAccess | null;
  pairs: boolean;
}

interface Mapping {
  get: NativeFunction;
  has: NativeFunction;
  set: NativeFunction;
  insert: NativeFunction;
  access: MemoryAccess;
}

interface Protocols {
  indexing?: Indexing | Error;
  tuple?: TupleAccess | Error;
  variant?: VariantAccess | Error;
  bits?: BitIndexing | Error;
  iteration?: Iteration | Error;
  mapping?: Mapping | Error;
}

const protocolsOf = new WeakMap<ClassState, Protocols>();

function protocols(state: ClassState): Protocols {
  let p = protocolsOf.get(state);
  if (!p) protocolsOf.set(state, (p = {}));
  return p;
}

function once<T>(state: ClassState, key: keyof Protocols, build: () => T): T {
  const p = protocols(state);
  let v = p[key] as T | Error | undefined;
  if (v === undefined) {
    try {
      v = build();
    } catch (e) {
      v = e instanceof Error ? e : new Error(String(e));
    }
    (p as Record<string, unknown>)[key] = v;
  }
  if (v instanceof Error) throw v;
  return v;
}

function indexing(state: ClassState): Indexing {
  return once(state, 'indexing', () => {
    const n = state.id;
    const S = state.info.spelling;
    // Without size() there is no bound to check (as in C++); an operator[] returning by value reads only.
    const sized = state.info.methodNames.includes('size');
    const item = `__cppjit_declval<${S}&>()[0]`;
    const [at] = defineHelpers(
      `using elem_${n} = __cppjit_noref<decltype(${item})>::type;\n` +
        `template <class T> unsigned long addr_${n}(T& x) { return (unsigned long)__builtin_addressof(x); }\n` +
        `template <class T> unsigned long addr_${n}(T&&) { return 0; }\n` +
        `inline unsigned long at_${n}(${S}& c, long i) {\n` +
        (sized ? `  if (i < 0 || (unsigned long)i >= (unsigned long)c.size()) return 0;\n` : '') +
        `  return addr_${n}(c[i]);\n}\n`,
      [`at_${n}`],
    );
    const access = memoryAccess(helperType(`elem_${n}`));
    if (isLvalueReference(`decltype(${item})`)) return { at, access };
    // An operator[] returning by value is read through a copy; only then (a copy of an element of,
    // say, a std::vector<std::unique_ptr<T>> does not compile).
    const [get] = defineHelpers(`inline elem_${n} get_${n}(${S}& c, long i) { return c[i]; }\n`, [`get_${n}`]);
    return { at, access, get };
  });
}

function bitIndexing(state: ClassState): BitIndexing {
  return once(state, 'bits', () => {
    const n = state.id;
    const S = state.info.spelling;
    const [get, put] = defineHelpers(
      `inline int bit_get_${n}(const ${S}& c, long i) { return i < 0 || (unsigned long)i >= c.size() ? -1 : c[i] ? 1 : 0; }\n` +
        `inline bool bit_put_${n}(${S}& c, long i, bool v) { if (i < 0 || (unsigned long)i >= c.size()) return false; c[i] = v; return true; }\n`,
      [`bit_get_${n}`, `bit_put_${n}`],
    );
    return { get, put };
  });
}

/** Whether a type is an lvalue reference, from its spelling (a parse, where evaluating a trait needed a compile). */
function isLvalueReference(type: string): boolean {
  const spelling = native().parseType(type).spelling.trim();
  return spelling.endsWith('&') && !spelling.endsWith('&&');
}

// std::tuple: element i through std::get<i>, each with its own type.
interface TupleAccess {
  at: NativeFunction;
  access: MemoryAccess[];
}

const TUPLE = /^std::tuple<(.*)>$/;

/** Number of top-level template arguments in `args` ("int, std::pair<int, int>" → 2). */
function topLevelCount(args: string): number {
  if (!args.trim()) return 0;
  let depth = 0;
  let count = 1;
  for (const ch of args) {
    if (ch === '<' || ch === '(' || ch === '[') depth++;
    else if (ch === '>' || ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) count++;
  }
  return count;
}

function tupleAccess(state: ClassState, arity: number): TupleAccess {
  return once(state, 'tuple', () => {
    const n = state.id;
    const S = state.info.spelling;
    let code = '';
    for (let i = 0; i < arity; i++) code += `using telem_${n}_${i} = std::tuple_element_t<${i}, ${S}>;\n`;
    code += `inline unsigned long tuple_at_${n}(${S}& t, long i) {\n  switch (i) {\n`;
    for (let i = 0; i < arity; i++) code += `    case ${i}: return (unsigned long)__builtin_addressof(std::get<${i}>(t));\n`;
    code += '  }\n  return 0;\n}\n';
    const [at] = defineHelpers(code, [`tuple_at_${n}`]);
    const access = Array.from({ length: arity }, (_, i) => memoryAccess(helperType(`telem_${n}_${i}`)));
    return { at, access };
  });
}

const VARIANT = /^std::variant<(.*)>$/;

interface VariantAccess {
  /** The held alternative's address and index (index -1: valueless). */
  held: NativeFunction;
  access: MemoryAccess[];
}

function variantAccess(state: ClassState, arity: number): VariantAccess {
  return once(state, 'variant', () => {
    const n = state.id;
    const S = state.info.spelling;
    let code = '';
    for (let i = 0; i < arity; i++) code += `using valt_${n}_${i} = std::variant_alternative_t<${i}, ${S}>;\n`;
    // The address of what the variant holds; its index goes through the out parameter.
    code += `inline unsigned long variant_at_${n}(${S}& v, long* index) {\n` +
      '  *index = v.valueless_by_exception() ? -1 : (long)v.index();\n' +
      '  if (*index < 0) return 0;\n' +
      '  return std::visit([](auto& x) { return (unsigned long)__builtin_addressof(x); }, v);\n}\n';
    const [held] = defineHelpers(code, [`variant_at_${n}`]);
    return { held, access: Array.from({ length: arity }, (_, i) => memoryAccess(helperType(`valt_${n}_${i}`))) };
  });
}

/** The alternative a std::variant holds, read as JS reads that type; undefined when valueless. */
function variantValue(state: ClassState, arity: number, self: CppObject): unknown {
  const { held, access } = variantAccess(state, arity);
  const box = new BigInt64Array(1);
  const address = held(live(self), box) as number;
  const i = Number(box[0]);
  return i < 0 ? undefined : access[i].read(address, self);
}

/** std::variant: `v.value` is the alternative it holds (as JS reads that type); util.inspect shows it. */
function installVariant(state: ClassState, proto: Record<string | symbol, unknown>, arity: number) {
  if (!('value' in proto)) {
    Object.defineProperty(proto, 'value', {
      configurable: true,
      get(this: CppObject) {
        return variantValue(state, arity, this);
      },
    });
  }
  Object.defineProperty(proto, inspect.custom, {
    configurable: true,
    writable: true,
    value: function (this: CppObject, depth: number, options: object, show: typeof inspect) {
      const label = state.info.displayName || state.info.spelling;
      if (!this[ADDRESS]) return `${label} <deleted>`;
      const inner = { ...options, depth: (options as { depth?: number | null }).depth === null ? null : depth - 1 };
      return `${label} ${(show ?? inspect)(variantValue(state, arity, this), inner as never)}`;
    },
  });
}

function installTuple(state: ClassState, proto: Record<string | symbol, unknown>, arity: number) {
  for (let i = 0; i < arity; i++) {
    Object.defineProperty(proto, String(i), {
      configurable: true,
      get(this: CppObject) {
        const { at, access } = tupleAccess(state, arity);
        return access[i].read(at(live(this), i) as number, this);
      },
      set(this: CppObject, value: unknown) {
        const { at, access } = tupleAccess(state, arity);
        const write = access[i].write;
        if (!write) throw new TypeError(`${state.info.spelling}: element ${i}: ${access[i].unsupported}`);
        write(at(live(this), i) as number, value);
      },
    });
  }
  Object.defineProperty(proto, 'length', { configurable: true, value: arity });
  Object.defineProperty(proto, Symbol.iterator, {
    configurable: true,
    writable: true,
    value: function* (this: Record<number, unknown>) {
      for (let i = 0; i < arity; i++) yield this[i];
    },
  });
}

// Iteration follows range-for: member begin()/end() when the class has either, else the free
// begin(x)/end(x) that argument-dependent lookup finds (std::filesystem::directory_iterator), and
// `cur != last` whatever operator!= C++ accepts (a non-const member one too). The helpers are
// templates over the range class, defined once and instantiated per class in wrappers' inputs (which
// the compiled-wrapper cache keeps). An element that *cur yields by value comes back through a copy.
let rangeHelpersDefined = false;

function defineRangeHelpers(): void {
  if (!rangeHelpersDefined) {
    native().cppdef(
      '#include <type_traits>\n' +
      `namespace ${HELPERS} {\n` +
        'namespace range_lookup {\n' +
        // Poison pills: the unqualified calls below find only what ADL finds, as in range-for.
        'void begin() = delete;\nvoid end() = delete;\n' +
        'template <class R, class = void> struct has_begin : std::false_type {};\n' +
        'template <class R> struct has_begin<R, std::void_t<decltype(__cppjit_declval<R&>().begin())>> : std::true_type {};\n' +
        'template <class R, class = void> struct has_end : std::false_type {};\n' +
        'template <class R> struct has_end<R, std::void_t<decltype(__cppjit_declval<R&>().end())>> : std::true_type {};\n' +
        'template <class R> struct members : std::bool_constant<has_begin<R>::value || has_end<R>::value> {};\n' +
        'template <class R> inline auto first(R& r) { if constexpr (members<R>::value) return r.begin(); else return begin(r); }\n' +
        'template <class R> inline auto last(R& r) { if constexpr (members<R>::value) return r.end(); else return end(r); }\n' +
        '}\n' +
        'template <class R> struct range_state {\n' +
        '  decltype(range_lookup::first(__cppjit_declval<R&>())) cur;\n' +
        '  decltype(range_lookup::last(__cppjit_declval<R&>())) last;\n' +
        '  bool started;\n};\n' +
        'template <class R> inline unsigned long range_begin(R& r) {\n' +
        '  return (unsigned long)new range_state<R>{range_lookup::first(r), range_lookup::last(r), false};\n}\n' +
        // Advances (from the second call on); whether there is an element.
        'template <class R> inline bool range_next(R&, unsigned long h) {\n' +
        '  auto* s = (range_state<R>*)h;\n  if (s->started) ++s->cur; else s->started = true;\n' +
        '  return s->cur != s->last;\n}\n' +
        // For lvalue elements, one call per element: advances and gives the element's address (0 at the end).
        'template <class R> inline unsigned long range_step(R& r, unsigned long h) {\n' +
        '  if (!range_next(r, h)) return 0;\n' +
        '  return (unsigned long)__builtin_addressof(*((range_state<R>*)h)->cur);\n}\n' +
        'template <class R> inline auto range_value(R&, unsigned long h) { return *((range_state<R>*)h)->cur; }\n' +
        'template <class R> inline void range_end(R&, unsigned long h) { delete (range_state<R>*)h; }\n' +
        '}\n',
      true,
    );
    rangeHelpersDefined = true;
  }
}

function rangeHelper(state: ClassState, name: string): FunctionInfo {
  return native().resolveTemplateCall({ callee: `${HELPERS}::${name}`, argTypes: [`${state.info.spelling}&`, ...(name === 'range_begin' ? [] : ['unsigned long'])] });
}

function iteration(state: ClassState): Iteration {
  return once(state, 'iteration', () => {
    defineRangeHelpers();
    const S = state.info.spelling;
    const item = `decltype(*__cppjit_declval<decltype(${HELPERS}::range_lookup::first(__cppjit_declval<${S}&>()))&>())`;
    // An lvalue element is read in place (and keeps the container alive); any other is a copy.
    const byReference = isLvalueReference(item);
    const names = byReference ? ['range_begin', 'range_step', 'range_end'] : ['range_begin', 'range_next', 'range_end', 'range_value'];
    const [begin, next, end, value] = compileHelpers(names.map((name) => rangeHelper(state, name)));
    const access = byReference ? memoryAccess(native().parseType(`__cppjit_noref<${item}>::type`)) : null;
    return { begin, next, end, value: value ?? null, access, pairs: isMapLike(state) };
  });
}

// Map access goes through helpers that are templates over the map class, defined once: defining
// them per class made Clang instantiate find and insert_or_assign while parsing the definitions
// (25-60 ms with the precompiled header, in every process). As templates they are instantiated in
// the wrappers' own inputs, which the compiled-wrapper cache keeps, so a later process links them
// from disk instead. get, has and set compile on first use of each.
let mapHelpersDefined = false;

function mapHelper(state: ClassState, name: 'map_get' | 'map_has' | 'map_set' | 'map_insert'): FunctionInfo {
  if (!mapHelpersDefined) {
    native().cppdef(
      `namespace ${HELPERS} {\n` +
        'template <class C> inline unsigned long map_get(C& c, const typename C::key_type& k) {\n' +
        '  auto it = c.find(k); return it == c.end() ? 0 : (unsigned long)__builtin_addressof(it->second);\n}\n' +
        'template <class C> inline bool map_has(C& c, const typename C::key_type& k) { return c.find(k) != c.end(); }\n' +
        // Keeps the first of equal keys, as a map made from an initializer list does (and works for multimaps).
        'template <class C> inline void map_insert(C& c, const typename C::key_type& k, const typename C::mapped_type& v) {\n' +
        '  c.insert(typename C::value_type(k, v));\n}\n' +
        'template <class C> inline void map_set(C& c, const typename C::key_type& k, const typename C::mapped_type& v) {\n' +
        '  c.insert_or_assign(k, v);\n}\n}\n',
      true,
    );
    mapHelpersDefined = true;
  }
  const S = state.info.spelling;
  const argTypes = [`${S}&`, `const ${S}::key_type&`];
  if (name === 'map_set' || name === 'map_insert') argTypes.push(`const ${S}::mapped_type&`);
  return native().resolveTemplateCall({ callee: `${HELPERS}::${name}`, argTypes });
}

/** A function compiled on its first call; a failure is kept and thrown again. */
function compiledOnUse(build: () => NativeFunction): NativeFunction {
  let made: NativeFunction | Error | undefined;
  return (...args: unknown[]) => {
    if (made === undefined) {
      try {
        made = build();
      } catch (e) {
        made = e instanceof Error ? e : new Error(String(e));
      }
    }
    if (made instanceof Error) throw made;
    return made(...args);
  };
}

function mapping(state: ClassState): Mapping {
  return once(state, 'mapping', () => {
    // Each on its own: one that does not compile for an unusual map-like class leaves the others working.
    const get = compiledOnUse(() => compileHelpers([mapHelper(state, 'map_get')])[0]);
    const has = compiledOnUse(() => compileHelpers([mapHelper(state, 'map_has')])[0]);
    const set = compiledOnUse(() => compileHelpers([mapHelper(state, 'map_set')])[0]);
    const insert = compiledOnUse(() => compileHelpers([mapHelper(state, 'map_insert')])[0]);
    return { get, has, set, insert, access: memoryAccess(native().parseType(`${state.info.spelling}::mapped_type`)) };
  });
}

setEntryInserter((map, key, value) => {
  mapping(map[CLASS_STATE] as ClassState).insert(map, key, value);
});

function isMapLike(state: ClassState): boolean {
  const statics = state.info.staticNames;
  return statics.includes('mapped_type') && statics.includes('key_type') && state.info.methodNames.includes('find');
}

function isIndexable(state: ClassState): boolean {
  const methods = state.info.methodNames;
  if (!methods.includes('operator[]') || isMapLike(state)) return false;
  if (methods.includes('size')) return true;
  // Without size(), only a class whose operator[] takes an integer (a string-keyed one would take 0 as a null pointer).
  const m = native().lookup(state.scope, 'operator[]');
  return (m.functions ?? []).some((f) => f.params.length === 1 && f.params[0].type.kind === 'int');
}

function isIterable(state: ClassState): boolean {
  const methods = state.info.methodNames;
  if (methods.includes('begin') && methods.includes('end')) return !beginsAtIncomplete(state);
  return state.info.adlRange === true;
}

/**
 * begin() returns a pointer to an incomplete type (or void): range-for cannot dereference it, so
 * iteration falls back to operator[] and size() when the class has them (as cppyy does).
 */
function beginsAtIncomplete(state: ClassState): boolean {
  const begins = (native().lookup(state.scope, 'begin').functions ?? []).filter((f) => f.kind === 'method');
  const complete = new Set(['bool', 'char', 'int', 'float', 'enum', 'pointer', 'objectptr', 'funcptr', 'cstring']);
  return begins.length > 0 && begins.every((f) => f.result.kind === 'pointer' && !complete.has(f.result.pointeeKind));
}

function live(obj: CppObject): CppObject {
  if (!obj[ADDRESS]) throw new Error(`cppjit: ${(obj[CLASS_STATE] as ClassState).info.spelling} object was deleted`);
  return obj;
}

const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The target of a Proxy put into `proto`'s prototype chain: a new empty object whose prototype is
 * `proto`'s parent. A Proxy's own prototype is its target's prototype, so a Proxy over the parent
 * itself would drop the parent from the chain (and `obj instanceof Parent` would be false).
 */
function chainLink(proto: object): object {
  return Object.create(Object.getPrototypeOf(proto) as object | null) as object;
}

/** The prototype-chain Proxy that gives integer keys to instances: consulted only when a key misses. */
function indexProxy(state: ClassState, parent: object): object {
  return new Proxy(parent, {
    get(target, key, receiver) {
      if (typeof key === 'string' && INDEX.test(key) && (receiver as CppObject)[CLASS_STATE]) {
        if (BIT_VECTOR.test(state.info.spelling)) {
          const bit = bitIndexing(state).get(live(receiver as CppObject), Number(key)) as number;
          return bit < 0 ? undefined : bit === 1;
        }
        const { at, access, get } = indexing(state);
        if (get) return get(live(receiver as CppObject), Number(key));
        const address = at(live(receiver as CppObject), Number(key)) as number;
        return address ? access.read(address, receiver) : undefined;
      }
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver) {
      if (typeof key === 'string' && INDEX.test(key) && (receiver as CppObject)[CLASS_STATE]) {
        if (BIT_VECTOR.test(state.info.spelling)) {
          if (!bitIndexing(state).put(live(receiver as CppObject), Number(key), value))
            throw new RangeError(`${state.info.spelling}: index ${key} is out of range`);
          return true;
        }
        const { at, access, get } = indexing(state);
        if (get) throw new TypeError(`${state.info.spelling}: operator[] returns by value; v[i] is read-only`);
        const address = at(live(receiver as CppObject), Number(key)) as number;
        if (!address) throw new RangeError(`${state.info.spelling}: index ${key} is out of range`);
        if (!access.write) throw new TypeError(`${state.info.spelling}: ${access.unsupported}`);
        access.write(address, value);
        return true;
      }
      return Reflect.set(target, key, value, receiver);
    },
  });
}

function* iterate(self: CppObject): Generator<unknown> {
  const state = self[CLASS_STATE] as ClassState;
  if (BIT_VECTOR.test(state.info.spelling)) {
    const { get } = bitIndexing(state);
    for (let i = 0; ; i++) {
      const bit = get(live(self), i) as number;
      if (bit < 0) return;
      yield bit === 1;
    }
  }
  const { begin, next, end, value, access, pairs } = iteration(state);
  const handle = begin(live(self));
  try {
    for (;;) {
      const got = next(live(self), handle);
      if (!got) return;
      const item = (access ? access.read(got as number, self) : value!(self, handle)) as Record<string, unknown>;
      yield pairs ? [item.first, item.second] : item;
    }
  } finally {
    end(self, handle);
  }
}

const SMART_POINTER = /^std::(unique_ptr|shared_ptr)</;

function pointeeOf(receiver: object): Record<string, unknown> | null {
  const get = ((receiver as Record<symbol, unknown>)[SMART_GET] ?? (receiver as { get: Function }).get) as Function;
  return get.call(receiver) as Record<string, unknown> | null;
}

/**
 * Smart pointers are transparent: a key the smart pointer itself lacks is looked up on the
 * pointee (methods bound to it), so `p.area()` works on a `std::unique_ptr<Shape>`.
 */
function pointeeProxy(parent: object): object {
  return new Proxy(parent, {
    get(target, key, receiver) {
      const own = Reflect.get(target, key, receiver);
      if (own !== undefined || typeof key === 'symbol' || key === 'then' || !(receiver as CppObject)[CLASS_STATE]) return own;
      const pointee = pointeeOf(receiver);
      if (pointee === null || pointee === undefined) return undefined;
      const value = pointee[key];
      return typeof value === 'function' ? (value as Function).bind(pointee) : value;
    },
    set(target, key, value, receiver) {
      if (typeof key === 'string' && !(key in target) && (receiver as CppObject)[CLASS_STATE]) {
        const pointee = pointeeOf(receiver);
        if (pointee && key in pointee) {
          pointee[key] = value;
          return true;
        }
      }
      return Reflect.set(target, key, value, receiver);
    },
  });
}

/**
 * Where the smart pointer and its pointee both have a member (`get`, `reset`), the pointee's wins,
 * as in cppyy; `sp.__smartptr__()` reaches the smart pointer's own (an empty pointer's own too).
 */
function pointeeFirst(state: ClassState, proto: Record<string | symbol, unknown>): void {
  const pointee = pointeeClass(state);
  if (!pointee) return;
  const theirs = new Set([...pointee.info.methodNames, ...pointee.info.fields.map((f) => f.name), ...pointee.info.staticNames]);
  // The smart pointer's members, its bases' included (libstdc++'s std::__shared_ptr has get/reset).
  const descriptorOf = (name: string): PropertyDescriptor | undefined => {
    void Reflect.get(proto, name, proto); // resolves a lazy member, so its descriptor is the callable
    for (let o: object | null = proto; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d) return d;
    }
    return undefined;
  };
  const own = new Map<string, PropertyDescriptor>();
  for (const name of theirs) {
    if (name === 'delete' || name === 'constructor' || /^operator\W/.test(name) || !(name in proto)) continue;
    const d = descriptorOf(name);
    if (d) own.set(name, d);
  }
  const getter = own.get('get') ?? descriptorOf('get');
  if (!getter || typeof getter.value !== 'function') return;
  const target = getter.value as Function;
  Object.defineProperty(proto, SMART_GET, { value: target });
  const ownMember = (self: object, name: string) => {
    const d = own.get(name)!;
    if (d.get) return d.get.call(self);
    return typeof d.value === 'function' ? (d.value as Function).bind(self) : d.value;
  };
  for (const name of own.keys()) {
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: object) {
        const p = target.call(this) as Record<string, unknown> | null;
        if (p === null || p === undefined) return ownMember(this, name);
        const v = p[name];
        return typeof v === 'function' ? (v as Function).bind(p) : v;
      },
      set(this: object, value: unknown) {
        const p = target.call(this) as Record<string, unknown> | null;
        if (p === null || p === undefined) throw new TypeError(`${state.info.spelling}: the pointer is empty`);
        p[name] = value;
      },
    });
  }
  Object.defineProperty(proto, '__smartptr__', {
    configurable: true,
    writable: true,
    value: function (this: object) {
      return new Proxy(this, {
        get: (self, key) => (typeof key === 'string' && own.has(key) ? ownMember(self, key) : Reflect.get(self, key, self)),
      });
    },
  });
}

/** Installs the container protocols a class qualifies for; helpers are compiled on first use. */
const STD_STRING = /^std::(?:__cxx11::)?basic_string<char(?:, std::char_traits<char>, std::allocator<char>)?>$/;

/**
 * A std::string object (a std::string& result, `new std.string(...)`) behaves as its text where JS
 * wants a string: String(s), `${s}`, s == 'text', JSON, util.inspect; string parameters take it
 * (the addon copies it; see cppjit_string_object in native/objects.cc).
 */
function installString(state: ClassState, proto: Record<string | symbol, unknown>): void {
  native().objects.stringClass(ADDRESS, CLASS_ID, state.id);
  setStringClass(state.id);
  const text = function (this: CppObject & { substr(): string }) {
    if (!this[ADDRESS]) throw new Error(`cppjit: ${state.info.displayName || state.info.spelling} object was deleted`);
    return this.substr();
  };
  for (const key of ['toString', 'toJSON', Symbol.toPrimitive]) {
    Object.defineProperty(proto, key, { configurable: true, writable: true, value: text });
  }
  Object.defineProperty(proto, inspect.custom, {
    configurable: true,
    writable: true,
    value: function (this: CppObject & { substr(): string }, depth: number, options: object, show: typeof inspect) {
      const label = state.info.displayName || state.info.spelling;
      return this[ADDRESS] ? `${label} ${(show ?? inspect)(this.substr(), options as never)}` : `${label} <deleted>`;
    },
  });
}

export function installProtocols(state: ClassState): void {
  const proto = state.cls.prototype as unknown as Record<string | symbol, unknown>;
  const methods = new Set(state.info.methodNames);
  const taken = (name: string) => methods.has(name) || state.info.fields.some((f) => f.name === name);
  if (isIterable(state)) {
    Object.defineProperty(proto, Symbol.iterator, {
      configurable: true,
      writable: true,
      value: function (this: CppObject) {
        return iterate(this);
      },
    });
  }
  if (isIndexable(state)) {
    Object.setPrototypeOf(proto, indexProxy(state, chainLink(proto)));
    // Iteration from operator[] and size() when there is no begin()/end().
    if (!isIterable(state) && methods.has('size')) {
      Object.defineProperty(proto, Symbol.iterator, {
        configurable: true,
        writable: true,
        value: function* (this: CppObject & Record<string, unknown>) {
          const n = Number((this.size as () => number | bigint)());
          for (let i = 0; i < n; i++) yield this[i];
        },
      });
    }
  }
  const tuple = TUPLE.exec(state.info.spelling);
  if (tuple) installTuple(state, proto, topLevelCount(tuple[1]));
  const variant = VARIANT.exec(state.info.spelling);
  if (variant && state.info.methodNames.includes('index')) installVariant(state, proto, topLevelCount(variant[1]));
  if (STD_STRING.test(state.info.spelling)) installString(state, proto);
  // std::pair destructures like a two-element array: const [key, value] = pair.
  if (/^std::pair</.test(state.info.spelling) && !(Symbol.iterator in proto)) {
    Object.defineProperty(proto, Symbol.iterator, {
      configurable: true,
      writable: true,
      value: function* (this: { first: unknown; second: unknown }) {
        yield this.first;
        yield this.second;
      },
    });
  }
  // std::optional shows its value, or that it is empty (what a JS user checks first).
  if (/^std::optional</.test(state.info.spelling) && methods.has('has_value')) {
    Object.defineProperty(proto, inspect.custom, {
      configurable: true,
      writable: true,
      value: function (this: CppObject & { has_value(): boolean; value(): unknown }, depth: number, options: object, show: typeof inspect) {
        const label = state.info.displayName || state.info.spelling;
        if (!this[ADDRESS]) return `${label} <deleted>`;
        if (!this.has_value()) return `${label} empty`;
        const inner = { ...options, depth: (options as { depth?: number | null }).depth === null ? null : depth - 1 };
        return `${label} ${(show ?? inspect)(this.value(), inner as never)}`;
      },
    });
  }
  if (SMART_POINTER.test(state.info.spelling) && 'get' in proto) {
    Object.setPrototypeOf(proto, pointeeProxy(chainLink(proto)));
    pointeeFirst(state, proto);
  }
  if (isMapLike(state)) {
    const define = (name: string, value: Function) => {
      if (!taken(name)) Object.defineProperty(proto, name, { configurable: true, writable: true, value });
    };
    define('get', function (this: CppObject, key: unknown) {
      const m = mapping(state);
      const address = m.get(live(this), key) as number;
      return address ? m.access.read(address, this) : undefined;
    });
    define('has', function (this: CppObject, key: unknown) {
      return mapping(state).has(live(this), key) as boolean;
    });
    define('set', function (this: CppObject, key: unknown, value: unknown) {
      mapping(state).set(live(this), key, value);
      return this;
    });
  }
}
