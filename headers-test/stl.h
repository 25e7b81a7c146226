// headers-test/stl.h — standard containers, smart pointers and output, with a counted element type.
#pragma once
#include <cstdio>
#include <deque>
#include <initializer_list>
#include <list>
#include <iostream>
#include <array>
#include <map>
#include <span>
#include <string_view>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "lifetimes.h"

namespace stl {

struct Item {
  int id = 0;
  Item() { ++lifetimes::constructed; }
  explicit Item(int i) : id(i) { ++lifetimes::constructed; }
  Item(const Item& o) : id(o.id) { ++lifetimes::constructed; }
  Item(Item&& o) noexcept : id(o.id) { ++lifetimes::constructed; }
  Item& operator=(const Item&) = default;
  ~Item() { ++lifetimes::destroyed; }
  int twice() const { return 2 * id; }
};

inline double sum(const std::vector<double>& values) {
  double s = 0;
  for (double v : values) s += v;
  return s;
}
inline long count_chars(std::vector<std::string> words) {
  long n = 0;
  for (const auto& w : words) n += static_cast<long>(w.size());
  return n;
}
inline int pick(const std::vector<int>&) { return 1; }
inline int pick(const std::vector<std::string>&) { return 2; }
inline int pick(const std::vector<double>&) { return 3; }

inline std::vector<int> squares(int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) out.push_back(i * i);
  return out;
}
inline std::map<std::string, int> word_lengths(const std::vector<std::string>& words) {
  std::map<std::string, int> out;
  for (const auto& w : words) out[w] = static_cast<int>(w.size());
  return out;
}
inline std::pair<int, std::string> labelled(int n) { return {n, "n=" + std::to_string(n)}; }

struct Shape {
  virtual ~Shape() { ++lifetimes::destroyed; }
  Shape() { ++lifetimes::constructed; }
  virtual double area() const = 0;
};
struct Square : Shape {
  double side;
  explicit Square(double s) : side(s) {}
  double area() const override { return side * side; }
};
inline std::unique_ptr<Shape> make_square(double side) { return std::make_unique<Square>(side); }
inline std::shared_ptr<Shape> share_square(double side) { return std::make_shared<Square>(side); }
inline double area_of(const std::shared_ptr<Shape>& s) { return s ? s->area() : -1; }
inline std::shared_ptr<Square> share_exact_square(double side) { return std::make_shared<Square>(side); }
inline long owners_seen(std::shared_ptr<Shape> s) { return s.use_count(); }  // by value: one more owner
// A pointee whose members clash with the smart pointer's (get, reset): the pointee's win.
struct Clash {
  int v = 5;
  int get() const { return 42; }
  void reset() { v = 0; }
};
inline int clash_value(std::shared_ptr<Clash> p) { return p ? p->v : -1; }
inline long item_owners(const std::shared_ptr<Item>& p) { return p ? p.use_count() * 100 + p->id : -1; }
inline std::shared_ptr<Shape> kept_shape;
inline void keep_shape(const std::shared_ptr<Shape>& s) { kept_shape = s; }
inline void drop_shape() { kept_shape.reset(); }

// A converting constructor: a Meters parameter accepts a Feet object.
struct Feet {
  double value;
  explicit Feet(double v) : value(v) {}
};
struct Meters {
  double value;
  Meters(const Feet& f) : value(f.value * 0.3048) { ++lifetimes::constructed; }
  Meters(const Meters& o) : value(o.value) { ++lifetimes::constructed; }
  ~Meters() { ++lifetimes::destroyed; }
};
inline double in_meters(const Meters& m) { return m.value; }

// Views and fixed-size sequences from JS strings and arrays.
inline size_t view_length(std::string_view s) { return s.size(); }
inline bool view_starts(const std::string_view& s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
inline std::string_view view_literal() { return "static text"; }
inline int sum_span(std::span<const int> s) {
  int t = 0;
  for (int x : s) t += x;
  return t;
}
inline void double_all(std::span<double> s) {
  for (double& x : s) x *= 2;
}
inline int sum_array(const std::array<int, 3>& a) { return a[0] + a[1] + a[2]; }
inline std::vector<bool> flags() { return {true, false, true}; }
inline std::tuple<int, double, std::string> record() { return {1, 2.5, "one"}; }
inline std::tuple<std::pair<int, int>, Item> nested_record() { return {{1, 2}, Item(7)}; }
inline std::optional<std::string> maybe_name(bool present) {
  if (present) return "named";
  return std::nullopt;
}

// std::optional parameters take undefined/null or a T; plain results become the value or undefined.
enum class Level { Low = 1, High = 2 };
inline std::optional<int> parse_digit(std::string_view s) {
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') return s[0] - '0';
  return std::nullopt;
}
inline std::optional<double> half(std::optional<double> x) {
  if (!x) return std::nullopt;
  return *x / 2;
}
inline std::optional<Level> level_of(int n) {
  if (n == 1) return Level::Low;
  if (n == 2) return Level::High;
  return std::nullopt;
}
inline std::optional<bool> parity(int n) { return n % 2 == 0; }
inline std::string greet(const std::optional<std::string>& name, std::optional<int> times) {
  std::string out;
  for (int i = 0; i < times.value_or(1); ++i) out += "hello " + name.value_or("nobody") + (i + 1 < times.value_or(1) ? ", " : "");
  return out;
}
inline int item_id(std::optional<Item> item) { return item ? item->id : -1; }
inline std::optional<Item> find_item(int id) {
  if (id > 0) return Item(id);
  return std::nullopt;
}
inline int which_optional(std::optional<int>) { return 1; }
inline int which_optional(const std::string&) { return 2; }

// A span over a TypedArray is the TypedArray's own memory: a write is visible to JS during the call.
inline int write_then_peek(std::span<int> s, int (*peek)(int)) {
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<int>(100 + i);
  return peek(static_cast<int>(s.size()) - 1);
}
inline unsigned long span_data(std::span<const double> s) { return reinterpret_cast<unsigned long>(s.data()); }
inline unsigned long fixed_span_data(std::span<const int, 2> s) { return reinterpret_cast<unsigned long>(s.data()); }

inline void print_both(int n) {
  std::cout << "cout " << n << "\n";
  std::printf("printf %d\n", n);
}


// Braced initializers: std::initializer_list parameters, and classes made from {a, b}.
inline int list_sum(std::initializer_list<int> values) {
  int s = 0;
  for (int v : values) s += v;
  return s;
}
inline std::size_t list_chars(std::initializer_list<std::string> words) {
  std::size_t n = 0;
  for (const auto& w : words) n += w.size();
  return n;
}
inline int count_true(std::initializer_list<bool> flags) {
  int n = 0;
  for (bool f : flags) n += f;
  return n;
}
inline int list_ids(std::initializer_list<Item> items) {
  int s = 0;
  for (const auto& i : items) s += i.id;
  return s;
}
inline int pair_sum(std::pair<int, int> p) { return p.first + p.second; }
inline int map_total(const std::map<std::string, int>& m) {
  int s = 0;
  for (const auto& [key, value] : m) s += value * static_cast<int>(key.size());
  return s;
}
inline std::size_t hashed_size(std::unordered_map<int, double> m) { return m.size(); }
inline int weighted(const std::vector<std::pair<std::string, int>>& v) {
  int s = 0;
  for (const auto& [word, weight] : v) s += weight * static_cast<int>(word.size());
  return s;
}
inline std::size_t distinct(const std::set<int>& s) { return s.size(); }
inline int item_twice(const Item& item) { return item.twice(); }
struct Range {
  double lo, hi;
  Range(double l, double h) : lo(l), hi(h) {}
};
inline double width(Range&& r) { return r.hi - r.lo; }
struct Rgb { unsigned char r, g, b; };
inline int brightness(Rgb c) { return c.r + c.g + c.b; }

// std::string objects (reference results) where a string is taken.
inline std::string& shared_name() {
  static std::string name = "shared";
  return name;
}
inline int text_length(const std::string& s) { return static_cast<int>(s.size()); }
inline int text_length(int n) { return -n; }
inline int c_length(const char* s) { return static_cast<int>(std::char_traits<char>::length(s)); }

// std::variant results and parameters.
inline std::variant<int, std::string, Item> choice(int k) {
  if (k == 0) return 5;
  if (k == 1) return std::string("five");
  return Item(k);
}
inline int alternative(const std::variant<int, std::string>& v) { return static_cast<int>(v.index()); }

// Move-only elements.
inline std::vector<std::unique_ptr<Item>> owned_items(int n) {
  std::vector<std::unique_ptr<Item>> items;
  for (int i = 0; i < n; ++i) items.push_back(std::make_unique<Item>(i));
  return items;
}
inline int owned_sum(const std::vector<std::unique_ptr<Item>>& items) {
  int s = 0;
  for (const auto& item : items) s += item ? item->id : 0;
  return s;
}

// begin()/end() return pointers to an incomplete type: iteration uses operator[] and size().
struct Hidden;
struct Opaquely {
  int data[3] = {4, 5, 6};
  Hidden* begin();
  Hidden* end();
  int size() const { return 3; }
  int operator[](int i) const { return data[i]; }
};
// An iterator whose operator!= is a non-const member taking a non-const reference.
struct LooseIt {
  int i;
  int operator*() { return i * i; }
  LooseIt& operator++() { ++i; return *this; }
  bool operator!=(LooseIt& o) { return i != o.i; }
};
struct LooseRange {
  LooseIt begin() { return LooseIt{1}; }
  LooseIt end() { return LooseIt{4}; }
};

}  // namespace stl
