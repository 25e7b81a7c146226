// native/prelude.cc — the thunk prelude's out-of-line converters, compiled into the addon and exported to JIT-ed thunks.
// No Node header here: the prelude declares the N-API subset it uses itself, and the two would clash.
#pragma GCC visibility push(default)
#define CPPJIT_PRELUDE_DEFINITIONS
#include "prelude/cppjit_prelude.hpp"
#include "prelude/cppjit_prelude_std.hpp"
#pragma GCC visibility pop

// A NUL-terminated char16_t (width 2) or wchar_t/char32_t (width 4) string as a JS string, as
// thunks convert them (native/memory.cc reads such fields with it).
extern "C" napi_value cppjit_wide_cstring(napi_env env, const void* text, int width) {
  if (width == 2) return __cppjit::detail::wide_cstring_out(env, static_cast<const char16_t*>(text));
  return __cppjit::detail::wide_cstring_out(env, static_cast<const char32_t*>(text));
}

// The hooks table the thunks read; the rest of the addon fills it (as cppjit::ThunkHooks, same layout).
extern "C" void* cppjit_prelude_hooks() { return &__cppjit_hooks; }

// The signal globals for native/signals.cc: 0, the calling thread's innermost jump point; 1, the
// switch thunks test; 2, the hook that throws the JS error.
extern "C" void* cppjit_signal_globals(int which) {
  switch (which) {
    case 0: return &__cppjit_sig_top;
    case 1: return &__cppjit_sig_on;
    default: return reinterpret_cast<void*>(&__cppjit_sig_throw);
  }
}

// V8 fast calls. The gate (one int for the process) is nonzero while JS must not take the fast
// path: C++ holds JS functions (callback targets count themselves in it) or signals are guarded.
// The failure flag is per thread, as each JS thread reads its own after its calls.
#include <exception>
namespace {
int fastGate[1] = {0};
thread_local int fastFailure[1] = {0};
thread_local std::exception_ptr fastPending;
}  // namespace
unsigned long __cppjit_fast_calls = 0;
void __cppjit_fast_failed() {
  fastPending = std::current_exception();
  fastFailure[0] = 1;
}
extern "C" int* cppjit_fast_gate() { return fastGate; }
extern "C" int* cppjit_fast_failure() { return fastFailure; }
extern "C" unsigned long cppjit_fast_count() { return __cppjit_fast_calls; }
// The exception of this thread's last failed fast call (cleared), or null.
void cppjit_fast_take(std::exception_ptr& out) {
  out = fastPending;
  fastPending = nullptr;
  fastFailure[0] = 0;
}
