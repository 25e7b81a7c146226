// headers-test/objmodel.h — nested classes and enums, static const members, using Base::f, const/non-const pairs, moves, deleted and private constructors for test/objmodel.test.ts.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lifetimes.h"

namespace om {

struct Outer {
  enum Mode { Fast = 1, Slow = 2 };
  enum class Level : short { Low = -1, High = 7 };
  struct Inner {
    int depth = 3;
    struct Deeper {
      std::string tag = "deep";
    };
  };
  static const int limit = 64;
  static constexpr double ratio = 0.25;
  static inline std::string label = "outer";
  Mode mode = Fast;
  Inner inner;
  static int modeValue(Mode m) { return static_cast<int>(m) * 10; }
};

struct Base {
  int f(int x) const { return x + 1; }
  int f(const std::string& s) const { return static_cast<int>(s.size()); }
  virtual ~Base() = default;
};
struct Derived : Base {
  using Base::f;  // keeps Base's overloads next to Derived's own
  int f(double d) const { return static_cast<int>(d * 100); }
};
struct Hiding : Base {
  int f(double d) const { return static_cast<int>(d * 1000); }  // hides Base::f
};

struct Store {
  std::vector<int> items{1, 2, 3};
  int& at(int i) { return items.at(i); }
  int at(int i) const { return items.at(i) * 100; }
  std::string which() { return "non-const"; }
  std::string which() const { return "const"; }
};
inline std::string whichOf(const Store& s) { return s.which(); }

struct Movable {
  std::vector<int> data;
  explicit Movable(int n) : data(n, 7) { ++lifetimes::constructed; }
  Movable(const Movable& o) : data(o.data) { ++lifetimes::constructed; ++copies; }
  Movable(Movable&& o) noexcept : data(std::move(o.data)) { ++lifetimes::constructed; ++moves; }
  ~Movable() { ++lifetimes::destroyed; }
  size_t size() const { return data.size(); }
  static inline int copies = 0;
  static inline int moves = 0;
};
inline size_t consume(Movable&& m) {
  Movable taken(std::move(m));
  return taken.size();
}
inline size_t byValue(Movable m) { return m.size(); }

struct NoCopy {
  NoCopy() = default;
  NoCopy(const NoCopy&) = delete;
  int v = 5;
};
class Singleton {
 public:
  static Singleton& instance() {
    static Singleton s;
    return s;
  }
  int value() const { return 11; }

 private:
  Singleton() = default;
};
struct Deleted {
  Deleted() = delete;
  explicit Deleted(int) {}
};

}  // namespace om
