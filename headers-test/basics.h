// headers-test/basics.h — namespaces, free functions, overloads, defaults, variables, enums, typedefs.
#pragma once
#include <cstdint>
#include <string>

namespace basics {
inline int add(int a, int b) { return a + b; }
inline int scaled(int a, int factor = 10, int offset = 1) { return a * factor + offset; }
inline int pick(int) { return 1; }
inline int pick(double) { return 2; }
inline int pick(const char*) { return 3; }
inline int pick(bool) { return 4; }
inline int pick(int, int) { return 5; }
inline long long pick64(long long x) { return x; }

int counter = 3;
const int answer = 42;
double ratio = 0.5;
std::string label = "start";
constexpr unsigned limit = 7;

enum Color { Red, Green = 5, Blue };
enum class Mode : unsigned char { Off = 0, On = 200 };
enum Big : std::uint64_t { Huge = 0xFFFFFFFFFFFFFFFFull };
inline int colorValue(Color c) { return static_cast<int>(c); }
inline Mode toggle(Mode m) { return m == Mode::On ? Mode::Off : Mode::On; }

using Length = double;
typedef int Count;
inline Length twice(Length x) { return 2 * x; }

namespace inner {
inline const char* where() { return "basics::inner"; }
namespace deeper { inline int depth() { return 3; } }
}  // namespace inner
inline namespace v2 {
inline int version() { return 2; }
}  // namespace v2
// Global C arrays: of C strings (iterable as strings) and of unknown size (extern, bounded by nothing).
inline const char* const_names[3] = {"ada", "bob", "cy"};
extern int open_ended[];

}  // namespace basics

int basics::open_ended[] = {10, 20, 30};
