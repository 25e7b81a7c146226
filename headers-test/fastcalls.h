// headers-test/fastcalls.h — callables whose signatures V8's fast calls take (and some it does not), for test/fastcalls.test.ts.
#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>

#include "lifetimes.h"

namespace fastc {

inline int add(int a, int b) { return a + b; }
inline double hypot2(double x, double y) { return x * x + y * y; }
inline unsigned int umax() { return 4000000000u; }
inline unsigned int echo_u32(unsigned int v) { return v; }
inline short echo_i16(short v) { return v; }
inline unsigned char echo_u8(unsigned char v) { return v; }
inline bool negate(bool b) { return !b; }
inline int low_bits(long long v, unsigned long n) { return static_cast<int>(v & ((1LL << n) - 1)); }
inline float half(double x) { return static_cast<float>(x / 2); }
inline int checked(int x) {
  if (x < 0) throw std::invalid_argument("negative: " + std::to_string(x));
  return x * 2;
}
inline int thrown_number(int x) {
  if (x == 7) throw 7;
  return x;
}
inline int total = 0;
inline void accumulate(int x) { total += x; }

// Overloads: each cached resolution keeps its fast entry.
inline int over(int x) { return x + 1; }
inline double over(double x) { return x * 2; }
inline const char* over(const char* s) { return s; }

struct Meter {
  Meter() { ++lifetimes::constructed; }
  ~Meter() { ++lifetimes::destroyed; }
  int count = 0;
  double sum = 0;
  int bump(int k) { return count += k; }
  double add(double x) { return sum += x; }
  static int twice(int x) { return 2 * x; }
  int scaled(int k) const { return count * k; }
  double scaled(double k) const { return count * k; }
};

// C++ holding a JS function, and an int-only function calling it: never a fast call while it is held.
inline std::function<int(int)> hook;
inline void set_hook(std::function<int(int)> f) { hook = std::move(f); }
inline void clear_hook() { hook = nullptr; }
inline int run_hook(int x) { return hook ? hook(x) : -1; }

}  // namespace fastc
