// headers-test/headercache.h — test/headercache.test.ts: precompiled after a first run, used by the next; the tests edit a copy.
#pragma once
#include <string>

namespace hcache {
inline int version() { return 1; }

// Counts its live instances: the lifetimes through a precompiled header are the usual ones.
struct Counted {
  static inline int alive = 0;
  Counted() { ++alive; }
  Counted(const Counted&) { ++alive; }
  ~Counted() { --alive; }
  int twice(int x) const { return 2 * x; }
};

template <class T>
T add(T a, T b) { return a + b; }

inline std::string greet(const std::string& who) { return "hello " + who; }
}  // namespace hcache
