// headers-test/objects.h — classes with lifetime counters: constructors, fields, methods, statics, inheritance, polymorphism.
#pragma once
#include <string>
#include "lifetimes.h"

namespace objects {
struct Point {
  int x = 0, y = 0;
  Point() { ++lifetimes::constructed; }
  Point(int x_, int y_) : x(x_), y(y_) { ++lifetimes::constructed; }
  Point(const Point& o) : x(o.x), y(o.y) { ++lifetimes::constructed; }
  ~Point() { ++lifetimes::destroyed; }
  int sum() const { return x + y; }
  void scale(int k) { x *= k; y *= k; }
  Point& self() { return *this; }
  static int instances() { return lifetimes::alive(); }
  static inline int created_total = 0;
};

inline Point midpoint(const Point& a, const Point& b) { return Point((a.x + b.x) / 2, (a.y + b.y) / 2); }
inline int sumOf(Point p) { return p.x + p.y; }
inline int sumVia(const Point* p) { return p ? p->x + p->y : -1; }
inline Point* global_point() { static Point p(7, 8); return &p; }

struct Named {
  std::string name;
  double weight = 1.5;
  const int id = 11;
  Point where;
  Named() { ++lifetimes::constructed; }
  ~Named() { ++lifetimes::destroyed; }
};

struct Shape {
  int tag = 1;
  Shape() { ++lifetimes::constructed; }
  virtual ~Shape() { ++lifetimes::destroyed; }
  virtual double area() const { return 0; }
  virtual std::string name() const { return "shape"; }
  int shapeTag() const { return tag; }
};
struct Square : Shape {
  double side;
  explicit Square(double s) : side(s) {}
  double area() const override { return side * side; }
  std::string name() const override { return "square"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r_) : r(r_) {}
  double area() const override { return 3 * r * r; }
};
inline Shape* makeShape(int kind) { if (kind == 1) return new Square(2); return new Circle(1); }
inline Shape& shapeRef(Shape& s) { return s; }
inline double areaOf(const Shape& s) { return s.area(); }
inline void destroyShape(Shape* s) { delete s; }

// A non-polymorphic base at a non-zero offset inside a polymorphic derived class.
struct Tagged { int label = 5; int labelValue() const { return label; } };
struct Widget : Tagged { virtual ~Widget() = default; int size = 9; };
inline int labelOf(const Tagged& t) { return t.label; }

struct Abstract { virtual ~Abstract() = default; virtual int f() const = 0; };
struct NoDefault { explicit NoDefault(int v) : v(v) {} int v; };
class Opaque;
inline Opaque* makeOpaque() { return nullptr; }
}  // namespace objects
