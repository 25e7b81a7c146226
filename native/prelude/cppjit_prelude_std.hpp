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
}  // namespace __cppjit
