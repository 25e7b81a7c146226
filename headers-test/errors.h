// headers-test/errors.h — C++ exceptions of every shape: the std hierarchy, user classes, non-class throws.
#pragma once
#include <stdexcept>
#include <string>

namespace errors {
struct AppError : std::runtime_error {
  int code;
  AppError(const std::string& m, int c) : std::runtime_error(m), code(c) {}
};
struct Plain { int value = 3; };
inline int checked(int i) { if (i < 0) throw std::out_of_range("negative index " + std::to_string(i)); return i; }
inline void app(int c) { throw AppError("application failed", c); }
inline void number() { throw 17; }
inline void plain() { throw Plain(); }
inline void logic() { throw std::invalid_argument("bad argument"); }
inline void text() { throw std::string("thrown text"); }
inline void c_text() { throw "thrown C text"; }
}  // namespace errors
