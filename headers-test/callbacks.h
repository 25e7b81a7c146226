// headers-test/callbacks.h — function pointers, std::function, stored callbacks and throwing callbacks for test/callbacks.test.ts.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <vector>
#include <stdexcept>
#include <string>
#include <thread>

#include "lifetimes.h"

namespace cb {

inline int add(int a, int b) { return a + b; }
inline double add(double a, double b) { return a + b + 0.5; }
inline int mul(int a, int b) { return a * b; }
using BinOp = int (*)(int, int);

inline int apply(int (*op)(int, int), int a, int b) { return op(a, b); }
inline bool isAdd(BinOp f) { return f == static_cast<BinOp>(&add); }
inline bool isNull(int (*f)(int)) { return f == nullptr; }

struct Ops {
  static int sub(int a, int b) { return a - b; }
};

// std::function with doubles and strings.
inline double integrate(const std::function<double(double)>& f, double from, double to, int steps) {
  double h = (to - from) / steps, sum = 0;
  for (int i = 0; i < steps; ++i) sum += f(from + (i + 0.5) * h) * h;
  return sum;
}
inline std::string joined(std::function<std::string(const std::string&, int)> f, const std::string& word, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += f(word, i);
  return out;
}
inline bool isEmpty(std::function<int(int)> f) { return !f; }
inline int viaRvalue(std::function<int(int)>&& f) { return f(20); }

// void callbacks with side effects.
inline void repeat(int n, void (*f)(int)) {
  for (int i = 0; i < n; ++i) f(i);
}
inline long long total(int n, const std::function<long long(int)>& f) {
  long long sum = 0;
  for (int i = 0; i < n; ++i) sum += f(i);
  return sum;
}

// Callbacks C++ keeps.
inline std::function<int(int)> stored;
inline void store(std::function<int(int)> f) { stored = std::move(f); }
inline int callStored(int x) { return stored ? stored(x) : -1; }
inline void clearStored() { stored = nullptr; }
inline int negate(int x) { return -x; }
inline std::function<int(int)> adder(int n) {
  return [n](int x) { return x + n; };
}
inline std::function<int(int)> emptyFunction() { return {}; }
inline std::function<int(int)> getStored() { return stored; }
inline bool storedIsPlainFunction() { return stored.target<int (*)(int)>() != nullptr; }
inline void dropStoredOnThread() {
  // The std::function (and its reference to the JS function) dies on another thread.
  std::thread t([f = std::move(stored)]() {});
  t.join();
  stored = nullptr;
}
inline int (*storedPtr)(int) = nullptr;
inline void storePtr(int (*f)(int)) { storedPtr = f; }
inline int callStoredPtr(int x) { return storedPtr ? storedPtr(x) : -1; }
inline std::uint64_t storedPtrAddress() { return reinterpret_cast<std::uint64_t>(storedPtr); }

// Exceptions crossing C++ frames.
inline int guardsDestroyed = 0;
struct Guard {
  ~Guard() { ++guardsDestroyed; }
};
inline int guarded(int (*f)(int)) {
  Guard g;
  return f(1) + 1;
}
inline int swallowing(int (*f)(int)) {
  try {
    return f(1);
  } catch (...) {
    return -99;
  }
}
inline int throwsCpp(int x) {
  if (x < 0) throw std::out_of_range("negative");
  return x;
}
inline std::string fromThread(void (*f)()) {
  std::string message = "no exception";
  std::thread t([&] {
    try {
      f();
    } catch (const std::exception& e) {
      message = e.what();
    }
  });
  t.join();
  return message;
}

// Class objects through callbacks.
struct Item {
  int v;
  explicit Item(int value) : v(value) { ++lifetimes::constructed; }
  Item(const Item& o) : v(o.v) { ++lifetimes::constructed; }
  ~Item() { ++lifetimes::destroyed; }
};
inline int sumWith(const std::function<int(const Item&)>& f) {
  Item a(1), b(2);
  return f(a) + f(b);
}
inline int byValue(int (*f)(Item)) {
  Item x(5);
  return f(x);
}
inline int makeVia(std::function<Item(int)> f) { return f(7).v; }
inline int pickSecond(Item* (*f)(Item*, Item*)) {
  Item a(1), b(2);
  Item* chosen = f(&a, &b);
  return chosen == &b ? 2 : chosen == &a ? 1 : 0;
}

// Function pointers coming back from C++.
inline BinOp choose(int which) { return which ? &mul : static_cast<BinOp>(&add); }
inline BinOp chooseNull() { return nullptr; }
inline int withOp(int (*f)(BinOp)) { return f(&mul); }
inline BinOp passThrough(BinOp f) { return f; }

// A C comparator (qsort's own typedef) on data only C++ can read.
typedef int (*cmp_t)(const void*, const void*);
inline int data[8] = {5, 3, 8, 1, 9, 2, 7, 4};
inline int* dataPtr() { return data; }
inline int deref(const void* p) { return *static_cast<const int*>(p); }
inline int at(int i) { return data[i]; }
inline void sortData(cmp_t cmp) { std::qsort(data, 8, sizeof(int), cmp); }

// An arithmetic out-parameter.
inline int outParam(void (*f)(int&)) {
  int x = 0;
  if (f) f(x);
  return x;
}
// A callback type a JS function cannot implement: its exceptions could not unwind a noexcept call.
inline int quietParam(void (*f)(int) noexcept) {
  if (f) f(1);
  return 1;
}

// A function pointer as a data member.
struct Handler {
  int (*fn)(int) = nullptr;
  int run(int x) const { return fn ? fn(x) : -1; }
};

// Class results from JS: converted as arguments of the type are.
struct Pair { int a = 0, b = 0; };
inline int pairSum(const std::function<Pair()>& f) { Pair p = f(); return p.a + p.b; }
inline int vectorSum(const std::function<std::vector<int>(int)>& f) { int s = 0; for (int x : f(3)) s += x; return s; }
inline int maybe(const std::function<std::optional<int>(bool)>& f, bool b) { return f(b).value_or(-1); }
inline int madeItem(const std::function<Item(int)>& f) { return f(4).v; }

// Overload ranking with callable parameters.
inline int kind(int) { return 1; }
inline int kind(int (*)(int)) { return 2; }
inline int kind2(const char*) { return 1; }
inline int kind2(const std::function<int(int)>&) { return 2; }
inline int onlyInt(int x) { return x; }

// Lambdas returned to JS (their closure classes have no name C++ can spell).
inline auto makeAdder(int n) {
  return [n](int x) { return x + n; };
}
struct Scaler {
  auto by(double k) const {
    return [k](double v) { return v * k; };
  }
};

// Callbacks with out parameters: T& of an arithmetic T reaches JS as a reference box.
using Doubler = void (*)(int&, double&);
inline double outParams(Doubler f) {
  int i = 4;
  double d = 0.25;
  f(i, d);
  return i + d;
}
struct Filler {
  virtual ~Filler() = default;
  virtual bool fill(int& out, const int& seed) { out = seed; return true; }
};
inline int fillWith(Filler& f, int seed) {
  int out = -1;
  return f.fill(out, seed) ? out : -2;
}

}  // namespace cb
