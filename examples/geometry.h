// examples/geometry.h — the small header the demo includes.
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace geo {
struct Point {
  double x = 0, y = 0;
  Point() = default;
  Point(double x_, double y_) : x(x_), y(y_) {}
  double norm() const { return std::sqrt(x * x + y * y); }
};

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};
struct Circle : Shape {
  double r;
  explicit Circle(double r_) : r(r_) {}
  double area() const override { return 3.141592653589793 * r * r; }
  std::string name() const override { return "circle"; }
};
struct Rect : Shape {
  double w, h;
  Rect(double w_, double h_) : w(w_), h(h_) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
};

enum class Unit { Meter, Foot };
inline Shape* largest(double r, double w, double h) {
  Shape* c = new Circle(r);
  Shape* q = new Rect(w, h);
  if (c->area() >= q->area()) { delete q; return c; }
  delete c;
  return q;
}
inline double distance(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }
inline std::string describe(const std::vector<double>& xs) {
  double total = 0;
  for (double v : xs) total += v;
  return std::to_string(xs.size()) + " values, sum " + std::to_string(total);
}
inline double checkedSqrt(double v) {
  if (v < 0) throw std::domain_error("negative input " + std::to_string(v));
  return std::sqrt(v);
}
}  // namespace geo
