// src/proxy/members.ts — turns a looked-up member (class, enum, variable, constant, typedef) into a property.
import { native } from '../native';
import type { MemberInfo, TypeInfo } from '../types';
import { CPP_NAME } from '../objects/symbols';
import { memoryAccess } from '../convert/fields';
import { classFor } from '../objects/registry';
import { classTemplate } from './templates';
import { callOnce } from './functions';
import { CppCompileError } from '../errors';

const enums = new Map<number, Readonly<Record<string, number | bigint>>>();

/** A C++ enumeration as a frozen object of its enumerators. */
export function enumFor(scope: number): Readonly<Record<string, number | bigint>> {
  let e = enums.get(scope);
  if (!e) {
    const info = native().describeEnum(scope);
    const obj: Record<string, number | bigint> = {};
    for (const c of info.constants) obj[c.name] = c.value;
    Object.defineProperty(obj, CPP_NAME, { value: info.spelling });
    // As a property key (`std.optional[Color]`) or in a template literal, it is the enum's C++ name
    // (Symbol.toPrimitive cannot clash with an enumerator's name, as toString could).
    Object.defineProperty(obj, Symbol.toPrimitive, { value: () => info.spelling });
    e = Object.freeze(obj);
    enums.set(scope, e);
    enums.set(info.scope, e);
  }
  return e;
}

/** A non-class C++ type named by a typedef/alias; usable wherever cppjit takes a type. */
export class CppType {
  readonly [CPP_NAME]: string;
  readonly kind: string;
  constructor(readonly type: TypeInfo) {
    this[CPP_NAME] = type.spelling;
    this.kind = type.kind;
  }
  toString() {
    return this.type.spelling;
  }
}

function variableDescriptor(m: MemberInfo): PropertyDescriptor {
  const type = m.type!;
  const access = memoryAccess(type);
  let address = 0;
  const where = () => {
    if (!address) address = native().variableAddress(m.qualifiedName!);
    return address;
  };
  // A `static const int n = 64;` member initialised in its class is a constant without storage
  // unless some translation unit defines it: its value is read by evaluating it.
  let constant: { value: unknown } | undefined;
  return {
    get() {
      if (constant) return constant.value;
      try {
        return access.read(where(), undefined);
      } catch (e) {
        if (!m.isConst || !(e instanceof CppCompileError)) throw e;
        constant = { value: callOnce(native().prepareEvaluate(m.qualifiedName!)) };
        return constant.value;
      }
    },
    set(value: unknown) {
      if (m.isConst) throw new TypeError(`${m.qualifiedName} is const`);
      if (!access.write) throw new TypeError(`${m.qualifiedName}: ${access.unsupported}`);
      access.write(where(), value);
    },
  };
}

/** Property descriptor for a member that is not a function or a namespace; undefined when there is no such member. */
export function memberValue(m: MemberInfo): PropertyDescriptor | undefined {
  switch (m.kind) {
    case 'class':
      return { value: classFor(m.scope!).cls, writable: false };
    case 'enum':
      return { value: enumFor(m.scope!), writable: false };
    case 'enumconstant':
      return { value: m.value, writable: false };
    case 'typedef':
      return { value: new CppType(m.type!), writable: false };
    case 'variable':
      return variableDescriptor(m);
    case 'classtemplate':
      return { value: classTemplate(m.qualifiedName!), writable: false };
    default:
      return undefined;
  }
}
