// headers-test/inheritance.h — C++ bases that JS classes extend (virtuals, abstract, protected, owners) for test/inheritance.test.ts.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "lifetimes.h"

namespace inh {

struct Shape {
  Shape() { ++lifetimes::constructed; }
  explicit Shape(std::string n) : name(std::move(n)) { ++lifetimes::constructed; }
  Shape(std::string n, int s) : name(std::move(n)), sides(s) { ++lifetimes::constructed; }
  Shape(const Shape& o) : name(o.name), sides(o.sides), secret(o.secret) { ++lifetimes::constructed; }
  virtual ~Shape() { ++lifetimes::destroyed; }
  virtual double area() const = 0;
  virtual std::string describe() const { return name + " with area " + std::to_string(static_cast<int>(area())); }
  virtual int scaled(int factor) { return sides * factor; }
  virtual int scaled(double factor) { return static_cast<int>(sides * factor * 10); }
  std::string name = "shape";
  int sides = 0;
  int mixed(int x) const { return x; }

 protected:
  int secret = 42;
  int twiceSecret() const { return 2 * secret; }
  int mixed(const std::string& s) const { return static_cast<int>(s.size()) * 1000; }
};

// C++ code holding Shape* / Shape& and calling the virtuals.
inline double areaOf(const Shape& s) { return s.area(); }
inline std::string describeIt(const Shape* s) { return s->describe(); }
inline int scaleIt(Shape& s, int f) { return s.scaled(f); }
inline int scaleItD(Shape& s, double f) { return s.scaled(f); }
inline double sumAreas(const Shape& s, int n) {
  double total = 0;
  for (int i = 0; i < n; ++i) total += s.area();
  return total;
}
inline Shape* same(Shape* s) { return s; }

// Abstract with a protected constructor and a private pure virtual (template method pattern).
class Task {
 public:
  virtual ~Task() { ++lifetimes::destroyed; }
  int run(int x) { return 1000 + step(x); }
  int runs() const { return count; }

 protected:
  explicit Task(int start) : count(start) { ++lifetimes::constructed; }
  int count;

 private:
  virtual int step(int x) = 0;
};

// A C++ owner: keeps Shape* and deletes them.
struct Owner {
  std::vector<Shape*> items;
  ~Owner() { clear(); }
  void adopt(Shape* s) { items.push_back(s); }
  double total() const {
    double t = 0;
    for (auto* s : items) t += s->area();
    return t;
  }
  void clear() {
    for (auto* s : items) delete s;
    items.clear();
  }
  size_t size() const { return items.size(); }
};

struct Listener {
  virtual ~Listener() = default;
  virtual void onEvent(const std::string& what, int n) = 0;
  virtual bool accepts(int n) const { return n >= 0; }
};
inline int fire(Listener& l, int n) {
  int delivered = 0;
  for (int i = 0; i < n; ++i)
    if (l.accepts(i)) {
      l.onEvent("event", i);
      ++delivered;
    }
  return delivered;
}

// A C++ class in between: JS extends Square, which extends Shape.
struct Square : Shape {
  explicit Square(double s) : Shape("square", 4), side(s) {}
  double area() const override { return side * side; }
  double side;
};

// Classes returned to C++ through objects.
struct Point {
  double x = 0, y = 0;
};
struct Mover {
  virtual ~Mover() = default;
  virtual Point move(const Point& p) const { return Point{p.x + 1, p.y + 1}; }
};
inline double moveX(const Mover& m, double x) { return m.move(Point{x, 0}).x; }

struct Final final : Shape {
  double area() const override { return 1; }
};

struct Thrower {
  virtual ~Thrower() = default;
  virtual int compute(int x) { return x; }
};
inline int computeGuarded(Thrower& t, int x) {
  struct Guard {
    ~Guard() { ++lifetimes::destroyed; }
  } guard;
  return t.compute(x) + 1;
}
inline std::string catchInCpp(Thrower& t) {
  try {
    t.compute(1);
    return "no exception";
  } catch (const std::exception& e) {
    return std::string("caught: ") + e.what();
  }
}

// noexcept virtuals: a JS override's exception cannot unwind through them.
struct Quiet {
  virtual ~Quiet() = default;
  virtual int value(int x) const noexcept { return x; }
  virtual void notify(int) noexcept {}
  virtual Point where() const noexcept { return Point{1, 2}; }
};
inline int afterQuiet = 0;  // C++ code after the noexcept call ran
inline int valueTwice(const Quiet& q, int x) noexcept {
  int r = q.value(x) + q.value(x);
  ++afterQuiet;
  return r;
}
inline int notifyAll(Quiet& q, int n) {
  for (int i = 0; i < n; ++i) q.notify(i);
  return n;
}
inline double whereX(const Quiet& q) { return q.where().x; }
struct NoDefault {
  explicit NoDefault(int) {}
};
struct Strict {
  virtual ~Strict() = default;
  virtual NoDefault make() const noexcept { return NoDefault(1); }
};

// A C++ owner taking JS-derived objects through std::unique_ptr.
struct Zoo {
  std::vector<std::unique_ptr<Shape>> shapes;
  void adopt(std::unique_ptr<Shape> s) { shapes.push_back(std::move(s)); }
  bool offer(std::unique_ptr<Shape>&& s, bool take) {
    if (take) shapes.push_back(std::move(s));
    return take;
  }
  double total() const {
    double t = 0;
    for (const auto& s : shapes) t += s->area();
    return t;
  }
  void clear() { shapes.clear(); }
  size_t size() const { return shapes.size(); }
};
inline double consumeShape(std::unique_ptr<Shape> s) { return s->area(); }  // deletes it on return

// Constructors inherited with `using Base::Base`.
struct Sized {
  int w, h;
  explicit Sized(int side) : w(side), h(side) {}
  Sized(int width, int height) : w(width), h(height) {}
  Sized(const Sized&) = default;
};
struct Box : Sized {
  using Sized::Sized;
  int area() const { return w * h; }
};

// C++ making and copying objects of a type given as a template argument (a JS subclass's C++ class).
template <class T>
double makeAndMeasure() {
  T t;
  return t.area();
}
template <class T>
double copyAndMeasure(const T& original) {
  T copy(original);
  return copy.area();
}
// Not copyable: a JS subclass's C++ class is not copyable either.
struct Unique {
  Unique() = default;
  Unique(const Unique&) = delete;
  virtual ~Unique() = default;
  virtual int id() const { return 0; }
};

}  // namespace inh
