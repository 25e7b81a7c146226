// cppjit_prelude_std.hpp — the part of the thunk prelude that needs the heavy standard headers, included before thunks that use it.
// Strings (std::string storage for const char*, std::string_view results), fn.async results
// (std::optional) and callbacks. Kept apart from cppjit_prelude.hpp so that, without a
// precompiled header, a first call that needs none of these does not pay ~200 ms to parse them.
// Both are built into the precompiled header.
#pragma once
#pragma GCC system_header  // cppjit's names, not the user's

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cppjit_prelude.hpp"

namespace __cppjit {
inline napi_value to_js(napi_env env, std::string_view v) {
  napi_value r;
  napi_create_string_utf8(env, v.data(), v.size(), &r);
  return r;
}

// Wide C strings (const wchar_t*, const char16_t*, const char32_t*) as JS strings, both ways:
// char16_t text is UTF-16 as JS has it; wchar_t (32 bits here) and char32_t text is code points.
namespace detail {
template <class C>
int wide_text_in(napi_env env, napi_value v, std::basic_string<C>& out) {
  size_t length = 0;
  if (napi_get_value_string_utf16(env, v, nullptr, 0, &length) != 0) return kWrongType;
  std::u16string units(length, u'\0');
  napi_get_value_string_utf16(env, v, units.data(), length + 1, &length);
  if constexpr (sizeof(C) == 2) {
    out.assign(units.begin(), units.end());
  } else {
    out.clear();
    out.reserve(length);
    for (size_t i = 0; i < length; ++i) {
      unsigned long u = units[i];
      if (u >= 0xD800 && u <= 0xDBFF && i + 1 < length && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF)
        u = 0x10000 + ((u - 0xD800) << 10) + (units[++i] - 0xDC00);
      out.push_back(static_cast<C>(u));
    }
  }
  return kOk;
}
template <class C>
napi_value wide_text_out(napi_env env, const C* p, size_t n) {
  napi_value r;
  if constexpr (sizeof(C) == 2) {
    napi_create_string_utf16(env, reinterpret_cast<const char16_t*>(p), n, &r);
  } else {
    std::u16string units;
    units.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      unsigned long cp = static_cast<unsigned long>(p[i]);
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
      if (cp < 0x10000) {
        units.push_back(static_cast<char16_t>(cp));
      } else {
        cp -= 0x10000;
        units.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
        units.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
      }
    }
    napi_create_string_utf16(env, units.data(), units.size(), &r);
  }
  return r;
}
template <class C>
int wide_cstring_in(napi_env env, napi_value v, std::basic_string<C>& local, const C*& out) {
  int type = -1;
  napi_typeof(env, v, &type);
  if (type == 0 || type == 1) {  // napi_undefined, napi_null
    out = nullptr;
    return kOk;
  }
  if (int e = wide_text_in(env, v, local)) return e;
  out = local.c_str();
  return kOk;
}
template <class C>
napi_value wide_cstring_out(napi_env env, const C* v) {
  if (!v) {
    napi_value r;
    napi_get_null(env, &r);
    return r;
  }
  return wide_text_out(env, v, std::char_traits<C>::length(v));
}
}  // namespace detail
inline int cstring_in(napi_env env, napi_value v, std::wstring& local, const wchar_t*& out) { return detail::wide_cstring_in(env, v, local, out); }
inline int cstring_in(napi_env env, napi_value v, std::u16string& local, const char16_t*& out) { return detail::wide_cstring_in(env, v, local, out); }
inline int cstring_in(napi_env env, napi_value v, std::u32string& local, const char32_t*& out) { return detail::wide_cstring_in(env, v, local, out); }
inline napi_value to_js(napi_env env, const wchar_t* v) { return detail::wide_cstring_out(env, v); }
inline napi_value to_js(napi_env env, const char16_t* v) { return detail::wide_cstring_out(env, v); }
inline napi_value to_js(napi_env env, const char32_t* v) { return detail::wide_cstring_out(env, v); }
}  // namespace __cppjit
