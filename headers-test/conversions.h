// headers-test/conversions.h — round trips for every arithmetic type, chars, strings and bools.
#pragma once
#include <cstdint>
#include <string>
#include <cstring>

namespace conv {
inline bool notBool(bool b) { return !b; }
inline char nextChar(char c) { return c + 1; }
inline signed char i8(signed char v) { return v; }
inline unsigned char u8(unsigned char v) { return v; }
inline short i16(short v) { return v; }
inline unsigned short u16(unsigned short v) { return v; }
inline int i32(int v) { return v; }
inline unsigned u32(unsigned v) { return v; }
inline long i64(long v) { return v; }
inline unsigned long u64(unsigned long v) { return v; }
inline std::int64_t s64(std::int64_t v) { return v; }
inline std::size_t size(std::size_t v) { return v; }
inline float f32(float v) { return v; }
inline double f64(double v) { return v; }
inline long double f80(long double v) { return v; }
inline std::size_t length(const char* s) { return s ? std::strlen(s) : 0; }
inline const char* greeting() { return "hello"; }
inline const char* nothing() { return nullptr; }
inline std::string upper(std::string s) { for (auto& c : s) c = (c >= 'a' && c <= 'z') ? c - 32 : c; return s; }
inline std::string concat(const std::string& a, const std::string& b) { return a + b; }
inline const int& constRef(const int& v) { return v; }
inline std::string unicode() { return "h\xC3\xA9llo \xE2\x9C\x93"; }

// Converting constructors: a JS value where a class is taken, as C++'s `T t = value;`.
inline int made = 0, unmade = 0;
struct Celsius {
  double degrees;
  Celsius(double d) : degrees(d) { ++made; }
  Celsius(const Celsius& o) : degrees(o.degrees) { ++made; }
  ~Celsius() { ++unmade; }
};
inline double warmer(const Celsius& c) { return c.degrees + 1; }
inline double cooler(Celsius&& c) { return c.degrees - 1; }
struct Label {
  std::string text;
  Label(std::string t) : text(std::move(t)) {}
};
inline std::string labelled(Label l) { return "[" + l.text + "]"; }
struct Meters {
  explicit Meters(double v) : value(v) {}
  double value;
};
inline double meters(Meters m) { return m.value; }
inline int pick_unit(const Celsius&) { return 1; }
inline int pick_unit(const Label&) { return 2; }
// Wide characters: 1-character strings (code points) both ways.
inline wchar_t wide_next(wchar_t c) { return c + 1; }
inline char16_t utf16_unit(char16_t c) { return c; }
inline char32_t code_point(char32_t c) { return c; }
inline int wide_code(wchar_t c) { return static_cast<int>(c); }
struct WideHolder {
  wchar_t letter = L'w';
  const wchar_t* name = L"holder";
  const char16_t* label = u"\u00fc";
};

// Wide C strings and strings: JS strings both ways (UTF-16 for char16_t, code points for the others).
inline std::size_t wlen(const wchar_t* s) { return s ? std::char_traits<wchar_t>::length(s) : 0; }
inline std::size_t u16len(const char16_t* s) { return std::char_traits<char16_t>::length(s); }
inline std::size_t u32len(const char32_t* s) { return std::char_traits<char32_t>::length(s); }
inline const wchar_t* wgreet() { return L"h\u00e9llo \U0001F30D"; }
inline const char16_t* u16greet() { return u"h\u00e9llo \U0001F30D"; }
inline const char32_t* u32greet() { return U"h\u00e9llo \U0001F30D"; }
inline const wchar_t* wnull() { return nullptr; }
inline std::wstring wupper(const std::wstring& s) {
  std::wstring r = s;
  for (auto& c : r)
    if (c >= L'a' && c <= L'z') c = c - L'a' + L'A';
  return r;
}
inline std::u16string u16twice(std::u16string s) { return s + s; }
inline std::u32string u32echo(const std::u32string& s) { return s; }
inline std::size_t u32size(const std::u32string& s) { return s.size(); }
inline const std::wstring& wref() {
  static std::wstring w = L"ref";
  return w;
}

}  // namespace conv
