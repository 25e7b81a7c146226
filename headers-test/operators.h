// headers-test/operators.h — member, free (ADL) and hidden-friend operators, streaming, callables, conversions for test/operators.test.ts.
#pragma once
#include <compare>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ops {

struct Vec {
  double x = 0, y = 0;
  Vec() = default;
  Vec(double a, double b) : x(a), y(b) {}
  Vec operator+(const Vec& o) const { return Vec(x + o.x, y + o.y); }  // member
  Vec operator-() const { return Vec(-x, -y); }                          // unary member
  Vec& operator+=(const Vec& o) {
    x += o.x;
    y += o.y;
    return *this;
  }
  bool operator==(const Vec& o) const { return x == o.x && y == o.y; }
  double operator[](int i) const { return i == 0 ? x : y; }
  explicit operator bool() const { return x != 0 || y != 0; }
  operator double() const { return x * x + y * y; }
};
// Namespace-level operators, found by ADL.
inline Vec operator*(const Vec& v, double k) { return Vec(v.x * k, v.y * k); }
inline Vec operator*(double k, const Vec& v) { return Vec(v.x * k, v.y * k); }
inline Vec operator-(const Vec& a, const Vec& b) { return Vec(a.x - b.x, a.y - b.y); }
inline std::ostream& operator<<(std::ostream& os, const Vec& v) { return os << "(" << v.x << ", " << v.y << ")"; }

class Counter {
 public:
  explicit Counter(int v) : value(v) {}
  Counter& operator++() {
    ++value;
    return *this;
  }
  Counter operator++(int) {
    Counter old = *this;
    ++value;
    return old;
  }
  int get() const { return value; }
  // Hidden friends: only ADL finds them.
  friend bool operator<(const Counter& a, const Counter& b) { return a.value < b.value; }
  friend Counter operator+(const Counter& a, int n) { return Counter(a.value + n); }
  friend std::ostream& operator<<(std::ostream& os, const Counter& c) { return os << "Counter(" << c.value << ")"; }

 private:
  int value;
};

struct Adder {
  int base;
  explicit Adder(int b) : base(b) {}
  int operator()(int v) const { return base + v; }
  int operator()(int a, int b) const { return base + a + b; }
};

struct Grid {
  std::vector<int> cells = std::vector<int>(6, 0);
  int& operator()(int r, int c) { return cells.at(r * 3 + c); }
  int& operator[](int i) { return cells.at(i); }
};

// A class with a member named equals: the convenience must not hide it.
struct Tagged {
  int tag = 1;
  bool operator==(const Tagged& o) const { return tag == o.tag; }
  std::string equals(int) const { return "member equals"; }
};

struct Plain {
  int v = 3;
};

// Indexing and iteration from operator[] (+ size()) alone.
struct Row {
  int v[3] = {4, 5, 6};
  int& operator[](int i) { return v[i]; }
  size_t size() const { return 3; }
};

// Assigning a whole object to a field copies it (operator=).
struct Segment {
  Vec from, to;
  double length2() const { return (to - from).operator double(); }
};
inline Vec origin;

// Comparisons C++20 rewrites: != from ==, <, <=, >, >= from <=>, operands swapped.
struct Version {
  int major, minor;
  Version(int a, int b) : major(a), minor(b) {}
  auto operator<=>(const Version&) const = default;
};
struct Id {
  int v;
  explicit Id(int x) : v(x) {}
  bool operator==(int other) const { return v == other; }
};

// Printed through a member operator<<(std::ostream&) (`v << os`).
struct Gauge {
  int level = 4;
  std::ostream& operator<<(std::ostream& os) const { return os << "Gauge(" << level << ")"; }
};

}  // namespace ops
