// src/proxy/namespace.ts — C++ namespaces as plain objects whose prototype is one shared Proxy: hits are plain property reads.
import { inspect } from 'node:util';
import { native } from '../native';
import { CPP_NAME, NAMESPACE_STATE } from '../objects/symbols';
import { OverloadSet, makeCallable } from './functions';
import { memberValue } from './members';
import { withDeducedElement, withMoveMarker } from '../convert/rvalues';

interface NamespaceState {
  scope: number;
  name: string; // qualified C++ name ('' for the global namespace)
  object: Record<string, unknown>;
  declared: Set<string>;
  /** Whether the names from system headers are listed too (see refresh). */
  listsSystemNames: boolean;
  /**
   * Variables resolved behind a lazy member's accessors: redefining one accessor pair with another
   * turns the object into a dictionary (every member read a hash probe), so they stay and delegate.
   */
  variables: Map<string, PropertyDescriptor>;
  /** Its names were not listed yet (refresh): the interpreter ran on includes not yet repeated. */
  unlisted?: boolean;
}

const namespaces = new Map<number, NamespaceState>();

/** Resolves `name` in the namespace, memoising it as an own property of the namespace object. */
function resolveMember(state: NamespaceState, name: string): { found: boolean; value?: unknown } {
  const m = native().lookup(state.scope, name);
  const qualified = state.name ? `${state.name}::${name}` : name;
  let descriptor: PropertyDescriptor | undefined;
  if (m.kind === 'functions') {
    const callable = (m.functions ?? []).filter((f) => !f.isProtected);
    if (!callable.length && !m.hasTemplates) return { found: false };
    const templates = m.hasTemplates ? { callee: m.qualifiedName ?? qualified } : null;
    const fn = makeCallable(new OverloadSet(qualified, callable, null, templates), state.object, name, true);
    const value = qualified === 'std::move' ? withMoveMarker(fn)
      : qualified === 'std::make_shared' || qualified === 'std::make_unique' ? withDeducedElement(fn) : fn;
    descriptor = { value, writable: true };
  } else if (m.kind === 'namespace') {
    descriptor = { value: namespaceFor(m.scope!), writable: false };
  } else {
    descriptor = memberValue(m);
  }
  if (!descriptor) return { found: false };
  const current = Object.getOwnPropertyDescriptor(state.object, name);
  if (descriptor.get && current?.get && lazyGetters.has(current.get)) {
    state.variables.set(name, descriptor);
    return { found: true, value: descriptor.get.call(state.object) };
  }
  Object.defineProperty(state.object, name, { configurable: true, enumerable: true, ...descriptor });
  return { found: true, value: descriptor.get ? descriptor.get.call(state.object) : descriptor.value };
}

// The one Proxy behind every namespace object: consulted only when an own property is missing.
const missTraps: ProxyHandler<object> = {
  get(_target, key, receiver) {
    if (typeof key === 'symbol') return undefined;
    const state = (receiver as Record<symbol, NamespaceState>)[NAMESPACE_STATE];
    if (!state) return undefined;
    // A template by its full name (`std['vector<int>']`, as cppyy takes it): its subscript.
    const angle = key.indexOf('<');
    if (angle > 0 && key.endsWith('>')) {
      const template = (receiver as Record<string, unknown>)[key.slice(0, angle).trim()];
      return template === undefined || template === null ? undefined : (template as Record<string, unknown>)[key.slice(angle + 1, -1)];
    }
    const r = resolveMember(state, key);
    if (state.unlisted) refresh(state);  // the lookup settled the interpreter
    return r.found ? r.value : undefined;
  },
  has() {
    // No receiver is passed to `has`; declared names are own properties, so `in` sees them anyway.
    return false;
  },
  set(_target, key, value, receiver) {
    Object.defineProperty(receiver, key, { value, writable: true, configurable: true, enumerable: true });
    return true;
  },
};
const missProxy = new Proxy(Object.create(null), missTraps);

function defineLazyMember(state: NamespaceState, name: string) {
  if (Object.prototype.hasOwnProperty.call(state.object, name)) return;
  Object.defineProperty(state.object, name, {
    configurable: true,
    enumerable: true,
    // resolveMember redefines the property in place: a delete would turn the object into a
    // dictionary, and every later lookup of its members would be a hash probe.
    get,
    set(value: unknown) {
      const variable = state.variables.get(name);
      if (variable) {
        if (!variable.set) throw new TypeError(`${state.name ? `${state.name}::` : ''}${name} is read-only`);
        variable.set.call(state.object, value);
        return;
      }
      const r = resolveMember(state, name);
      if (r.found) state.object[name] = value;
      else Object.defineProperty(state.object, name, { value, writable: true, configurable: true, enumerable: true });
    },
  });
  function get() {
    const variable = state.variables.get(name);
    if (variable) return variable.get!.call(state.object);
    const r = resolveMember(state, name);
    if (!r.found) delete state.object[name];
    return r.found ? r.value : undefined;
  }
  lazyGetters.add(get);
}
const lazyGetters = new WeakSet<Function>();

/** Adds lazily-resolving entries for names declared since the namespace object was made. */
function refresh(state: NamespaceState) {
  // The global scope lists what the user's code and headers declare, not the thousands of C
  // library names every session has (those still resolve when used). Other namespaces list the
  // names from system headers from the turn of the event loop after their first use: for std,
  // listing them deserializes all of the precompiled header's std (~50-100 ms), which a script
  // that only calls std.vector need not wait for.
  // While the interpreter runs on precompiled includes the script has not all repeated yet, the
  // global scope holds names it has not included: listing waits for the next include (or the first
  // lookup, which settles the interpreter; see native/addon.cc).
  state.unlisted = native().headerCache().pending;
  if (state.unlisted) return;
  for (const name of native().memberNames(state.scope, !state.listsSystemNames)) {
    if (state.declared.has(name)) continue;
    state.declared.add(name);
    defineLazyMember(state, name);
  }
}

/** After new C++ code was parsed: the namespaces JS has seen list their new members too. */
export function refreshNamespaces() {
  for (const state of namespaces.values()) refresh(state);
}

export function namespaceFor(scope: number): Record<string, unknown> {
  const known = namespaces.get(scope);
  if (known) return known.object;
  const object = Object.create(missProxy) as Record<string, unknown>;
  const name = native().qualifiedName(scope);
  const state: NamespaceState = { scope, name, object, declared: new Set(), listsSystemNames: false, variables: new Map() };
  Object.defineProperty(object, NAMESPACE_STATE, { value: state });
  Object.defineProperty(object, CPP_NAME, { value: name });
  Object.defineProperty(object, inspect.custom, {
    value: () => `<C++ namespace ${name || '(global)'}>`,
  });
  Object.defineProperty(object, Symbol.toStringTag, { value: `C++ namespace ${name || '(global)'}` });
  namespaces.set(scope, state);
  refresh(state);
  if (name) {
    const later = setImmediate(() => {
      state.listsSystemNames = true;
      refresh(state);
    });
    later.unref();
  }
  return object;
}
