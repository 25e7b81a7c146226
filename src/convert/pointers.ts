// src/convert/pointers.ts — pointer objects for C++ pointers that are not class instances (void*, int*, opaque T*).
import { inspect } from 'node:util';
import { POINTER_TAG } from './kinds';
import { ADDRESS, CLASS_STATE, OFFSETS } from '../proxy/symbols';
import type { ClassState, CppObject } from '../proxy/classes';

export class CppPointer {
  readonly [POINTER_TAG] = true;
  /** The address as a bigint (0n for a null pointer). */
  readonly address: bigint;
  /** The pointee's C++ spelling. */
  readonly type: string;
  constructor(address: number | bigint, type: string) {
    this.address = BigInt(address);
    this.type = type;
  }
  get isNull(): boolean {
    return this.address === 0n;
  }
  [inspect.custom]() {
    return `<${this.type}* 0x${this.address.toString(16)}>`;
  }
}

export function makePointer(address: number, pointee: string): CppPointer | null {
  return address ? new CppPointer(address, pointee) : null;
}

/** Address for a pointer parameter: pointer objects, instances, bigint/number addresses, null. */
export function pointerAddress(value: unknown, expected: string): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof CppPointer) return Number(value.address);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'object' && (value as CppObject)[CLASS_STATE]) {
    const obj = value as CppObject;
    const state = obj[CLASS_STATE] as ClassState;
    return (obj[ADDRESS] as number) + ((obj[OFFSETS] as Record<number, number>)[state.id] ?? 0);
  }
  throw new TypeError(`expected ${expected} (a pointer, an instance or null), got ${typeof value}`);
}
