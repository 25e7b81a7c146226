// headers-test/async.h — fixtures for fn.async (slow calls, exceptions, lifetimes) and JS callbacks called from other threads.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace as {

inline void pause(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// Initialised when the header is included, i.e. on the thread that owns the interpreter.
inline const std::thread::id mainThread = std::this_thread::get_id();
inline bool offMainThread() { return std::this_thread::get_id() != mainThread; }

inline int sleepy(int ms, int value) {
  pause(ms);
  return value;
}
inline int sleepy(int ms, double value) {  // an overload: resolution happens before dispatch
  pause(ms);
  return static_cast<int>(value * 10);
}
inline long spin(int ms) {  // busy, not blocked
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  long n = 0;
  while (std::chrono::steady_clock::now() < end) ++n;
  return n;
}
inline bool ranOffMain(int ms) {
  pause(ms);
  return offMainThread();
}
inline void nap(int ms) { pause(ms); }
// A C struct by value: a JS object literal converted before the call must outlive it.
struct Span2 {
  double from, to;
};
inline double slowLength(Span2 s, int ms) {
  pause(ms);
  return s.to - s.from;
}
inline std::string greet(const std::string& name, int ms = 10) {
  pause(ms);
  return "hello " + name;
}
inline int fail(int code, int ms) {
  pause(ms);
  throw std::out_of_range("code " + std::to_string(code));
}
inline long total(const std::vector<int>& v, int ms) {
  pause(ms);
  long s = 0;
  for (int x : v) s += x;
  return s;
}
inline size_t length(const char* s, int ms) {
  pause(ms);
  return s ? std::char_traits<char>::length(s) : 0;
}

template <class T>
T twiceLater(T x, int ms) {
  pause(ms);
  return x + x;
}

struct Counter {
  static inline int alive = 0;
  int value;
  explicit Counter(int v) : value(v) { ++alive; }
  Counter(const Counter& o) : value(o.value) { ++alive; }
  ~Counter() { --alive; }
  int slowGet(int ms) const {
    pause(ms);
    return value;
  }
  int slowAdd(int d, int ms) {
    pause(ms);
    value += d;
    return value;
  }
  Counter* self() { return this; }
};
inline Counter makeCounter(int v, int ms) {
  pause(ms);
  return Counter(v);
}
inline int readLater(const Counter& c, int ms) {
  pause(ms);
  return c.value;
}

// ---- callbacks from other threads ----

// The callback runs on whatever thread calls this (the pool under fn.async).
inline int applyLater(const std::function<int(int)>& f, int x, int ms) {
  pause(ms);
  return f(x) + 1;
}
inline std::string describeLater(const std::function<std::string(const Counter&)>& f, int v) {
  Counter c(v);
  return f(c) + "!";
}
// Runs fn on a new std::thread, joins it, and rethrows what it threw here.
template <class F>
auto onThread(F fn) -> decltype(fn()) {
  std::optional<decltype(fn())> result;
  std::exception_ptr error;
  std::thread t([&] {
    try {
      result.emplace(fn());
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
  return *result;
}

// A std::thread that calls f and catches nothing: what f throws there has no handler.
inline int onBareThread(int (*f)(int), int x) {
  int result = -1;
  std::thread t([&] { result = f(x) + 1; });
  t.join();
  return result;
}
inline void onBareThreadVoid(const std::function<void()>& f) {
  std::thread t([&] { f(); });
  t.join();
}

// Each of `threads` std::threads calls f(i); their results are summed. C++ exceptions (including
// cppjit's when a callback cannot run) are rethrown on this thread.
inline int fanOut(int (*f)(int), int threads) {
  std::vector<std::thread> workers;
  std::vector<int> results(threads);
  std::vector<std::exception_ptr> errors(threads);
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([&, i] {
      try {
        results[i] = f(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  for (auto& w : workers) w.join();
  int sum = 0;
  for (int i = 0; i < threads; ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);
    sum += results[i];
  }
  return sum;
}
// std::async: its std::call_once reaches libstdc++'s thread_local state from JIT-compiled code.
inline int viaThread(const std::function<int(int)>& f, int x) {
  return std::async(std::launch::async, [&] { return f(x); }).get();
}
inline int futureSum(int n) {
  std::vector<std::future<int>> parts;
  for (int i = 0; i < n; ++i) parts.push_back(std::async(std::launch::async, [i] { return i * i; }));
  int sum = 0;
  for (auto& p : parts) sum += p.get();
  return sum;
}
inline std::string catchOnThread(const std::function<int(int)>& f) {
  return onThread([&]() -> std::string {
    try {
      return std::to_string(f(1));
    } catch (const std::exception& e) {
      return std::string("caught: ") + e.what();
    }
  });
}

}  // namespace as
