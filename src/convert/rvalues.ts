// src/convert/rvalues.ts — std.move(x): a marker that lets C++ move from x (T&& and by-value class parameters).
//
// JS has no value categories, so `cppyy.gbl.std.move(obj)` returns a small marker instead of obj:
// overload resolution ranks it like C++ ranks an xvalue (T&& and T before const T&, never T& or
// T*), and a by-value parameter is move-constructed from obj (the thunk gets obj's address
// negated, see value_in in the prelude). obj stays a valid, moved-from object owned as before.
import { CLASS_ID, CLASS_STATE } from '../objects/symbols';
import type { ClassState, CppObject } from '../objects/registry';
import { RVALUE_KIND } from './kinds';

export class Rvalue {
  /** kindOf() reads this as for an instance: the class's kind plus RVALUE_KIND. */
  readonly [CLASS_ID]: number;
  constructor(readonly object: CppObject) {
    this[CLASS_ID] = (object[CLASS_ID] as number) + RVALUE_KIND;
    Object.freeze(this);
  }

  toString(): string {
    return `std::move(${(this.object[CLASS_STATE] as ClassState).info.spelling})`;
  }
}

/** The object an argument stands for: itself, or what std.move() was given. */
export function unwrapRvalue(value: unknown): unknown {
  return value instanceof Rvalue ? value.object : value;
}

function isInstance(value: unknown): value is CppObject {
  return value !== null && typeof value === 'object' && (value as CppObject)[CLASS_STATE] !== undefined;
}

/**
 * `std.move` as JS sees it: one C++ object gives a marker; anything else (the three-argument
 * algorithm std::move(first, last, out), a moved value) goes to C++'s own overloads, and explicit
 * template arguments (`std.move['int&']`) still reach the C++ function.
 */
export function withMoveMarker(move: Function): Function {
  return new Proxy(move, {
    apply(target, self, args: unknown[]) {
      if (args.length === 1) {
        if (args[0] instanceof Rvalue) return args[0];
        if (isInstance(args[0])) return new Rvalue(args[0]);
      }
      return Reflect.apply(target, self, args);
    },
  });
}

/**
 * `std.make_shared(obj)` / `std.make_unique(obj)` as cppyy takes them: with one C++ object and no
 * template arguments, T is the object's class (a copy, or a move from std.move(obj)); everything
 * else reaches the C++ function template as it is.
 */
export function withDeducedElement(make: Function): Function {
  return new Proxy(make, {
    apply(target, self, args: unknown[]) {
      if (args.length === 1) {
        const obj = args[0] instanceof Rvalue ? args[0].object : args[0];
        if (isInstance(obj)) {
          const state = (obj as CppObject)[CLASS_STATE] as { info: { spelling: string } };
          return Reflect.apply((target as unknown as Record<string, Function>)[state.info.spelling], self, args);
        }
      }
      return Reflect.apply(target, self, args);
    },
  });
}
