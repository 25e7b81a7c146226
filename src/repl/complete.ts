// src/repl/complete.ts — Tab completion through C++ namespaces, classes, templates and objects (Node's completer stops at Proxies).
import { native } from '../native';
import { CLASS_STATE, NAMESPACE_STATE } from '../objects/symbols';
import type { ClassState } from '../objects/registry';

/** One step of a member path: `.name` or `['args']`. */
type Step = { name: string };

// The trailing `a.b['x'].c.pre` of the line: a root identifier, then dotted names or quoted subscripts.
const PATH = /([A-Za-z_$][\w$]*)((?:\s*(?:\.\s*[A-Za-z_$][\w$]*|\[\s*(?:'[^']*'|"[^"]*")\s*\]))*)\s*\.\s*([\w$]*)$/;
const STEP = /\.\s*([A-Za-z_$][\w$]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\]/g;

/** Whether `value` is something cppjit made (a namespace, class, template, instance, overload set). */
export function isCppEntity(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const v = value as Record<symbol, unknown>;
  return Boolean(v[NAMESPACE_STATE] || v[CLASS_STATE] || v[Symbol.for('cppjit.cppName')]);
}

function parse(line: string): { root: string; steps: Step[]; prefix: string } | null {
  const m = PATH.exec(line);
  if (!m) return null;
  const steps: Step[] = [];
  for (const s of m[2].matchAll(STEP)) steps.push({ name: s[1] ?? s[2] ?? s[3] });
  return { root: m[1], steps, prefix: m[3] };
}

/** Property names worth offering on a cppjit value: its declared C++ members first. */
export function memberNamesOf(value: unknown): string[] {
  const names = new Set<string>();
  const v = value as Record<string | symbol, unknown>;
  if (v[NAMESPACE_STATE]) {
    for (const k of Object.keys(v)) names.add(k);
    // System headers' names too (cppyy.gbl lists only the user's).
    for (const k of native().memberNames((v[NAMESPACE_STATE] as { scope: number }).scope)) names.add(k);
    return [...names];
  }
  const state = v[CLASS_STATE] as ClassState | undefined;
  const addChain = (o: object | null, stop: object | null) => {
    for (let p = o; p && p !== stop && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
      for (const k of Object.getOwnPropertyNames(p)) if (k !== 'constructor' && k !== 'prototype' && !/^\d+$/.test(k)) names.add(k);
    }
  };
  if (typeof value === 'function' && state) {
    // A class: statics, nested types and enums live on the constructor (own properties, not inherited JS ones).
    for (const k of state.info.staticNames) names.add(k);
    addChain(value, null);
    for (const k of ['length', 'name']) names.delete(k);
  } else if (state) {
    for (const f of state.info.fields) if (!f.isProtected) names.add(f.name);
    for (const k of state.info.methodNames) names.add(k);
    addChain(Object.getPrototypeOf(value), null);
  } else if (typeof value === 'function' && typeof v[Symbol.for('cppjit.cppName')] === 'string') {
    // A class template: its members are instantiations (`['int']`), nothing to complete after a dot.
  } else {
    addChain(value as object, null);
  }
  return [...names];
}

/**
 * Completes `line` when its trailing member path starts at a cppjit value reachable from `context`.
 * Returns null when the path is not C++ (the caller falls back to Node's completer).
 */
export function completeCpp(line: string, context: Record<string, unknown>): [string[], string] | null {
  const p = parse(line);
  if (!p || !(p.root in context)) return null;
  let value: unknown = context[p.root];
  let sawCpp = isCppEntity(value);
  for (const step of p.steps) {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return null;
    try {
      value = (value as Record<string, unknown>)[step.name];
    } catch {
      return null;
    }
    sawCpp ||= isCppEntity(value);
  }
  if (!sawCpp || !isCppEntity(value)) return null;
  const names = memberNamesOf(value).filter((n) => n.startsWith(p.prefix) && /^[A-Za-z_$][\w$]*$/.test(n));
  names.sort();
  return [names, p.prefix];
}
