// native/prelude.cc — the thunk prelude's out-of-line converters, compiled into the addon and exported to JIT-ed thunks.
// No Node header here: the prelude declares the N-API subset it uses itself, and the two would clash.
#pragma GCC visibility push(default)
#define CPPJIT_PRELUDE_DEFINITIONS
#include "prelude/cppjit_prelude.hpp"
#pragma GCC visibility pop

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
