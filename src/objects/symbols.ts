// src/objects/symbols.ts — the private keys under which cppjit keeps state on JS objects.

/** Address of the C++ object (a number; 0 once deleted). */
export const ADDRESS = Symbol('cppjit.address');
/** Whether JS owns the C++ object (its destructor runs on delete()/GC). */
export const OWNED = Symbol('cppjit.owned');
/** Keeps the owner of a borrowed sub-object (a field) alive. */
export const KEEP = Symbol('cppjit.keepAlive');
/** On an owner: weak references to the views (fields, elements) made with it as KEEP, invalidated when it is deleted. */
export const DEPENDENTS = Symbol('cppjit.dependents');
/** On a smart pointer's prototype: its own get(), when its pointee's get() takes the name (proxy/protocols.ts). */
export const SMART_GET = Symbol('cppjit.smartGet');
/** On a class prototype: byte offset of each ancestor's subobject, by class id. */
export const OFFSETS = Symbol('cppjit.baseOffsets');
/** On a class prototype: the class's numeric id (overload keys). */
export const CLASS_ID = Symbol('cppjit.classId');
/** On a generated class: its ClassState. */
export const CLASS_STATE = Symbol('cppjit.class');
/** On a namespace object: its NamespaceState. */
export const NAMESPACE_STATE = Symbol('cppjit.namespace');
/** On any cppjit entity that names a C++ type: its spelling. */
export const CPP_NAME = Symbol.for('cppjit.cppName');
/** On an overload-set function: its OverloadSet (a C++ function passed as a function pointer). */
export const FN_SET = Symbol('cppjit.overloadSet');
/** On a JS function standing for a C++ function pointer: `{ address, signature, js? }`. */
export const FN_POINTER = Symbol('cppjit.functionPointer');

/**
 * util.inspect.custom (Node defines it as this registered symbol), spelled without importing
 * node:util: the public classes' declarations then type-check in projects without @types/node.
 */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** What util.inspect passes a custom inspection function (the parts cppjit uses). */
export interface InspectOptions {
  stylize(text: string, style: string): string;
  depth?: number | null;
  maxArrayLength?: number | null;
}
export type Inspect = (value: unknown, options?: object) => string;
