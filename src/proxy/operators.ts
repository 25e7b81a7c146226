// src/proxy/operators.ts — C++ operators by their spelling (member, free or found by ADL, chosen by Clang) and the conveniences built on them: equals, toString, call, conversions.
//
// `a['operator+'](b)` asks Clang which function the expression `a + b` would call, for the C++
// types of the JS values (an instance is an lvalue of its class, numbers int/double, strings
// std::string), so member operators, namespace-level ones and hidden friends found by ADL all work
// the way C++ resolves them. The chosen function is compiled once per operator and argument types.
import { native } from '../native';
import { CLASS_STATE } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { OverloadSet, makeCallable } from './functions';
import { deducedType } from './templates';
import { castTarget } from './casts';
import { HELPERS } from '../convert/helpers';

export const OPERATORS = [
  '+', '-', '*', '/', '%', '^', '&', '|', '~', '!', '=', '<', '>', '+=', '-=', '*=', '/=', '%=', '^=', '&=',
  '|=', '<<', '>>', '<<=', '>>=', '==', '!=', '<=', '>=', '<=>', '&&', '||', '++', '--', ',', '->*', '[]', '()',
];

type Resolved = ((args: unknown[]) => unknown) | TypeError;
const resolved = new Map<string, Resolved>();

function resolve(op: string, types: string[], explicitArgs?: string): Resolved {
  const key = `${op}|${explicitArgs ?? ''}|${types.join(',')}`;
  let r = resolved.get(key);
  if (r) return r;
  const name = op === 'conversion' ? `operator ${explicitArgs}` : `operator${op}`;
  try {
    const info = native().resolveTemplateCall({ callee: '', op, argTypes: types, ...(explicitArgs ? { explicitArgs } : {}) });
    if (info.kind === 'method') {
      const owner = castTarget(info.classSpelling ?? '');
      if (!owner) throw new Error(`no class ${info.classSpelling}`);
      const method = makeCallable(new OverloadSet(info.signature, [info], owner), null, name, false);
      r = (args) => method.apply(args[0], args.slice(1));
    } else {
      const fn = makeCallable(new OverloadSet(info.signature, [info], null), null, name, false);
      r = (args) => fn(...args);
    }
  } catch (e) {
    const message = ((e as Error).message ?? String(e)).split('\n')[0];
    r = new TypeError(`no ${name} for (${types.join(', ')}): ${message}`);
  }
  resolved.set(key, r);
  return r;
}

/** Applies the C++ operator `op` to `self` and `args` (postfix ++/-- take a dummy int argument). */
export function callOperator(op: string, self: unknown, args: unknown[], explicitArgs?: string): unknown {
  const all = [self, ...args];
  const types: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const t = deducedType(all[i]);
    if (t === null) throw new TypeError(`operator${op}: argument ${i} (${typeof all[i]}) has no C++ type`);
    types.push(t);
  }
  let r = resolve(op, types, explicitArgs);
  // An integral JS number is an int first; when that is ambiguous or not viable (a class with both
  // operator*(double) and a conversion to double), it may still be meant as a double.
  if (r instanceof TypeError && types.includes('int')) {
    const asDouble = resolve(op, types.map((t) => (t === 'int' ? 'double' : t)), explicitArgs);
    if (!(asDouble instanceof TypeError)) r = asDouble;
  }
  if (r instanceof TypeError) throw new TypeError(r.message);
  return r(all);
}

// toString(): through operator<<(std::ostream&, const T&), printed into a std::ostringstream.
const printers = new Map<ClassState, ((v: unknown) => string) | null>();
let printerDefined = false;

export function printerFor(state: ClassState): ((v: unknown) => string) | null {
  let p = printers.get(state);
  if (p !== undefined) return p;
  p = null;
  try {
    if (!printerDefined) {
      native().cppdef(
        `#include <sstream>\nnamespace ${HELPERS} {\n` +
          'template <class T> auto streamed(const T& v) -> decltype(std::declval<std::ostream&>() << v, std::string()) {\n' +
          '  std::ostringstream os; os << v; return os.str();\n}\n' +
          // A member operator<<(std::ostream&) (`v << os`), which cppyy also prints with.
          'template <class T> auto streamed_member(const T& v) -> decltype(v << std::declval<std::ostream&>(), std::string()) {\n' +
          '  std::ostringstream os; v << os; return os.str();\n}\n}\n',
        true,
      );
      printerDefined = true;
    }
    let info;
    try {
      info = native().resolveTemplateCall({ callee: `${HELPERS}::streamed`, argTypes: [`${state.info.spelling}&`] });
    } catch {
      info = native().resolveTemplateCall({ callee: `${HELPERS}::streamed_member`, argTypes: [`${state.info.spelling}&`] });
    }
    const fn = makeCallable(new OverloadSet('toString', [info], null), null, 'toString', false);
    p = (v) => fn(v) as string;
  } catch {
    p = null; // no operator<< for this class
  }
  printers.set(state, p);
  return p;
}

/** Installs the operator spellings and conveniences on the base of every generated class. */
export function installOperators(proto: object): void {
  for (const op of OPERATORS) {
    Object.defineProperty(proto, `operator${op}`, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        return callOperator(op, this, args);
      },
    });
  }
  Object.defineProperties(proto, {
    equals: {
      configurable: true,
      writable: true,
      value: function (this: unknown, other: unknown) {
        return callOperator('==', this, [other]);
      },
    },
    call: {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        return callOperator('()', this, args);
      },
    },
    toString: {
      configurable: true,
      writable: true,
      value: function (this: CppObject) {
        const state = this[CLASS_STATE] as ClassState | undefined;
        if (!state) return Object.prototype.toString.call(this);
        const print = printerFor(state);
        if (print) return print(this);
        // std::wstring, u16string, u32string: their text (no std::ostream prints them).
        if (/^std::(?:__cxx11::)?basic_string<(?:wchar_t|char16_t|char32_t)\b/.test(state.info.spelling)) return (this as unknown as { c_str(): string }).c_str();
        const ctor = (this as { constructor?: Function }).constructor;
        return ctor && ctor !== state.cls && state.bases[0] ? `[object ${ctor.name} [${state.bases[0].info.spelling}]]` : `[object ${state.info.spelling}]`;
      },
    },
  });
}

/** Conversion operators of one class: `obj['operator bool']()`. */
export function installConversions(proto: object, conversions: { name: string; type: string }[]): void {
  for (const { name, type } of conversions) {
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (this: unknown) {
        return callOperator('conversion', this, [], type);
      },
    });
  }
}
