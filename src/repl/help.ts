// src/repl/help.ts — help(x): the C++ signatures, members and layout behind a cppjit value, as text.
import { native } from '../native';
import { CLASS_STATE, CPP_NAME, FN_SET, NAMESPACE_STATE } from '../objects/symbols';
import type { OverloadSet } from '../proxy/functions';
import type { ClassState } from '../objects/registry';
import type { FunctionInfo } from '../types';

/** A doc comment indented under what it documents ('' when there is none, or the addon predates docComment). */
function doc(kind: 'function' | 'scope', id: number, indent: string): string[] {
  const text = typeof native().docComment === 'function' ? native().docComment(kind, id).trim() : '';
  return text ? text.split('\n').map((l) => `${indent}${l.trimEnd()}`) : [];
}

function signatureLines(f: FunctionInfo, indent: string): string[] {
  return [`${indent}${f.signature}`, ...doc('function', f.fid, `${indent}    `)];
}

function describeClass(state: ClassState): string {
  const info = state.info;
  const out: string[] = [];
  const bases = info.bases.filter((b) => b.isPublic).map((b) => `${b.isVirtual ? 'virtual ' : ''}${b.spelling}`);
  const traits = [info.isAbstract && 'abstract', info.isPolymorphic && 'polymorphic'].filter(Boolean);
  out.push(`class ${info.spelling}${bases.length ? ` : public ${bases.join(', public ')}` : ''}` +
    `  (sizeof ${info.size}, alignof ${info.align}${traits.length ? `, ${traits.join(', ')}` : ''})`);
  out.push(...doc('scope', state.scope, '  '));
  const ctors = info.constructors.filter((c) => !c.isProtected);
  if (ctors.length) {
    out.push('  constructors:');
    for (const c of ctors) out.push(...signatureLines(c, '    '));
  }
  const fields = info.fields.filter((f) => !f.isProtected);
  if (fields.length) {
    out.push('  fields:');
    for (const f of fields) out.push(`    ${f.type.display || f.type.spelling} ${f.name}${f.isConst ? '  (const)' : ''}`);
  }
  const listFunctions = (title: string, names: string[]) => {
    const lines: string[] = [];
    for (const name of names) {
      const m = native().lookup(state.scope, name);
      if (m.kind === 'functions') {
        for (const f of (m.functions ?? []) as FunctionInfo[]) if (!f.isProtected) lines.push(...signatureLines(f, '    '));
        if (m.hasTemplates) lines.push(`    template ${name}<...>(...)`);
      } else if (m.kind !== 'none') {
        lines.push(`    ${m.kind} ${name}`);
      }
    }
    if (lines.length) out.push(`  ${title}:`, ...lines);
  };
  listFunctions('methods', info.methodNames);
  listFunctions('static members and nested types', info.staticNames);
  return out.join('\n');
}

/** The help text for a cppjit value (or a plain explanation for anything else). */
export function helpText(value: unknown): string {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    return `${String(value)} is a ${value === null ? 'null' : typeof value} (not a C++ entity)`;
  }
  const v = value as Record<string | symbol, unknown>;
  const ns = v[NAMESPACE_STATE] as { name: string; scope: number } | undefined;
  if (ns) {
    const names = Object.keys(v).sort();
    return [`namespace ${ns.name || '(global)'}: ${names.length} declared members`, ...doc('scope', ns.scope, '  '),
      `  ${names.join('  ')}`].join('\n');
  }
  const state = v[CLASS_STATE] as ClassState | undefined;
  if (state) {
    if (typeof value === 'function') return describeClass(state);
    return `an instance of ${state.info.spelling}\n${describeClass(state)}`;
  }
  // Only overload sets are asked for `signatures`: on a class template any string key instantiates it.
  const set = v[FN_SET] as OverloadSet | undefined;
  if (typeof value === 'function' && set) {
    const lines = set.candidates.flatMap((c) => signatureLines(c.info, ''));
    if (set?.templates) lines.push(`template ${set.name}<...>(...)  (arguments deduced per call, or fn['T'](...))`);
    return lines.length ? lines.join('\n') : `${(value as Function).name}: a function template (arguments deduced per call)`;
  }
  const name = v[CPP_NAME];
  if (typeof name === 'string') {
    if (typeof value === 'function') return `class template ${name}<...>: instantiate with ${name.split('::').pop()}['args']`;
    if (Object.isFrozen(value)) {
      const entries = Object.entries(v).map(([k, n]) => `${k} = ${String(n)}`);
      return `enum ${name} { ${entries.join(', ')} }`;
    }
    return `type ${name}`;
  }
  return `not a C++ entity (${typeof value})`;
}
