// headers-test/binding.h — C++'s binding rules through cppjit: references bind to the object given, temporaries live for the call, overloads as C++ ranks them.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace bind {

// A CRTP base like Armadillo's Base<eT, Derived> and a class with operator[] (its JS prototype chain
// holds a Proxy for v[i]): a const Base<T>& parameter must bind to the derived object itself.
template <class T, class Derived>
struct Base {
  const Derived& self() const { return static_cast<const Derived&>(*this); }
};
struct Mat : Base<double, Mat> {
  double data[4] = {1, 2, 3, 4};
  double& operator[](std::size_t i) { return data[i]; }
  std::size_t size() const { return 4; }
};
template <class T, class D>
inline unsigned long where(const Base<T, D>& x) { return (unsigned long)&x; }
template <class T, class D>
inline double trace(const Base<T, D>& x) { return x.self().data[0] + x.self().data[3]; }
inline unsigned long whereRef(Mat& m) { return (unsigned long)&m; }

// Counts copies: a reference parameter must never make one.
struct Counted {
  static int copies;
  int value = 0;
  Counted() = default;
  explicit Counted(int v) : value(v) {}
  Counted(const Counted& o) : value(o.value) { ++copies; }
  Counted& operator=(const Counted& o) { value = o.value; ++copies; return *this; }
};
inline int Counted::copies = 0;
struct Special : Counted { explicit Special(int v) : Counted(v) {} };
inline unsigned long addressOf(const Counted& c) { return (unsigned long)&c; }
inline unsigned long addressOfPtr(const Counted* c) { return (unsigned long)c; }
inline int bump(Counted& c) { return ++c.value; }

// T& is preferred to const T& for a (non-const) lvalue, as OpenCV's _OutputArray(Mat&) over _OutputArray(const Mat&).
struct Out {
  bool writable;
  Counted* target;
  Out(Counted& c) : writable(true), target(&c) {}
  Out(const Counted& c) : writable(false), target(const_cast<Counted*>(&c)) {}
};
inline int which(Counted&) { return 1; }
inline int which(const Counted&) { return 2; }
inline bool writes(const Out& out) { if (out.writable) out.target->value = 42; return out.writable; }

// A view keeps a pointer into what it was made from: the text must live until the call returns.
struct View {
  const char* p;
  std::size_t n;
  View(const std::string& s) : p(s.data()), n(s.size()) {}
};
inline std::string show(View v) { return std::string(v.p, v.n); }
struct Piece {  // like ICU's StringPiece
  const char* p;
  Piece(const char* s) : p(s) {}
};
inline std::string echo(Piece piece) { return piece.p; }
struct Pair {
  View first, second;
  Pair(View a, View b) : first(a), second(b) {}
};
inline std::string joined(const Pair& pair) { return show(pair.first) + "+" + show(pair.second); }
inline double total(std::initializer_list<std::initializer_list<double>> rows) {
  double sum = 0;
  for (auto& row : rows) for (double d : row) sum += d;
  return sum;
}

// A const std::string& parameter binds a std::string object itself (C++ keeps references into it).
inline unsigned long stringAddress(const std::string& s) { return (unsigned long)&s; }
inline const char* firstChar(const std::string& s) { return s.data(); }

// Smart pointers: their pointee binds where it is taken by reference or pointer.
struct Shape { virtual ~Shape() {} int sides = 0; };
struct Square : Shape { Square() { sides = 4; } };
inline std::shared_ptr<Square> makeSquare() { return std::make_shared<Square>(); }
inline unsigned long shapeAt(const Shape& s) { return (unsigned long)&s; }
inline int sidesOf(Shape* s) { return s ? s->sides : -1; }

// Iteration follows range-for: free begin/end found by ADL, a non-const operator!=, elements by value.
struct Bag { std::vector<int> items{4, 5, 6}; };
inline std::vector<int>::iterator begin(Bag& b) { return b.items.begin(); }
inline std::vector<int>::iterator end(Bag& b) { return b.items.end(); }
struct Squares {
  int n;
  struct It {
    int i;
    int operator*() const { return i * i; }
    It& operator++() { ++i; return *this; }
    bool operator!=(const It& o) { return i != o.i; }  // not const
  };
  It begin() const { return {0}; }
  It end() const { return {n}; }
};

}  // namespace bind

// C APIs: a function a macro renames (as ICU and GMP do), unsigned char strings (libxml2's xmlChar).
extern "C" inline int bind_version_1_twice(int x) { return 2 * x; }
#define bind_version_suffix(name) name##_version_1_twice
#define bind_twice bind_version_suffix(bind)
extern "C" inline int bind_count_bytes(const unsigned char* s) { int n = 0; while (s && s[n]) ++n; return n; }
extern "C" inline const unsigned char* bind_greeting() { return (const unsigned char*)"h\xc3\xa9llo"; }
