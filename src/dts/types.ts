// src/dts/types.ts — C++ types (as the addon describes them) spelled as TypeScript, for arguments and for results.
import { native } from '../native';
import type { TypeInfo } from '../types';
import { braceConstructible, takesBraced } from '../convert/kinds';

/** Names the TS type of a class (by scope id); null when the class cannot be declared. */
export type ClassNamer = (scope: number) => string | null;

const INT64 = 'number | bigint';
const POINTER_IN = 'CppPointer | CppInstance | ArrayBuffer | ArrayBufferView | bigint | null';

/** Parameters a JS array or TypedArray converts to: std::vector, std::array, std::span, std::initializer_list. */
function isSequence(t: TypeInfo): boolean {
  const sequence = /^std::(vector|array|span|initializer_list)</;
  return sequence.test(t.spelling.replace(/^const /, '')) || sequence.test(t.display ?? '');
}

/** Class parameters a JS array stands for as a braced initializer, T{a, b} (see convert/temporaries.ts). */
function bracedParam(t: TypeInfo): boolean {
  if (!takesBraced(t)) return false;
  try {
    return braceConstructible(native().describeClass(t.record!), t.record!);
  } catch {
    return false;
  }
}

function callbackType(t: TypeInfo, cls: ClassNamer, nullable: boolean): string {
  const sig = t.signature;
  if (!sig) return nullable ? '((...args: any[]) => any) | null' : '(...args: any[]) => any';
  // A JS function implementing it receives C++ values (results) and returns a C++ value (an argument).
  const params = sig.params.map((p, i) => `a${i}: ${tsType(p, 'out', cls)}`).join(', ');
  const fn = `((${params}) => ${tsType(sig.result, 'in', cls)})`;
  return nullable ? `${fn} | null` : fn;
}

const OPTIONAL = /^std::optional<(.*)>$/;
const PLAIN = new Set(['bool', 'char', 'int', 'float', 'enum', 'string']);

/** Whether a parameter is a std::optional by value or const& (JS may leave it out or pass undefined). */
export function isOptionalParam(t: TypeInfo): boolean {
  return (t.kind === 'object' || (t.kind === 'objectref' && t.isConst)) && OPTIONAL.test(t.kind === 'object' ? t.spelling : t.pointee);
}

/** std::optional<T> as the conversions treat it; null when `t` is no such parameter or result. */
function optionalType(t: TypeInfo, dir: 'in' | 'out', cls: ClassNamer): string | null {
  const m = OPTIONAL.exec(t.kind === 'object' ? t.spelling : t.pointee);
  if (!m || t.record === null) return null;
  let inner: TypeInfo;
  try {
    inner = native().parseType(m[1]);
  } catch {
    return null;
  }
  const self = cls(t.record) ?? 'CppInstance';
  if (dir === 'in' && isOptionalParam(t)) return `${tsType(inner, 'in', cls)} | ${self} | null | undefined`;
  if (dir === 'out' && t.kind === 'object' && PLAIN.has(inner.kind)) return `${tsType(inner, 'out', cls)} | undefined`;
  return null;
}

/** `dir` 'in': what JS may pass; 'out': what JS gets back. */
export function tsType(t: TypeInfo, dir: 'in' | 'out', cls: ClassNamer): string {
  switch (t.kind) {
    case 'void': return 'void';
    case 'bool': return 'boolean';
    case 'char': return dir === 'in' ? 'string | number' : 'string';
    case 'int': return t.bits > 32 ? INT64 : 'number';
    case 'float': return 'number';
    case 'enum': return 'number';
    case 'cstring': return 'string | null';
    case 'string': case 'stringview': return 'string';
    case 'object':
    case 'objectref':
    case 'objectptr': {
      const optional = optionalType(t, dir, cls);
      if (optional) return optional;
      const name = t.record !== null ? cls(t.record) : null;
      let ts = name ?? 'CppInstance';
      if (dir === 'in' && t.kind !== 'objectptr' && isSequence(t)) ts += ' | readonly any[] | ArrayBufferView';
      else if (dir === 'in' && bracedParam(t)) ts += ' | readonly any[]';
      if (t.signature) return callbackType(t, cls, true);
      return t.kind === 'objectptr' ? `${ts} | null` : ts;
    }
    case 'arithref':
      // A reference result reads the value; a const reference parameter takes one.
      if (t.isConst || dir === 'out') return t.pointeeKind === 'int' && t.pointeeBits > 32 ? INT64 : t.pointeeKind === 'bool' ? 'boolean' : 'number';
      return dir === 'in' ? 'CppPointer | ArrayBufferView | { value: any } | null' : 'CppPointer | null';
    case 'pointer':
      return dir === 'in' ? POINTER_IN : 'CppPointer | null';
    case 'funcptr':
      return callbackType(t, cls, true);
    case 'unsupported':
    default:
      // Calls through such a type throw at run time; tsc should refuse them too.
      return dir === 'in' ? 'never' : 'unknown';
  }
}

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally ' +
  'for function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
  'as implements interface let package private protected public static yield arguments eval').split(' '));

/** A usable TS parameter name for a C++ one. */
export function paramName(name: string, index: number, used: Set<string>): string {
  let n = /^[A-Za-z_$][\w$]*$/.test(name) ? name : `arg${index}`;
  if (RESERVED.has(n)) n = `${n}_`;
  while (used.has(n)) n = `${n}_`;
  used.add(n);
  return n;
}

/** A property key: bare when it is an identifier, quoted otherwise ('operator+'). */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
