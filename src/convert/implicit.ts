// src/convert/implicit.ts — implicit conversions between unrelated classes (shared_ptr<Derived> → shared_ptr<Base>, converting constructors).
import type { NativeFunction } from '../types';
import type { ClassState } from '../objects/registry';
import { classById, classFor } from '../objects/registry';
import { defineHelpers } from './helpers';

// One verdict per (from, to) class pair: asking Clang costs a compile, so it is asked once. The
// conversion itself is C++'s own (copy-initialisation of `to` from a `from&` lvalue), compiled
// into a helper that returns the new object by value.
const conversions = new Map<string, NativeFunction | null>();
let counter = 0;

// From std.move(x) (`moved`), the conversion may move from x: unique_ptr<Derived> → unique_ptr<Base>.
export function implicitConversion(from: ClassState, to: ClassState, moved = false): NativeFunction | null {
  const key = `${from.id}>${to.id}${moved ? '&&' : ''}`;
  let found = conversions.get(key);
  if (found !== undefined) return found;
  found = null;
  // Only complete, concrete classes are made: asking std::is_convertible about a class that is only
  // declared (OpenCV's cuda::GpuMat) is undefined, and crashed Clang's code generation.
  if (!to.info.isComplete || to.info.isAbstract || !from.info.isComplete) {
    conversions.set(key, null);
    return null;
  }
  const source = from.info.spelling;
  const target = to.info.spelling;
  const n = ++counter;
  // The source is what JS holds: a non-const lvalue (an xvalue for std.move(x)), so C++ picks the
  // constructor a plain `T t = x;` would: _OutputArray(Mat&), not _OutputArray(const Mat&).
  const argument = moved ? `${source}&&` : `${source}&`;
  try {
    const [convertible] = defineHelpers(
      `inline bool convertible_${n}() { return std::is_convertible_v<${argument}, ${target}> && std::is_destructible_v<${target}>; }\n`,
      [`convertible_${n}`]);
    if (convertible() === true) {
      const body = moved ? `inline ${target} convert_${n}(${source}& from) { return static_cast<${source}&&>(from); }\n`
        : `inline ${target} convert_${n}(${source}& from) { return from; }\n`;
      found = defineHelpers(body, [`convert_${n}`])[0];
    }
  } catch {
    found = null; // a class C++ cannot name here (a local or anonymous type): no conversion
  }
  conversions.set(key, found);
  return found;
}

/** For overload ranking: whether an instance of class `argId` (std.move()d: `moved`) converts implicitly to the class at `record`. */
export function convertsImplicitly(argId: number, record: number, moved = false): boolean {
  return implicitConversion(classById(argId), classFor(record), moved) !== null;
}
