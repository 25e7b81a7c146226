// src/proxy/templates.ts — class templates by subscript (`std.vector['int']`) and the C++ spelling of JS values for template calls.
import { inspect } from 'node:util';
import { native } from '../native';
import { CLASS_STATE, CPP_NAME } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { classFor, derivedCppName } from '../objects/registry';
import { CppPointer } from '../convert/pointers';
import { Rvalue } from '../convert/rvalues';
import { K_ARRAY_INT, K_ARRAY_NUMBER, K_ARRAY_STRING, kindOf } from '../convert/kinds';

/** Spells one template argument: strings as written, classes and types by their C++ name, numbers as literals. */
export function templateArgument(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.map(templateArgument).join(', ');
  if (value === Number) return 'double';
  if (value === String) return 'std::string';
  if (value === Boolean) return 'bool';
  if (value === BigInt) return 'long long';
  if ((typeof value === 'function' || typeof value === 'object') && value !== null) {
    const name = (value as Record<symbol, unknown>)[CPP_NAME];
    // A JS class extending a C++ class inherits the base's name; it stands for its own C++ subclass.
    if (typeof name === 'string' && typeof value === 'function' && !Object.prototype.hasOwnProperty.call(value, CPP_NAME)) {
      const derived = derivedCppName(value);
      if (derived) return derived;
    }
    if (typeof name === 'string') return name;
  }
  throw new TypeError(`cannot use ${typeof value} as a C++ template argument (pass a type name string, a cppjit class or a number)`);
}

function arrayElementType(values: ArrayLike<unknown>): string | null {
  switch (kindOf(values)) {
    case K_ARRAY_INT: return 'int';
    case K_ARRAY_NUMBER: return 'double';
    case K_ARRAY_STRING: return 'std::string';
    default: {
      const first = values.length ? deducedType(values[0]) : null;
      return first ? first.replace(/&$/, '') : null;
    }
  }
}

/** Keys of a function object that must keep their JS meaning on a template. */
const FUNCTION_KEYS = new Set(['name', 'length', 'prototype', 'call', 'apply', 'bind', 'toString', 'constructor', 'arguments', 'caller']);

interface TemplateState {
  qualifiedName: string;
  instances: Map<string, unknown>;
}

const templates = new Map<string, unknown>();

function instantiate(state: TemplateState, args: string): unknown {
  const key = args.replace(/\s+/g, ' ').trim();
  let cls = state.instances.get(key);
  if (cls === undefined) {
    // `a<b<c>>` parses in C++11, but a space keeps the spelling valid in every mode.
    const spelling = `${state.qualifiedName}<${key}${key.endsWith('>') ? ' ' : ''}>`;
    const scope = native().instantiateClass(spelling);
    cls = classFor(scope).cls;
    state.instances.set(key, cls);
  }
  return cls;
}

const templateTraps: ProxyHandler<(...args: unknown[]) => unknown> = {
  get(target, key, receiver) {
    if (typeof key === 'symbol' || FUNCTION_KEYS.has(key)) return Reflect.get(target, key, receiver);
    if (key === 'then') return undefined; // not a thenable
    const state = (target as unknown as Record<symbol, TemplateState>)[TEMPLATE_STATE];
    return instantiate(state, key);
  },
  has(target, key) {
    return typeof key === 'symbol' ? key in target : FUNCTION_KEYS.has(key);
  },
};

const TEMPLATE_STATE = Symbol('cppjit.template');

/** The JS object for a C++ class template: subscript or call it with template arguments to get the class. */
export function classTemplate(qualifiedName: string): unknown {
  let t = templates.get(qualifiedName);
  if (!t) {
    const state: TemplateState = { qualifiedName, instances: new Map() };
    const target = function (...args: unknown[]) {
      return instantiate(state, args.map(templateArgument).join(', '));
    };
    Object.defineProperty(target, 'name', { value: qualifiedName.split('::').pop() });
    Object.defineProperty(target, TEMPLATE_STATE, { value: state });
    Object.defineProperty(target, CPP_NAME, { value: qualifiedName });
    Object.defineProperty(target, 'toString', { value: () => qualifiedName });
    Object.defineProperty(target, inspect.custom, { value: () => `<C++ class template ${qualifiedName}>` });
    t = new Proxy(target, templateTraps);
    templates.set(qualifiedName, t);
  }
  return t;
}

/**
 * The C++ type an argument stands for when Clang deduces template arguments from it (cppyy's
 * choices: integral numbers are int/long, others double, strings std::string), or null.
 */
export function deducedType(value: unknown): string | null {
  switch (typeof value) {
    case 'number':
      if ((value | 0) === value) return 'int';
      return Number.isSafeInteger(value) ? 'long' : 'double';
    case 'string':
      return 'std::string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'long long';
    case 'object': {
      if (value === null) return 'decltype(nullptr)';
      const state = (value as CppObject)[CLASS_STATE] as ClassState | undefined;
      if (state) return `${state.info.spelling}&`;
      if (value instanceof Rvalue) return `${(value.object[CLASS_STATE] as ClassState).info.spelling}&&`;
      if (value instanceof CppPointer) return `${value.type}*`;
      if (Array.isArray(value) || ArrayBuffer.isView(value)) {
        const element = arrayElementType(value as unknown[]);
        return element ? `std::vector<${element}>` : null;
      }
      return null;
    }
    default:
      return null;
  }
}
