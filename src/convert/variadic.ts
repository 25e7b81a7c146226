// src/convert/variadic.ts — calls of C variadic functions (printf-like): extra arguments typed by C's default argument promotions, one thunk per type list.
import { native } from '../native';
import type { FunctionInfo, NativeFunction } from '../types';
import { CLASS_STATE, FN_POINTER } from '../objects/symbols';
import { CppPointer, CppRef } from './pointers';

/**
 * The C++ type a JS value takes in a variadic call, after C's default promotions: booleans and
 * int32 numbers are `int`, other integral numbers `long long`, non-integral ones `double`, bigints
 * `long long` (`unsigned long long` above its range), strings and char pointers `const char*`,
 * other pointer-like values `void*`.
 */
export function promotedType(value: unknown, where: string): string {
  switch (typeof value) {
    case 'boolean':
      return 'int';
    case 'number':
      if ((value | 0) === value) return 'int';
      return Number.isSafeInteger(value) ? 'long long' : 'double';
    case 'bigint':
      if (value >= -(1n << 63n) && value < 1n << 63n) return 'long long';
      if (value >= 0n && value < 1n << 64n) return 'unsigned long long';
      throw new RangeError(`${where}: ${value} does not fit in 64 bits`);
    case 'string':
      return 'const char*';
    case 'object':
      if (value === null) return 'void*';
      if (value instanceof CppPointer) return /^(?:const )?(?:(?:un)?signed )?char$/.test(value.type) ? 'const char*' : 'void*';
      if (value instanceof CppRef || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 'void*';
      if ((value as Record<symbol, unknown>)[CLASS_STATE]) {
        throw new TypeError(`${where}: a C++ object cannot be passed through '...'; pass cppyy.ll.addressof(obj) for a pointer`);
      }
      break;
    case 'function':
      // A function pointer with an address of its own: cppyy.ll.callback(fn, type), or one C++ returned.
      if (functionPointerAddress(value) !== undefined) return 'void*';
      throw new TypeError(`${where}: a JS function has no C type through '...'; pin it as one: cppyy.ll.callback(fn, 'int(int)')`);
    default:
      break;
  }
  throw new TypeError(`${where}: cannot pass ${value === undefined ? 'undefined' : typeof value} through '...'`);
}

function functionPointerAddress(value: Function): number | undefined {
  return (value as unknown as Record<symbol, { address: number } | undefined>)[FN_POINTER]?.address;
}

/** The invoker of a variadic callable: compiles (and caches) a thunk per list of promoted extra types. */
export function variadicInvoker(info: FunctionInfo, hasSelf: boolean, makeInvoker: (info: FunctionInfo, fn: NativeFunction, hasSelf: boolean) => NativeFunction): NativeFunction {
  const fixed = info.params.length + (hasSelf ? 1 : 0);
  const byTypes = new Map<string, NativeFunction>();
  return (...args: unknown[]) => {
    const types: string[] = [];
    for (let i = fixed; i < args.length; i++) types.push(promotedType(args[i], `${info.signature}: argument ${i + 1 - (hasSelf ? 1 : 0)}`));
    const key = types.join(',');
    let call = byTypes.get(key);
    if (!call) {
      const compiled = native().compileVariadic(info.fid, types);
      call = makeInvoker(compiled.info, compiled.call, hasSelf);
      byTypes.set(key, call);
    }
    for (let i = fixed; i < args.length; i++) if (typeof args[i] === 'function') args[i] = BigInt(functionPointerAddress(args[i] as Function)!);
    return call(...args);
  };
}
