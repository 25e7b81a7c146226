// headers-test/fuzzargs.h — targets for test/fuzzargs.test.ts: one function per parameter kind (every
// arithmetic type, enums, strings, classes by value/reference/pointer, containers, callbacks, smart
// pointers), overload sets, overloaded constructors, and classes that count their lifetimes.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fz {
// ---- lifetime counters ---------------------------------------------------------------------------
struct Counts {
  static inline int constructed = 0;  // every constructor (default, value, copy, move)
  static inline int destroyed = 0;
  static inline int copies = 0;
  static inline int moves = 0;
};
inline void reset() { Counts::constructed = Counts::destroyed = Counts::copies = Counts::moves = 0; }
inline int alive() { return Counts::constructed - Counts::destroyed; }
inline int constructed() { return Counts::constructed; }
inline int destroyed() { return Counts::destroyed; }

// A class whose every construction and destruction is counted; `magic` catches use of a destroyed
// (or never constructed) object.
struct Tracked {
  static constexpr int kMagic = 0x7A11C0DE;
  int value = 0;
  int magic = kMagic;
  Tracked() { ++Counts::constructed; }
  Tracked(int v) : value(v) { ++Counts::constructed; }
  Tracked(const Tracked& o) : value(o.value) { ++Counts::constructed; ++Counts::copies; }
  Tracked(Tracked&& o) noexcept : value(o.value) { o.value = -1; ++Counts::constructed; ++Counts::moves; }
  Tracked& operator=(const Tracked& o) { value = o.value; return *this; }
  Tracked& operator=(Tracked&& o) noexcept { value = o.value; o.value = -1; return *this; }
  ~Tracked() { magic = 0; ++Counts::destroyed; }
  bool ok() const { return magic == kMagic; }
};
struct TrackedChild : Tracked {
  TrackedChild(int v) : Tracked(v) {}
};
// Unrelated to Tracked (no conversion either way).
struct Other {
  double weight = 1.5;
  Other() { ++Counts::constructed; }
  Other(const Other& o) : weight(o.weight) { ++Counts::constructed; }
  ~Other() { ++Counts::destroyed; }
};

// ---- enums ---------------------------------------------------------------------------------------
enum Color { Red, Green, Blue };
enum class Mode : std::uint8_t { Off = 0, On = 1, Auto = 200 };

// ---- one parameter of each kind; each returns what it received ---------------------------------
inline bool b_(bool v) { return v; }
inline char c_(char v) { return v; }
inline signed char sc_(signed char v) { return v; }
inline unsigned char uc_(unsigned char v) { return v; }
inline short s_(short v) { return v; }
inline unsigned short us_(unsigned short v) { return v; }
inline int i_(int v) { return v; }
inline unsigned u_(unsigned v) { return v; }
inline long l_(long v) { return v; }
inline long long ll_(long long v) { return v; }
inline unsigned long long ull_(unsigned long long v) { return v; }
inline std::size_t sz_(std::size_t v) { return v; }
inline float f_(float v) { return v; }
inline double d_(double v) { return v; }
inline int color_(Color v) { return static_cast<int>(v); }
inline int mode_(Mode v) { return static_cast<int>(v); }

inline std::string cstr_(const char* s) { return s ? std::string(s) : std::string("<null>"); }
inline std::string str_(std::string s) { return s; }
inline std::string strc_(const std::string& s) { return s; }
inline std::string strrv_(std::string&& s) { return std::move(s); }
inline std::string sv_(std::string_view s) { return std::string(s); }

// Class arguments: the result is the value read through the parameter, or -999 for a corrupt object.
inline int byVal_(Tracked t) { return t.ok() ? t.value : -999; }
inline int byRef_(Tracked& t) { return t.ok() ? t.value : -999; }
inline int byCRef_(const Tracked& t) { return t.ok() ? t.value : -999; }
inline int byPtr_(Tracked* t) { return t ? (t->ok() ? t->value : -999) : -1000; }
inline int byRRef_(Tracked&& t) { return t.ok() ? t.value : -999; }

inline long long vi_(std::vector<int> v) { long long s = 0; for (int x : v) s += x; return s; }
inline std::size_t vs_(std::vector<std::string> v) { std::size_t n = 0; for (auto& s : v) n += s.size(); return n; }
inline long long arr_(std::array<int, 3> a) { return 0LL + a[0] + a[1] + a[2]; }
inline double span_(std::span<const double> s) { double t = 0; for (double x : s) t += x; return t; }
inline int opt_(std::optional<int> o) { return o ? *o : -1; }
inline int fn_(std::function<int(int)> f) { return f ? f(2) : -1; }
inline int fptr_(int (*f)(int)) { return f ? f(2) : -1; }
inline int twice(int x) { return 2 * x; }
inline int ip_(int* p) { return p ? *p : -1; }
inline int ir_(int& r) { return r; }
inline bool vp_(void* p) { return p != nullptr; }
inline std::uintptr_t vpaddr_(void* p) { return reinterpret_cast<std::uintptr_t>(p); }
inline long long map_(std::map<std::string, int> m) { long long s = 0; for (auto& [k, v] : m) s += v; return s; }
inline int up_(std::unique_ptr<Tracked> p) { return p ? (p->ok() ? p->value : -999) : -1000; }
inline int sp_(std::shared_ptr<Tracked> p) { return p ? (p->ok() ? p->value : -999) : -1000; }
inline std::unique_ptr<Tracked> makeUnique(int v) { return std::make_unique<Tracked>(v); }
inline std::shared_ptr<Tracked> makeShared(int v) { return std::make_shared<Tracked>(v); }

// ---- several parameters --------------------------------------------------------------------------
inline std::string mix_(int a, double b, const std::string& c, bool d) {
  return std::to_string(a) + "|" + std::to_string(b) + "|" + c + "|" + (d ? "T" : "F");
}
inline long long withDefault_(int a, int b = 7) { return a * 100LL + b; }
// A later argument failing must not leak (or double-destroy) what converting an earlier one made.
inline long long pairTI_(const Tracked& t, int n) { return t.ok() ? t.value * 1000LL + n : -999; }
inline long long pairIT_(int n, const Tracked& t) { return t.ok() ? n * 1000LL + t.value : -999; }
inline long long twoVal_(Tracked a, Tracked b) { return a.ok() && b.ok() ? a.value * 1000LL + b.value : -999; }
inline long long upAnd_(std::unique_ptr<Tracked> p, int n) { return p ? (p->ok() ? p->value * 1000LL + n : -999) : -1000; }
inline long long vt_(std::vector<Tracked> v) { long long s = 0; for (auto& t : v) s += t.ok() ? t.value : -999; return s; }

// ---- an overload set -----------------------------------------------------------------------------
inline std::string ov_(int) { return "int"; }
inline std::string ov_(double) { return "double"; }
inline std::string ov_(const std::string&) { return "string"; }
inline std::string ov_(const Tracked&) { return "Tracked"; }
inline std::string ov_(int, int) { return "int,int"; }

// ---- a class with several constructors and methods ----------------------------------------------
struct Multi {
  std::string how;
  Multi() : how("()") { ++Counts::constructed; }
  Multi(int) : how("(int)") { ++Counts::constructed; }
  Multi(int, double) : how("(int,double)") { ++Counts::constructed; }
  Multi(const std::string&) : how("(string)") { ++Counts::constructed; }
  Multi(const Tracked&) : how("(Tracked)") { ++Counts::constructed; }
  Multi(const Multi& o) : how(o.how) { ++Counts::constructed; }
  ~Multi() { ++Counts::destroyed; }
  long long add(int a, int b) const { return 0LL + a + b; }
  std::string tag(const std::string& s, unsigned char n) const { return s + std::to_string(n); }
  int take(const Tracked& t) const { return t.ok() ? t.value : -999; }
  static long long twice(int v) { return 2LL * v; }
};
}  // namespace fz
