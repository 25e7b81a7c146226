// headers-test/workers.h — fixtures for worker_threads sharing the interpreter: per-thread object counters, exceptions, callbacks across threads.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace wk {

inline void pause(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Counters per JS thread ("owner" is a small index the test gives each thread): threads construct
// and destroy at the same time, so each checks its own.
constexpr int kOwners = 8;
inline std::atomic<int> made[kOwners];
inline std::atomic<int> destroyed[kOwners];
inline int alive(int owner) { return made[owner] - destroyed[owner]; }
inline int madeBy(int owner) { return made[owner]; }

struct Tracked {
  int owner;
  int value;
  Tracked(int owner, int value) : owner(owner), value(value) { ++made[owner]; }
  Tracked(const Tracked& o) : owner(o.owner), value(o.value) { ++made[owner]; }
  ~Tracked() { ++destroyed[owner]; }
  int twice() const { return 2 * value; }
};
inline Tracked copyOf(const Tracked& t) { return t; }

struct Point {
  int x, y;
};
inline std::ostream& operator<<(std::ostream& os, const Point& p) { return os << "(" << p.x << ", " << p.y << ")"; }

inline std::vector<int> range(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i) v.push_back(i);
  return v;
}

inline long sum(int n) {
  long s = 0;
  for (int i = 0; i < n; ++i) s += i;
  return s;
}

inline int fail(int code) { throw std::invalid_argument("worker code " + std::to_string(code)); }

inline int slow(int ms, int value) {
  pause(ms);
  return value;
}

// Synchronous callbacks, on the calling thread.
inline int apply(int (*f)(int), int x) { return f(x); }
inline int applyFn(const std::function<int(int)>& f, int x) { return f(x) + 1; }

// A std::thread made by C++ calls f (run this through fn.async: the calling JS thread stays free to run f).
inline int viaThread(int (*f)(int), int x) {
  int result = 0;
  std::exception_ptr error;
  std::thread t([&] {
    try {
      result = f(x);
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
  return result;
}

// A JS function kept by C++ and called later, by whichever thread asks.
inline std::function<int(int)> kept;
inline void keep(std::function<int(int)> f) { kept = std::move(f); }
inline int callKept(int x) { return kept ? kept(x) : -1; }
inline void dropKept() { kept = nullptr; }

// Extended in JS by each thread (each gets its own generated C++ subclass).
struct Shape {
  virtual ~Shape() = default;
  virtual double area() const { return 0; }
};
inline double areaOf(const Shape& s) { return s.area(); }

inline int crash(int* p) { return *p; }  // SIGSEGV for a null pointer

}  // namespace wk
