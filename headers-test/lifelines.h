// headers-test/lifelines.h — fixtures for test/lifelines.test.ts: objects with nested fields and containers, counted.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace life {
inline int alive = 0;

struct Part {
  int v = 7;
  Part() { ++alive; }
  Part(int x) : v(x) { ++alive; }
  Part(const Part& o) : v(o.v) { ++alive; }
  ~Part() {
    --alive;
    v = -1;
  }
};

struct Wheel {
  Part hub;
  Part rim{9};
};

struct Car {
  Wheel front;
  std::string name = "a car whose name does not fit in the small-string buffer";
  std::vector<Part> spares = std::vector<Part>(3);
  const std::string& getName() const { return name; }
};

inline int count() { return alive; }

// The synchronous soak: a loop that constructs and drops a million of these.
struct Soak {
  static inline long constructed = 0, destroyed = 0;
  double payload[16] = {};
  explicit Soak(int v) {
    payload[0] = v;
    ++constructed;
  }
  ~Soak() { ++destroyed; }
};
}  // namespace life
