// headers-test/templates.h — class and function templates: type and non-type arguments, defaults, members, deduction.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "lifetimes.h"

namespace tpl {

template <class T, int N = 2>
struct Box {
  T value{};
  Box() { ++lifetimes::constructed; }
  explicit Box(T v) : value(v) { ++lifetimes::constructed; }
  Box(const Box& o) : value(o.value) { ++lifetimes::constructed; }
  ~Box() { ++lifetimes::destroyed; }
  T scaled() const { return value * N; }
  static int count() { return N; }
  template <class U>
  U as() const { return static_cast<U>(value); }
};

template <class K, class V>
struct Pair {
  K key;
  V val;
};

struct Point {
  double x = 0, y = 0;
  Point() = default;
  Point(double x_, double y_) : x(x_), y(y_) {}
};

template <class T>
T twice(T x) { return x + x; }

template <class T>
auto total(const std::vector<T>& values) {
  T sum{};
  for (const auto& v : values) sum += v;
  return sum;
}

template <class A, class B>
auto mix(A a, B b) { return a * b; }

// A non-template overload is preferred when it matches exactly.
inline std::string describe(int) { return "int overload"; }
template <class T>
std::string describe(T) { return "template"; }

template <int N>
int power_of_two() { return 1 << N; }

template <class T>
double norm(const T& p) { return p.x * p.x + p.y * p.y; }

template <class T>
struct Broken {
  static_assert(sizeof(T) == 1, "Broken<T> only accepts one-byte types");
  T t;
};

// Templated constructors: the argument types pick the instantiation.
struct Sized {
  unsigned long bytes;
  std::string kind;
  template <class T>
  explicit Sized(const T&) : bytes(sizeof(T)), kind("one") {}
  template <class A, class B>
  Sized(const A&, const B&) : bytes(sizeof(A) + sizeof(B)), kind("two") {}
  Sized(int) : bytes(0), kind("int") {}  // a non-template constructor wins when it matches exactly
};

// A callable template parameter: a JS function once the template arguments are explicit.
template <class F>
int applyTwice(F f, int x) { return f(f(x)); }

template <class T>
T same(T t) { return t; }

}  // namespace tpl
