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
  Movable& operator=(const Movable& o) {
    data = o.data;
    ++copies;
    return *this;
  }
  Movable& operator=(Movable&& o) noexcept {
    data = std::move(o.data);
    ++moves;
    return *this;
  }
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
inline std::string which(const Movable&) { return "const&"; }
inline std::string which(Movable&&) { return "&&"; }
inline size_t mutate(Movable& m) { return m.size(); }
struct Holder {
  Movable kept;
  explicit Holder(Movable m) : kept(std::move(m)) {}
};
// Move-only: a by-value parameter must be moved into.
struct OnlyMove {
  std::unique_ptr<int> p = std::make_unique<int>(9);
};
inline int sink(OnlyMove o) { return o.p ? *o.p : -1; }
// Neither copyable nor movable: no call can pass it by value (the && overload works).
struct Pinned {
  std::unique_ptr<int> p = std::make_unique<int>(4);
  Pinned() = default;
  Pinned(const Pinned&) = delete;
  Pinned(Pinned&&) = delete;
};
inline int usePinned(Pinned p) { return *p.p; }
inline int usePinnedRef(Pinned&& p) { return *p.p; }

// Ownership handed to C++ through std::unique_ptr parameters.
struct Widget {
  int id;
  explicit Widget(int i) : id(i) { ++lifetimes::constructed; }
  virtual ~Widget() { ++lifetimes::destroyed; }
};
struct Gadget : Widget {
  explicit Gadget(int i) : Widget(i * 10) {}
};
inline int sinkWidget(std::unique_ptr<Widget> w) { return w ? w->id : -1; }  // deletes it on return
inline int sinkWidgetAnd(std::unique_ptr<Widget> w, int add) { return w->id + add; }
inline std::unique_ptr<Widget> makeWidget(int id) { return std::make_unique<Widget>(id); }
inline std::unique_ptr<Gadget> makeGadget(int id) { return std::make_unique<Gadget>(id); }
inline int sinkWidgetRef(std::unique_ptr<Widget>&& w) { return w ? w->id : -1; }  // leaves it
struct WidgetBox {
  std::vector<std::unique_ptr<Widget>> items;
  void add(std::unique_ptr<Widget> w) { items.push_back(std::move(w)); }
  bool offer(std::unique_ptr<Widget>&& w, bool take) {
    if (take) items.push_back(std::move(w));
    return take;
  }
  void addRaw(Widget* w) { items.emplace_back(w); }  // takes a raw pointer it does not own by type
  Widget* at(size_t i) { return items.at(i).get(); }
  int total() const {
    int t = 0;
    for (const auto& w : items) t += w->id;
    return t;
  }
  size_t size() const { return items.size(); }
  void clear() { items.clear(); }
};
struct Plain {
  int v = 3;
  Plain() { ++lifetimes::constructed; }
  ~Plain() { ++lifetimes::destroyed; }  // not virtual
};
struct PlainChild : Plain {};
inline int sinkPlain(std::unique_ptr<Plain> p) { return p->v; }

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

// A privately nested class reached through its public alias.
class Hider {
  struct Priv {
    int z = 7;
  };

 public:
  using Handle = Priv;
  Handle make() const { return {}; }
  int read(const Handle& h) const { return h.z * 2; }
};

}  // namespace om
