// headers-test/documented.h — doc-commented declarations for help() in the REPL and JSDoc in `cppjit dts` output.
#pragma once
#include <string>

/// Geometry helpers with documentation comments.
namespace documented {

/// A point in the plane.
struct Spot {
  double x = 0, y = 0;
  /// Squared distance from the origin.
  double norm2() const { return x * x + y * y; }
};

/** Adds two integers; never overflows in the tests. */
inline int plus(int a, int b) { return a + b; }

/// Repeats a string n times.
inline std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace documented
