// cppjit_prelude.hpp — parsed once into the interpreter: the N-API subset and value converters that thunks use.
// Thunks are N-API callbacks generated per C++ callable; they read napi_values directly so a call
// costs what a hand-written binding costs. N-API is a stable C ABI, so declaring the few functions
// used here (instead of including Node's headers into the interpreter) is exact.
#pragma once  // also built into the precompiled header: the session's #include of it is then free
#pragma GCC system_header  // its names are cppjit's, not the user's: not listed in cppyy.gbl

// Light headers only: without a precompiled header, <string>, <optional> and <stdexcept> cost
// ~200 ms to parse, and most first calls need none of them. Thunks that do (strings, callbacks,
// fn.async) get cppjit_prelude_std.hpp included first.
#include <bits/stringfwd.h>  // std::string, declared
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>
#ifdef CPPJIT_PRELUDE_DEFINITIONS
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#endif

#include <pthread.h>  // unused here now, but in the baseline `cppjit dts` subtracts (users reach it through <thread>)
#include <setjmp.h>

extern "C" {
typedef struct napi_env__* napi_env;
typedef struct napi_value__* napi_value;
typedef struct napi_callback_info__* napi_callback_info;
typedef struct napi_handle_scope__* napi_handle_scope;
typedef int napi_status;
napi_status napi_get_cb_info(napi_env, napi_callback_info, size_t*, napi_value*, napi_value*, void**);
napi_status napi_get_value_double(napi_env, napi_value, double*);
napi_status napi_get_value_bigint_int64(napi_env, napi_value, int64_t*, bool*);
napi_status napi_get_value_bigint_uint64(napi_env, napi_value, uint64_t*, bool*);
napi_status napi_get_value_bool(napi_env, napi_value, bool*);
napi_status napi_get_value_string_utf8(napi_env, napi_value, char*, size_t, size_t*);
napi_status napi_create_int32(napi_env, int32_t, napi_value*);
napi_status napi_create_uint32(napi_env, uint32_t, napi_value*);
napi_status napi_create_double(napi_env, double, napi_value*);
napi_status napi_create_bigint_int64(napi_env, int64_t, napi_value*);
napi_status napi_create_bigint_uint64(napi_env, uint64_t, napi_value*);
napi_status napi_get_boolean(napi_env, bool, napi_value*);
napi_status napi_create_string_utf8(napi_env, const char*, size_t, napi_value*);
napi_status napi_create_string_latin1(napi_env, const char*, size_t, napi_value*);
napi_status napi_get_value_string_utf16(napi_env, napi_value, char16_t*, size_t, size_t*);
napi_status napi_create_string_utf16(napi_env, const char16_t*, size_t, napi_value*);
napi_status napi_get_undefined(napi_env, napi_value*);
napi_status napi_get_null(napi_env, napi_value*);
napi_status napi_typeof(napi_env, napi_value, int*);
napi_status napi_open_handle_scope(napi_env, napi_handle_scope*);
napi_status napi_is_typedarray(napi_env, napi_value, bool*);
napi_status napi_get_named_property(napi_env, napi_value, const char*, napi_value*);
napi_status napi_is_arraybuffer(napi_env, napi_value, bool*);
napi_status napi_get_arraybuffer_info(napi_env, napi_value, void**, size_t*);
napi_status napi_get_typedarray_info(napi_env, napi_value, int*, size_t*, void**, napi_value*, size_t*);
napi_status napi_close_handle_scope(napi_env, napi_handle_scope);
napi_status napi_is_exception_pending(napi_env, bool*);
}

namespace __cppjit {

// Filled by the addon right after the prelude is compiled (the addon is loaded RTLD_LOCAL,
// so its functions are handed over as pointers rather than resolved by name). The layout must
// match cppjit::ThunkHooks in native/Native.h.
struct Hooks {
  napi_value (*argError)(napi_env, int fid, int index, int code, napi_value value);
  napi_value (*arityError)(napi_env, int fid, size_t argc);
  napi_value (*exception)(napi_env);  // called inside a catch block
  double* (*scratch)(napi_env);       // the env's memory shared with its JS (extra results)
  // Callbacks. A JS function belongs to one env (the main thread's or a worker's): where its
  // target must be called. 0 with *env set: here; 0 with *env null: on another thread (runOn);
  // kCallbackGone: collected or released; kCallbackHomeless: its worker exited.
  int (*locate)(void* target, napi_env* env);
  // Calls the JS function of a callback target: 0, or a kCallback* code (*error then holds the
  // captured JS exception for kCallbackThrew).
  int (*callJs)(napi_env, void* target, size_t argc, napi_value* argv, napi_value* result, void** error);
  void* (*retain)(napi_env, napi_value fn, int signature);  // a new target holding fn, one reference
  void (*addRef)(void* target);
  void (*release)(void* target);  // any thread
  void* (*resultError)(napi_env, int signature, int code, napi_value value);  // a captured TypeError
  // Captured JS exceptions (reference counted, as C++ may copy the exception object).
  void (*errorRef)(void* error, int delta);
  napi_value (*rethrow)(napi_env, void* error);  // throws it in JS again; returns nullptr
  const char* (*errorText)(void* error);
  // fn.async: queues a job on the libuv pool; returns its promise (nullptr with a JS exception pending).
  napi_value (*queueAsync)(napi_env, void* job, void (*execute)(void*), napi_value (*complete)(napi_env, void*, int* failed),
                           void (*destroy)(void*));
  // Runs fn(data) on the thread of target's env and waits for it: nullptr, or why it could not
  // (deadlock, shutdown).
  const char* (*runOn)(void* target, void (*fn)(void*), void* data);
  napi_env (*threadEnv)();  // the env of the calling JS thread (main or worker); nullptr on any other thread
  // Throws *error here when something on this thread catches it; returns when nothing would (it
  // would end in std::terminate).
  void (*rethrowIfCaught)(std::exception_ptr* error);
  // Reports an error to target's thread as an uncaught JS exception: a captured JS exception, or
  // an Error with this message.
  void (*deliver)(void* target, void* jsError, const char* message);
};
}  // namespace __cppjit

extern "C" __cppjit::Hooks __cppjit_hooks;

// cppyy.ll.signalsAsExceptions: a thunk sets a jump point before calling C++, and the addon's
// signal handler (native/signals.cc, same layout) jumps back to the innermost one of its thread.
// Off: one load and branch.
extern "C" {
struct __cppjit_sigframe {
  sigjmp_buf buf;
  __cppjit_sigframe* prev;
  int signo;
  int active;
};
extern int __cppjit_sig_on;
// V8 fast calls (native/fast/): a fast entry cannot throw into V8, so it records the exception
// here (for this thread) and JS throws it after the call; the count is a statistic for tests.
void __cppjit_fast_failed();
extern unsigned long __cppjit_fast_calls;
}

namespace __cppjit {

// Conversion outcomes, reported to argError.
enum : int { kOk = 0, kWrongType = 1, kOutOfRange = 2, kNotIntegral = 3, kNullObject = 4, kDeletedSelf = 5, kNotCopyable = 6 };
// Outcomes of Hooks::callJs.
enum : int { kCallbackThrew = 1, kCallbackGone = 2, kCallbackHomeless = 3 };
constexpr int kUndefinedType = 0;  // napi_valuetype napi_undefined

// The converters below are defined out of line, once, in the prelude's own input: each thunk
// then only calls them, so JIT-compiling a thunk costs its own few lines, not the converters.
int arg_in(napi_env, napi_value, bool&);
int arg_in(napi_env, napi_value, char&);
int arg_in(napi_env, napi_value, signed char&);
int arg_in(napi_env, napi_value, unsigned char&);
int arg_in(napi_env, napi_value, short&);
int arg_in(napi_env, napi_value, unsigned short&);
int arg_in(napi_env, napi_value, int&);
int arg_in(napi_env, napi_value, unsigned int&);
int arg_in(napi_env, napi_value, long&);
int arg_in(napi_env, napi_value, unsigned long&);
int arg_in(napi_env, napi_value, long long&);
int arg_in(napi_env, napi_value, unsigned long long&);
int arg_in(napi_env, napi_value, wchar_t&);
#ifdef __cpp_char8_t
int arg_in(napi_env, napi_value, char8_t&);
#endif
int arg_in(napi_env, napi_value, char16_t&);
int arg_in(napi_env, napi_value, char32_t&);
int arg_in(napi_env, napi_value, float&);
int arg_in(napi_env, napi_value, double&);
int arg_in(napi_env, napi_value, long double&);
int arg_in(napi_env, napi_value, std::string&);
int cstring_in(napi_env, napi_value, std::string& storage, const char*& out);
// A const std::string& (or std::string_view) parameter: a std::string object binds in place (C++
// keeps references into it: std::regex_search's match results); a JS string converts into `local`.
int string_ref_in(napi_env, napi_value, std::string& local, const std::string*& out);
// While JS builds a temporary object for an enclosing call (a braced initializer, a converting
// constructor), the strings converted for it must live until that call returns (a StringPiece or
// a view keeps a pointer to them): they go to the innermost bucket opened by hold_strings.
void* hold_strings();                 // opens a bucket; returns it
void unhold_strings();                // closes the innermost bucket (it lives on)
void release_strings(void* bucket);   // frees a bucket's strings
int address_in(napi_env, napi_value, void*& out);
int bytes_in(napi_env, napi_value, void*& out);  // a TypedArray's data pointer (JS passes memory it keeps alive so)
// A class parameter taken by value: JS passes the source object's address, negated when the callee
// may move from it (std.move(x), or a temporary JS made for the call).
int movable_in(napi_env, napi_value, void*& out, bool& moved);
size_t given(napi_env, napi_value* argv, size_t argc, size_t minimum);
napi_value undefined(napi_env);
napi_value null_value(napi_env);
napi_value to_js(napi_env, bool);
napi_value to_js(napi_env, char);
napi_value to_js(napi_env, signed char);
napi_value to_js(napi_env, unsigned char);
napi_value to_js(napi_env, short);
napi_value to_js(napi_env, unsigned short);
napi_value to_js(napi_env, int);
napi_value to_js(napi_env, unsigned int);
napi_value to_js(napi_env, long);
napi_value to_js(napi_env, unsigned long);
napi_value to_js(napi_env, long long);
napi_value to_js(napi_env, unsigned long long);
napi_value to_js(napi_env, wchar_t);
#ifdef __cpp_char8_t
napi_value to_js(napi_env, char8_t);
#endif
napi_value to_js(napi_env, char16_t);
napi_value to_js(napi_env, char32_t);
napi_value to_js(napi_env, float);
napi_value to_js(napi_env, double);
napi_value to_js(napi_env, long double);
napi_value to_js(napi_env, const char*);
napi_value to_js(napi_env, const std::string&);
// Addresses go to JS as numbers: user-space pointers fit in 48 bits, and a number is the
// cheapest value to create and to read back.
napi_value address_to_js(napi_env, const void*);

template <class T>
inline int object_in(napi_env env, napi_value v, T*& out) {
  void* p;
  if (int e = address_in(env, v, p))
    if (bytes_in(env, v, p)) return e;
  if (!p) return kNullObject;
  out = static_cast<T*>(p);
  return kOk;
}

// The source of a by-value class parameter; a move-only class must be moved from.
template <class T>
inline int value_in(napi_env env, napi_value v, T*& out, bool& moved) {
  void* p;
  if (int e = movable_in(env, v, p, moved))
    if (bytes_in(env, v, p)) return e;
  if (!p) return kNullObject;
  if constexpr (!std::is_copy_constructible_v<T>)
    if (!moved) return kNotCopyable;
  out = static_cast<T*>(p);
  return kOk;
}

// The parameter itself: a prvalue, so it is constructed in place (one move or one copy).
template <class T>
inline T take(T* p, bool moved) {
  if constexpr (std::is_copy_constructible_v<T> && std::is_move_constructible_v<T>) {
    if (moved) return T(std::move(*p));
    return T(*p);
  } else if constexpr (std::is_move_constructible_v<T>) {
    return T(std::move(*p));
  } else {
    static_assert(std::is_copy_constructible_v<T>, "a class that can be neither copied nor moved cannot be passed by value");
    return T(*p);
  }
}

template <class T>
inline int pointer_in(napi_env env, napi_value v, T*& out) {
  void* p;
  if (int e = address_in(env, v, p))
    if (bytes_in(env, v, p)) return e;
  out = (T*)p;
  return kOk;
}
// A std::nullptr_t parameter (json(nullptr), say): null, undefined or a null pointer.
inline int pointer_in(napi_env env, napi_value v, decltype(nullptr)& out) {
  void* p;
  if (int e = address_in(env, v, p)) return e;
  if (p) return kWrongType;
  out = nullptr;
  return kOk;
}

// Runs a thunk's body under a signal guard. Out of line (in the addon), so thunks hold no
// sigsetjmp: a returns-twice call in every thunk made each one ~1.8 ms slower to compile.
napi_value guarded_call(napi_env env, napi_callback_info info, napi_value (*body)(napi_env, napi_callback_info));
bool guard_wanted();  // false right after guarded_call (the re-entered thunk then runs its call)
// Runs a thunk's body and turns what it throws into a JS exception (a js_exception: the same JS
// value again). Out of line, so thunks hold no try/catch: their invokes and landing pads made the
// fast instruction selector hand most of each thunk to SelectionDAG (~35% of a thunk's compile time).
napi_value catching_call(napi_env env, napi_callback_info info, napi_value (*body)(napi_env, napi_callback_info));

// Spells any type-id in declarator position (function pointer types included): type_t<int (*)(int)> a;
template <class T>
using type_t = T;

// ---- callbacks: C++ calling JS functions ----

// A JS exception thrown inside a callback, carried through the C++ frames up to the thunk that
// entered C++, which throws the same JS value again. C++ code may catch (and swallow) it.
class js_exception : public std::exception {
 public:
  explicit js_exception(void* error) : error_(error) {}
  js_exception(const js_exception& o) noexcept : std::exception(o), error_(o.error_) { __cppjit_hooks.errorRef(error_, 1); }
  js_exception& operator=(const js_exception&) = delete;
  ~js_exception() override { __cppjit_hooks.errorRef(error_, -1); }
  const char* what() const noexcept override { return __cppjit_hooks.errorText(error_); }
  napi_value rethrow(napi_env env) const { return __cppjit_hooks.rethrow(env, error_); }
  void* handle() const { return error_; }

 private:
  void* error_;
};

// One reference to a callback target (a JS function held for C++): what a std::function made from
// a JS function captures, so the function lives exactly as long as some copy of it does.
class callback_ref {
 public:
  explicit callback_ref(void* target) : target_(target) {}  // adopts a reference
  callback_ref(const callback_ref& o) : target_(o.target_) {
    if (target_) __cppjit_hooks.addRef(target_);
  }
  callback_ref(callback_ref&& o) noexcept : target_(o.target_) { o.target_ = nullptr; }
  callback_ref& operator=(const callback_ref&) = delete;
  ~callback_ref() {
    if (target_) __cppjit_hooks.release(target_);
  }
  void* get() const { return target_; }

 private:
  void* target_;
};

// Every callback call gets its own scope: a C++ loop calling back a million times must not keep
// a million handles alive until the outer call returns.
struct handle_scope {
  napi_env env;
  napi_handle_scope scope = nullptr;
  explicit handle_scope(napi_env e) : env(e) { napi_open_handle_scope(env, &scope); }
  handle_scope(const handle_scope&) = delete;
  ~handle_scope() { napi_close_handle_scope(env, scope); }
};

[[noreturn]] void callback_unavailable(int code);  // throws the std::runtime_error saying why
[[noreturn]] void callback_failed(const char* why);  // throws std::runtime_error(why)

// A value constructed later, or never (what std::optional does, without its header).
template <class T>
struct late {
  alignas(T) unsigned char bytes[sizeof(T)];
  bool engaged = false;
  late() = default;
  late(const late&) = delete;
  ~late() {
    if (engaged) get().~T();
  }
  template <class... A>
  void emplace(A&&... a) {
    ::new (static_cast<void*>(bytes)) T(static_cast<A&&>(a)...);
    engaged = true;
  }
  T& get() { return *std::launder(reinterpret_cast<T*>(bytes)); }
};

// The env to call target's JS function in when that is this thread's; nullptr when it belongs to
// another thread (on_owner). Throws std::runtime_error when it cannot be called at all.
inline napi_env callback_env(void* target) {
  napi_env env;
  if (int code = __cppjit_hooks.locate(target, &env)) callback_unavailable(code);
  return env;
}

// An exception no handler on this thread catches, to target's JS thread as an uncaught exception.
inline void deliver_uncaught(void* target, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const js_exception& e) {
    __cppjit_hooks.deliver(target, e.handle(), nullptr);
  } catch (const std::exception& e) {
    __cppjit_hooks.deliver(target, nullptr, e.what());
  } catch (...) {
    __cppjit_hooks.deliver(target, nullptr, "a C++ exception of an unknown type");
  }
}

// Runs f on the thread owning target's JS function (the main thread or a worker) for a thread that
// calls it; this thread waits. What f throws there (a js_exception, a C++ exception) is thrown again here.
template <class R, class F>
R on_owner(void* target, F&& f) {
  using stored_t = std::conditional_t<std::is_void_v<R>, char,
                                      std::conditional_t<std::is_reference_v<R>, std::remove_reference_t<R>*, late<R>>>;
  struct context {
    F* f;
    stored_t result{};
    std::exception_ptr error;
  } ctx{&f};
  auto run = [](void* p) {
    auto* c = static_cast<context*>(p);
    try {
      if constexpr (std::is_void_v<R>) (*c->f)();
      else if constexpr (std::is_reference_v<R>) c->result = __builtin_addressof((*c->f)());
      else c->result.emplace((*c->f)());
    } catch (...) {
      c->error = std::current_exception();
    }
  };
  if (const char* why = __cppjit_hooks.runOn(target, +run, &ctx)) {
    try {
      callback_failed(why);
    } catch (...) {
      ctx.error = std::current_exception();
    }
  }
  if (ctx.error) {
    // What nothing on this thread would catch (a std::thread's function calling a JS function that
    // throws) goes to JS as an uncaught exception, and C++ gets a zero value, rather than ending
    // the process in std::terminate. A caller that catches gets the exception as usual.
    if constexpr (std::is_void_v<R> || (!std::is_reference_v<R> && std::is_default_constructible_v<R>)) {
      __cppjit_hooks.rethrowIfCaught(&ctx.error);
      deliver_uncaught(target, ctx.error);
      if constexpr (std::is_void_v<R>) return;
      else return R{};
    } else {
      std::rethrow_exception(ctx.error);
    }
  }
  if constexpr (std::is_void_v<R>) return;
  else if constexpr (std::is_reference_v<R>) return static_cast<R>(*ctx.result);
  else return std::move(ctx.result.get());
}

// ---- fn.async: a call whose arguments are converted on the calling JS thread, run on the libuv
// pool, and whose result is converted on the calling JS thread again. Generated thunks derive one job class
// per callable; its members are the converted arguments, alive until the job completes.
struct async_call {
  virtual ~async_call() = default;
  virtual void run() = 0;                   // pool thread: the C++ call, storing its result
  virtual napi_value out(napi_env env) = 0;  // the calling JS thread: the stored result as a JS value
  std::exception_ptr error;
  int signo = 0;  // a fault inside run() under ll.signalsAsExceptions: the promise rejects with a CppSignalError
};
napi_value queue_async(napi_env env, async_call* job);  // the job's promise; takes ownership
napi_value call_js(napi_env, void* target, size_t argc, napi_value* argv);  // throws js_exception
[[noreturn]] void result_error(napi_env, int signature, int code, napi_value value);
// Called in a catch block of a JS override of a noexcept virtual: nothing may unwind through the
// noexcept frame, so the exception is left pending in JS instead (the JS caller gets it when the
// call that entered C++ returns; the first one wins); inside fn.async it fails the job.
void defer_exception() noexcept;

// A std::function parameter from what JS passes: a JS function (kept alive by the std::function's
// copies), a bigint (the address of a C++ function of exactly this signature), a number (the
// address of a std::function instance, copied) or null/undefined (empty).
template <class F, class R, class... A>
int function_in(napi_env env, napi_value v, F& out, R (*core)(void*, A...), int signature) {
  int type = -1;
  napi_typeof(env, v, &type);
  void* p = nullptr;
  switch (type) {
    case 0: case 1:
      out = nullptr;
      return kOk;
    case 7: {  // napi_function
      void* target = __cppjit_hooks.retain(env, v, signature);
      if (!target) return kWrongType;
      callback_ref ref(target);
      out = [ref, core](A... a) -> R { return core(ref.get(), static_cast<A&&>(a)...); };
      return kOk;
    }
    case 9:  // napi_bigint
      if (int e = address_in(env, v, p)) return e;
      out = reinterpret_cast<R (*)(A...)>(p);
      return kOk;
    case 3:  // napi_number
      if (int e = address_in(env, v, p)) return e;
      if (!p) return kNullObject;
      out = *static_cast<F*>(p);
      return kOk;
  }
  return kWrongType;
}

template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
inline int arg_in(napi_env env, napi_value v, E& out) {
  std::underlying_type_t<E> raw;
  if (int e = arg_in(env, v, raw)) return e;
  out = static_cast<E>(raw);
  return kOk;
}

// An enum without a fixed underlying type takes only the values of its range (see TypeDesc::enumBounded).
template <class E>
inline int enum_in(napi_env env, napi_value v, E& out, long long lo, long long hi) {
  std::underlying_type_t<E> raw;
  if (int e = arg_in(env, v, raw)) return e;
  if (static_cast<long long>(raw) < lo || static_cast<long long>(raw) > hi) return kOutOfRange;
  out = static_cast<E>(raw);
  return kOk;
}

template <class E, std::enable_if_t<std::is_enum_v<E>, int> = 0>
inline napi_value to_js(napi_env env, E v) {
  return to_js(env, static_cast<std::underlying_type_t<E>>(v));
}

// ---- definitions ----
// Compiled once, by the C++ compiler that builds the addon (native/prelude.cc), not by the
// interpreter: JIT-compiling them at -O2 was most of the interpreter's start-up. Thunks reach them by
// name (they are exported from the addon; reflex resolves "__cppjit" names there).
#ifdef CPPJIT_PRELUDE_DEFINITIONS
}  // namespace __cppjit
// Per thread (every JS thread runs thunks); initial-exec so the signal handler reads it without
// allocating.
extern "C" __attribute__((tls_model("initial-exec"))) thread_local __cppjit_sigframe* __cppjit_sig_top;
extern "C" napi_value (*__cppjit_sig_throw)(napi_env, int);
extern "C" const void* cppjit_string_object(napi_env, napi_value);  // native/objects.cc
extern "C" int cppjit_char_pointer(napi_env, napi_value, const void** out);  // native/objects.cc
namespace __cppjit {

struct signal_guard {
  __cppjit_sigframe f;
  signal_guard() { f.prev = nullptr; f.signo = 0; f.active = 0; }
  signal_guard(const signal_guard&) = delete;
  void enter() {
    f.prev = __cppjit_sig_top;
    f.active = 1;
    __cppjit_sig_top = &f;
  }
  ~signal_guard() {
    if (f.active) __cppjit_sig_top = f.prev;
  }
};

namespace detail {
template <class T>
int int_in(napi_env env, napi_value v, T& out) {
  double d;
  if (napi_get_value_double(env, v, &d) == 0) {
    // (double)max + 1 is exact for every width (2^N), so the upper bound is exclusive and exact.
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
    if (d != d) return kNotIntegral;
    if (!(d >= lo && d < hi)) return kOutOfRange;
    T t = static_cast<T>(d);
    if (static_cast<double>(t) != d) return kNotIntegral;
    out = t;
    return kOk;
  }
  bool lossless = false;
  if constexpr (std::is_signed_v<T>) {
    int64_t x;
    if (napi_get_value_bigint_int64(env, v, &x, &lossless) != 0) return kWrongType;
    if (!lossless || x < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
        x > static_cast<int64_t>(std::numeric_limits<T>::max()))
      return kOutOfRange;
    out = static_cast<T>(x);
  } else {
    uint64_t x;
    if (napi_get_value_bigint_uint64(env, v, &x, &lossless) != 0) return kWrongType;
    if (!lossless || x > static_cast<uint64_t>(std::numeric_limits<T>::max())) return kOutOfRange;
    out = static_cast<T>(x);
  }
  return kOk;
}

template <class T>
int float_in(napi_env env, napi_value v, T& out) {
  double d;
  if (napi_get_value_double(env, v, &d) != 0) return kWrongType;
  T t = static_cast<T>(d);
  // A finite number beyond the type's range (1e40 for a float) does not become Infinity silently.
  if (t - t != t - t && d - d == d - d) return kOutOfRange;
  out = t;
  return kOk;
}

template <class T>
napi_value int_out(napi_env env, T v) {
  napi_value r;
  if constexpr (sizeof(T) < 4 || (sizeof(T) == 4 && std::is_signed_v<T>)) {
    napi_create_int32(env, static_cast<int32_t>(v), &r);
  } else if constexpr (sizeof(T) == 4) {
    napi_create_uint32(env, static_cast<uint32_t>(v), &r);
  } else if constexpr (std::is_signed_v<T>) {
    constexpr int64_t safe = (int64_t(1) << 53) - 1;
    if (v >= -safe && v <= safe) napi_create_double(env, static_cast<double>(v), &r);
    else napi_create_bigint_int64(env, static_cast<int64_t>(v), &r);
  } else {
    constexpr uint64_t safe = (uint64_t(1) << 53) - 1;
    if (v <= safe) napi_create_double(env, static_cast<double>(v), &r);
    else napi_create_bigint_uint64(env, static_cast<uint64_t>(v), &r);
  }
  return r;
}
}  // namespace detail

int arg_in(napi_env env, napi_value v, bool& out) {
  if (napi_get_value_bool(env, v, &out) == 0) return kOk;
  // 0 and 1 stand for false and true, as in cppyy; other numbers are not booleans.
  double d = 0;
  if (napi_get_value_double(env, v, &d) != 0 || (d != 0 && d != 1)) return kWrongType;
  out = d == 1;
  return kOk;
}
// A char is one Latin-1 character in JS ('a', 'é' for byte 0xE9), as it comes out: any byte
// round-trips, where UTF-8 would turn bytes 0x80-0xFF into U+FFFD.
int arg_in(napi_env env, napi_value v, char& out) {
  char16_t units[3];
  size_t length = 0;
  if (napi_get_value_string_utf16(env, v, units, 3, &length) == 0) {
    if (length != 1 || units[0] > 0xFF) return kOutOfRange;
    out = static_cast<char>(units[0]);
    return kOk;
  }
  return detail::int_in<char>(env, v, out);
}
// wchar_t, char16_t and char32_t are characters (as in cppyy): a 1-character string in and out (a
// code point; a number in too). A value that is no code point comes out as a number.
namespace detail {
template <class T>
int wide_char_in(napi_env env, napi_value v, T& out) {
  char16_t units[4];
  size_t length = 0;
  if (napi_get_value_string_utf16(env, v, units, 4, &length) == 0) {
    unsigned long cp;
    if (length == 1) cp = units[0];
    else if (length == 2 && units[0] >= 0xD800 && units[0] <= 0xDBFF && units[1] >= 0xDC00 && units[1] <= 0xDFFF)
      cp = 0x10000 + ((static_cast<unsigned long>(units[0]) - 0xD800) << 10) + (units[1] - 0xDC00);
    else return kOutOfRange;
    if (cp > static_cast<unsigned long>(std::numeric_limits<T>::max())) return kOutOfRange;
    out = static_cast<T>(cp);
    return kOk;
  }
  return int_in<T>(env, v, out);
}
template <class T>
napi_value wide_char_out(napi_env env, T v) {
  if constexpr (std::is_signed_v<T>) {
    if (v < 0) return int_out<T>(env, v);
  }
  if (static_cast<unsigned long>(v) > 0x10FFFF) return int_out<T>(env, v);
  unsigned long cp = static_cast<unsigned long>(v);
  char16_t units[2];
  size_t n = 1;
  if (cp < 0x10000) {
    units[0] = static_cast<char16_t>(cp);
  } else {
    cp -= 0x10000;
    units[0] = static_cast<char16_t>(0xD800 + (cp >> 10));
    units[1] = static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    n = 2;
  }
  napi_value r = nullptr;
  napi_create_string_utf16(env, units, n, &r);
  return r;
}
}  // namespace detail
#define CPPJIT_WIDE_CHAR(T) \
  int arg_in(napi_env env, napi_value v, T& out) { return detail::wide_char_in<T>(env, v, out); } \
  napi_value to_js(napi_env env, T v) { return detail::wide_char_out<T>(env, v); }
CPPJIT_WIDE_CHAR(wchar_t)
CPPJIT_WIDE_CHAR(char16_t)
CPPJIT_WIDE_CHAR(char32_t)
#define CPPJIT_INT_IN(T) \
  int arg_in(napi_env env, napi_value v, T& out) { return detail::int_in<T>(env, v, out); } \
  napi_value to_js(napi_env env, T v) { return detail::int_out<T>(env, v); }
CPPJIT_INT_IN(signed char)
CPPJIT_INT_IN(unsigned char)
CPPJIT_INT_IN(short)
CPPJIT_INT_IN(unsigned short)
CPPJIT_INT_IN(int)
CPPJIT_INT_IN(unsigned int)
CPPJIT_INT_IN(long)
CPPJIT_INT_IN(unsigned long)
CPPJIT_INT_IN(long long)
CPPJIT_INT_IN(unsigned long long)
#ifdef __cpp_char8_t
CPPJIT_INT_IN(char8_t)
#endif
#undef CPPJIT_INT_IN
int arg_in(napi_env env, napi_value v, float& out) { return detail::float_in(env, v, out); }
int arg_in(napi_env env, napi_value v, double& out) { return detail::float_in(env, v, out); }
int arg_in(napi_env env, napi_value v, long double& out) { return detail::float_in(env, v, out); }

// A JS string's UTF-8 text; kWrongType for anything else.
static int text_in(napi_env env, napi_value v, std::string& out) {
  // Short strings (the common case) take one N-API call. N-API never splits a UTF-8 sequence, so
  // a result within 4 bytes of the end may be a truncation: then measure and copy again.
  char buffer[256];
  size_t length = 0;
  if (napi_get_value_string_utf8(env, v, buffer, sizeof buffer, &length) != 0) return kWrongType;
  if (length + 4 < sizeof buffer) {
    out.assign(buffer, length);
    return kOk;
  }
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &length) != 0) return kWrongType;
  out.resize(length);
  napi_get_value_string_utf8(env, v, out.data(), length + 1, &length);
  return kOk;
}

int arg_in(napi_env env, napi_value v, std::string& out) {
  if (text_in(env, v, out) == kOk) return kOk;
  // Not a JS string: a std::string object (a std::string& result, say) is copied.
  const void* object = cppjit_string_object(env, v);
  if (!object) return kWrongType;
  out = *static_cast<const std::string*>(object);
  return kOk;
}

static bool is_nullish(napi_env env, napi_value v) {
  int type = -1;
  napi_typeof(env, v, &type);
  return type == 0 || type == 1;  // napi_undefined, napi_null
}

using string_bucket = std::vector<std::unique_ptr<std::string>>;
static thread_local std::vector<string_bucket*> held_buckets;

void* hold_strings() {
  held_buckets.push_back(new string_bucket);
  return held_buckets.back();
}
void unhold_strings() {
  if (!held_buckets.empty()) held_buckets.pop_back();
}
void release_strings(void* bucket) { delete static_cast<string_bucket*>(bucket); }

// Where a JS string is converted to: `local`, or a string of the innermost held bucket.
static std::string& string_storage(std::string& local) {
  if (__builtin_expect(held_buckets.empty(), 1)) return local;
  held_buckets.back()->push_back(std::make_unique<std::string>());
  return *held_buckets.back()->back();
}

int string_ref_in(napi_env env, napi_value v, std::string& local, const std::string*& out) {
  std::string& storage = string_storage(local);
  if (text_in(env, v, storage) == kOk) {
    out = &storage;
    return kOk;
  }
  const void* object = cppjit_string_object(env, v);
  if (!object) return kWrongType;
  out = static_cast<const std::string*>(object);
  return kOk;
}

int cstring_in(napi_env env, napi_value v, std::string& local, const char*& out) {
  if (is_nullish(env, v)) {
    out = nullptr;
    return kOk;
  }
  const std::string* text = nullptr;
  if (string_ref_in(env, v, local, text) == kOk) {
    out = text->c_str();
    return kOk;
  }
  // A Uint8Array/Int8Array/Buffer holding a NUL is passed in place (C may keep pointers into it,
  // like strtol's end); one without is copied, NUL-terminated (C would read past its end).
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) == 0 && isTyped) {
    int type = -1;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
    if (type > 2) return kWrongType;  // napi_int8_array, napi_uint8_array, napi_uint8_clamped_array
    if (length && std::memchr(data, 0, length)) {
      out = static_cast<const char*>(data);
      return kOk;
    }
    std::string& storage = string_storage(local);
    storage.assign(static_cast<const char*>(data), length);
    out = storage.c_str();
    return kOk;
  }
  // A cppyy.ll pointer object of a character type (a char* C returned). Never a number: an address
  // reaches C only through the ll APIs that make such objects.
  const void* p = nullptr;
  if (int e = cppjit_char_pointer(env, v, &p)) return e;
  out = static_cast<const char*>(p);
  return kOk;
}

// Objects and pointers arrive as addresses (a JS number or bigint), already type-checked by JS.
int address_in(napi_env env, napi_value v, void*& out) {
  double d;
  if (napi_get_value_double(env, v, &d) == 0) {
    if (!(d >= 0 && d < 18446744073709551616.0)) return kWrongType;
    out = reinterpret_cast<void*>(static_cast<uintptr_t>(d));
    return kOk;
  }
  uint64_t x;
  bool lossless;
  if (napi_get_value_bigint_uint64(env, v, &x, &lossless) == 0) {
    if (!lossless) return kOutOfRange;  // negative, or 2^64 and above: no address
    out = reinterpret_cast<void*>(static_cast<uintptr_t>(x));
    return kOk;
  }
  if (is_nullish(env, v)) {
    out = nullptr;
    return kOk;
  }
  return kWrongType;
}

int movable_in(napi_env env, napi_value v, void*& out, bool& moved) {
  double d;
  if (napi_get_value_double(env, v, &d) == 0 && d < 0) {
    if (!(d > -18446744073709551616.0)) return kWrongType;
    moved = true;
    out = reinterpret_cast<void*>(static_cast<uintptr_t>(-d));
    return kOk;
  }
  moved = false;
  return address_in(env, v, out);
}

static thread_local bool guard_entering = false;

bool guard_wanted() {
  if (!guard_entering) return true;
  guard_entering = false;
  return false;
}

napi_value guarded_call(napi_env env, napi_callback_info info, napi_value (*body)(napi_env, napi_callback_info)) {
  signal_guard sg;
  if (sigsetjmp(sg.f.buf, 0)) return __cppjit_sig_throw(env, sg.f.signo);
  sg.enter();
  guard_entering = true;
  return body(env, info);
}

napi_value catching_call(napi_env env, napi_callback_info info, napi_value (*body)(napi_env, napi_callback_info)) {
  try {
    return body(env, info);
  } catch (const js_exception& e) {
    return e.rethrow(env);
  } catch (...) {
    return __cppjit_hooks.exception(env);
  }
}

int bytes_in(napi_env env, napi_value v, void*& out) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) == 0 && is) {
    napi_get_typedarray_info(env, v, nullptr, nullptr, &out, nullptr, nullptr);
    return kOk;
  }
  if (napi_is_arraybuffer(env, v, &is) == 0 && is) {
    size_t length = 0;
    napi_get_arraybuffer_info(env, v, &out, &length);
    return kOk;
  }
  return kWrongType;
}

// Number of arguments once trailing undefineds are dropped: in JS, undefined means "not given",
// which is how C++ default arguments are requested.
size_t given(napi_env env, napi_value* argv, size_t argc, size_t minimum) {
  while (argc > minimum) {
    int type = -1;
    napi_typeof(env, argv[argc - 1], &type);
    if (type != kUndefinedType) break;
    --argc;
  }
  return argc;
}

napi_value undefined(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}
napi_value null_value(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}
napi_value to_js(napi_env env, bool v) {
  napi_value r;
  napi_get_boolean(env, v, &r);
  return r;
}
napi_value to_js(napi_env env, char v) {
  napi_value r;
  napi_create_string_latin1(env, &v, 1, &r);
  return r;
}
napi_value to_js(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}
napi_value to_js(napi_env env, float v) { return to_js(env, static_cast<double>(v)); }
napi_value to_js(napi_env env, long double v) { return to_js(env, static_cast<double>(v)); }
napi_value to_js(napi_env env, const char* v) {
  napi_value r;
  if (!v) napi_get_null(env, &r);
  else napi_create_string_utf8(env, v, std::strlen(v), &r);
  return r;
}
napi_value to_js(napi_env env, const std::string& v) {
  napi_value r;
  napi_create_string_utf8(env, v.data(), v.size(), &r);
  return r;
}
napi_value address_to_js(napi_env env, const void* p) {
  napi_value r;
  uintptr_t a = reinterpret_cast<uintptr_t>(p);
  // Real addresses fit in 48 bits; sentinels such as (void*)-1 (SQLITE_TRANSIENT) stay exact as bigints.
  if (a > (uintptr_t(1) << 53)) napi_create_bigint_uint64(env, a, &r);
  else napi_create_double(env, static_cast<double>(a), &r);
  return r;
}

static const char* const kGoneMessage =
    "cppjit: C++ called a function pointer whose JS function was garbage-collected or released "
    "(keep the function referenced in JS, or pin it with cppyy.ll.callback(fn, signature))";

void callback_unavailable(int code) {
  if (code == kCallbackHomeless)
    throw std::runtime_error(
        "cppjit: C++ called a JS function whose thread has shut down (a worker that exited, or the main thread at exit)");
  throw std::runtime_error(kGoneMessage);
}

void callback_failed(const char* why) { throw std::runtime_error(why); }

napi_value call_js(napi_env env, void* target, size_t argc, napi_value* argv) {
  napi_value result = nullptr;
  void* error = nullptr;
  // A signal inside JS (called back from C++) must not jump over V8's frames.
  __cppjit_sigframe* guarded = __cppjit_sig_top;
  __cppjit_sig_top = nullptr;
  int code = __cppjit_hooks.callJs(env, target, argc, argv, &result, &error);
  __cppjit_sig_top = guarded;
  if (code == kOk) return result;
  if (code == kCallbackThrew) throw js_exception(error);
  throw std::runtime_error(kGoneMessage);
}

void result_error(napi_env env, int signature, int code, napi_value value) {
  throw js_exception(__cppjit_hooks.resultError(env, signature, code, value));
}

// Pool threads cannot throw into JS: what defer_exception() catches there fails the running job.
static thread_local bool in_async_job = false;
static thread_local std::exception_ptr deferred;

void defer_exception() noexcept {
  napi_env env = __cppjit_hooks.threadEnv();
  if (!env) {
    if (in_async_job) {
      if (!deferred) deferred = std::current_exception();
      return;
    }
    try {
      throw;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cppjit: a JS override of a noexcept method threw on a non-JS thread; lost: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "cppjit: a JS override of a noexcept method threw on a non-JS thread; lost\n");
    }
    return;
  }
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) != 0 || pending) return;
  try {
    throw;
  } catch (const js_exception& e) {
    e.rethrow(env);
  } catch (...) {
    try {
      __cppjit_hooks.exception(env);
    } catch (...) {
    }
  }
}

static void async_run(async_call* job) {
  try {
    job->run();
  } catch (...) {
    job->error = std::current_exception();
  }
}

static void async_execute(void* p) {
  auto* job = static_cast<async_call*>(p);
  in_async_job = true;
  deferred = nullptr;
  if (__builtin_expect(__cppjit_sig_on, 0)) {
    // ll.signalsAsExceptions covers the pool thread's call too: a fault abandons the job.
    signal_guard sg;
    if (sigsetjmp(sg.f.buf, 0)) {
      job->signo = sg.f.signo;
    } else {
      sg.enter();
      async_run(job);
    }
  } else {
    async_run(job);
  }
  if (deferred && !job->error) job->error = deferred;
  deferred = nullptr;
  in_async_job = false;
}

// A failure leaves a JS exception pending (the addon rejects the promise with it).
static napi_value async_complete(napi_env env, void* p, int* failed) {
  auto* job = static_cast<async_call*>(p);
  if (job->signo) {
    *failed = 1;
    return __cppjit_sig_throw(env, job->signo);
  }
  try {
    if (job->error) std::rethrow_exception(job->error);
    return job->out(env);
  } catch (const js_exception& e) {
    *failed = 1;
    return e.rethrow(env);
  } catch (...) {
    *failed = 1;
    return __cppjit_hooks.exception(env);
  }
}

static void async_destroy(void* p) { delete static_cast<async_call*>(p); }

napi_value queue_async(napi_env env, async_call* job) {
  return __cppjit_hooks.queueAsync(env, job, &async_execute, &async_complete, &async_destroy);
}

#endif  // CPPJIT_PRELUDE_DEFINITIONS
}  // namespace __cppjit

#ifdef CPPJIT_PRELUDE_DEFINITIONS
__cppjit::Hooks __cppjit_hooks = {};
thread_local __cppjit_sigframe* __cppjit_sig_top = nullptr;
int __cppjit_sig_on = 0;
napi_value (*__cppjit_sig_throw)(napi_env, int) = nullptr;
#endif
