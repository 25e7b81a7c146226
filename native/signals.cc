// native/signals.cc — cppyy.ll.signalsAsExceptions: SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT inside a C++ call become a JS CppSignalError.
// The setting is process-wide. Each thunk, on whichever JS thread (main or worker) calls it, records
// a jump point (sigsetjmp) before calling C++ when this is on; the handler jumps back to the innermost
// one of the faulting thread, which throws. Signals outside a call (V8's own, say, or a C++ thread's)
// go to whatever handler was installed before.
#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include <pthread.h>

#include "Native.h"

extern "C" void* cppjit_signal_globals(int which);  // native/prelude.cc

namespace cppjit {
namespace {

// Same layout as __cppjit_sigframe in the prelude.
struct SigFrame {
  sigjmp_buf buf;
  SigFrame* prev;
  int signo;
  int active;
};

// The calling thread's innermost jump point (thread-local in the prelude).
SigFrame** topSlot() { return static_cast<SigFrame**>(cppjit_signal_globals(0)); }
int* enabled = nullptr;
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction previous[NSIG];
bool installed = false;
alignas(16) char altStack[64 * 1024];

const char* signalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
  }
  return "signal";
}

void handler(int sig, siginfo_t* info, void* context) {
  SigFrame** top = enabled && *enabled ? topSlot() : nullptr;
  SigFrame* frame = top ? *top : nullptr;
  if (frame) {
    *top = frame->prev;
    frame->active = 0;
    frame->signo = sig;
    // Thunks save no signal mask (that would be a system call per C++ call): unblock the signal
    // here, so the mask after the jump is the one the call started with.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    siglongjmp(frame->buf, 1);
  }
  // Not raised by C++ called from JS: the previous disposition decides.
  const struct sigaction& old = previous[sig];
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction) old.sa_sigaction(sig, info, context);
    return;
  }
  if (old.sa_handler == SIG_IGN) return;
  if (old.sa_handler == SIG_DFL) {
    sigaction(sig, &old, nullptr);
    raise(sig);  // delivered with the default action once this handler returns
    return;
  }
  old.sa_handler(sig);
}

napi_value throwSignalError(napi_env env, int sig) {
  Napi::Env e(env);
  std::string message = std::string(signalName(sig)) + " (" + strsignal(sig) +
                        ") inside a C++ call; the call was abandoned (its C++ destructors did not run)";
  Napi::FunctionReference& errorClass = envState(env).signalError;
  if (errorClass.IsEmpty()) {
    napi_throw_error(env, nullptr, message.c_str());
    return nullptr;
  }
  Napi::Object error = errorClass.New({Napi::String::New(e, message), Napi::String::New(e, signalName(sig)), Napi::Number::New(e, sig)});
  napi_throw(env, error);
  return nullptr;
}

// signalsAsExceptions(on, CppSignalError) -> previous setting (runs under interpreterMutex)
Napi::Value signalsAsExceptions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool on = info[0].ToBoolean().Value();
  Napi::FunctionReference& errorClass = envState(env).signalError;
  if (info.Length() > 1 && info[1].IsFunction() && errorClass.IsEmpty()) errorClass = Napi::Persistent(info[1].As<Napi::Function>());
  if (!enabled) {
    enabled = static_cast<int*>(cppjit_signal_globals(1));
    *reinterpret_cast<napi_value (**)(napi_env, int)>(cppjit_signal_globals(2)) = &throwSignalError;
  }
  bool was = *enabled != 0;
  if (on && !installed) {
    // Its own stack (for the thread that turns this on: one stack cannot serve two threads at
    // once), so a stack overflow there can still be reported.
    stack_t ss{};
    ss.ss_sp = altStack;
    ss.ss_size = sizeof altStack;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_sigaction = &handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : kSignals) sigaction(sig, &sa, &previous[sig]);
    installed = true;
  } else if (!on && installed) {
    for (int sig : kSignals) sigaction(sig, &previous[sig], nullptr);
    installed = false;
  }
  *enabled = on ? 1 : 0;
  return Napi::Boolean::New(env, was);
}

}  // namespace

bool runGuarded(napi_env env, const std::function<void()>& fn) {
  if (!enabled || !*enabled) {
    fn();
    return true;
  }
  SigFrame frame{};
  SigFrame** top = topSlot();
  if (sigsetjmp(frame.buf, 0)) {
    throwSignalError(env, frame.signo);
    return false;
  }
  frame.prev = *top;
  frame.active = 1;
  *top = &frame;
  struct Pop {
    SigFrame& f;
    SigFrame** top;
    ~Pop() {
      if (f.active) *top = f.prev;
    }
  } pop{frame, top};
  fn();
  return true;
}

void registerSignals(Napi::Env env, Napi::Object exports) {
  exports.Set("signalsAsExceptions", lockedFunction(env, "signalsAsExceptions", signalsAsExceptions));
}

}  // namespace cppjit
