// native/Native.h — state shared by the N-API glue: the session, the callable registry, error classes.
#pragma once

#define NAPI_VERSION 8
#include <napi.h>

#include <pthread.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "reflex/Session.h"

namespace cppjit {

struct AddonState {
  std::unique_ptr<reflex::Session> session;
  // Every callable handed to JS, indexed by its function id (fid); thunks name their fid in
  // error reports so messages can quote the C++ signature.
  std::vector<reflex::FunctionDesc> functions;
  std::unordered_map<const void*, int> fidByDecl;
  Napi::FunctionReference cppError;
  Napi::FunctionReference compileError;
  double* scratch = nullptr;  // shared with JS (Float64Array) and with thunks
  unsigned thunkCounter = 0;
  ~AddonState();
};

// The addon functions JIT-compiled code calls, filled in once the prelude is compiled. The layout
// must match __cppjit::Hooks in native/prelude/cppjit_prelude.hpp.
struct ThunkHooks {
  napi_value (*argError)(napi_env, int fid, int index, int code, napi_value value);
  napi_value (*arityError)(napi_env, int fid, size_t argc);
  napi_value (*exception)(napi_env);
  double* scratch;
  napi_env env;
  pthread_t mainThread;
  int (*callJs)(napi_env, void* target, size_t argc, napi_value* argv, napi_value* result, void** error);
  void* (*retain)(napi_env, napi_value fn, int signature);
  void (*addRef)(void* target);
  void (*release)(void* target);
  void* (*resultError)(napi_env, int signature, int code, napi_value value);
  void (*errorRef)(void* error, int delta);
  napi_value (*rethrow)(napi_env, void* error);
  const char* (*errorText)(void* error);
  napi_value (*queueAsync)(napi_env, void* job, void (*execute)(void*), napi_value (*complete)(napi_env, void*, int* failed),
                           void (*destroy)(void*));
  const char* (*runOnMain)(void (*fn)(void*), void* data);
};

AddonState& state();
reflex::Session& session(Napi::Env env);  // throws a JS Error when the interpreter is unavailable

// errors.cc — the one boundary that turns C++ failures into JS exceptions.
[[noreturn]] void throwOutcome(Napi::Env env, reflex::Status status, const std::string& message,
                               const std::vector<reflex::Diagnostic>& diagnostics);
template <class T>
T unwrap(Napi::Env env, reflex::Result<T>&& r) {
  if (!r.ok()) throwOutcome(env, r.status(), r.message(), r.diagnostics());
  return r.take();
}
void check(Napi::Env env, const reflex::Outcome& r);
void installThunkHooks(Napi::Env env, void* hooksAddress);

}  // namespace cppjit
// The prelude's hooks table (native/prelude.cc).
extern "C" void* cppjit_prelude_hooks();
namespace cppjit {
napi_value throwCurrentException(napi_env env);  // inside catch(...): throws CppError, returns nullptr
// A JS exception thrown by a callback, held while C++ frames unwind (see js_exception in the prelude).
void* captureJsException(napi_env env);  // takes the pending exception; null if none
void* captureJsError(napi_env env, const std::string& message, bool range);  // a new TypeError/RangeError, captured
bool onMainThread();
void deleteReferenceSoon(napi_ref ref);  // any thread: now on the main thread, else queued for it

// describe.cc — reflex descriptions as plain JS objects.
Napi::Value describeMember(Napi::Env env, const reflex::MemberDesc& m);
Napi::Value describeClass(Napi::Env env, const reflex::ClassDesc& c);
Napi::Value describeEnum(Napi::Env env, const reflex::EnumDesc& e);
Napi::Value describeType(Napi::Env env, const reflex::TypeDesc& t);
Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f);
Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f, int fid);  // fid already assigned
int registerFunction(const reflex::FunctionDesc& f);
Napi::Value scopeId(Napi::Env env, reflex::ScopeRef scope);
reflex::ScopeRef scopeFrom(const Napi::Value& v);

// thunks.cc — generated N-API callbacks per callable, compiled in batches.
Napi::Value compileFunctions(const Napi::CallbackInfo& info);
Napi::Value compileClassHelpers(const Napi::CallbackInfo& info);
Napi::Value variableAddress(const Napi::CallbackInfo& info);
Napi::Value functionAddress(const Napi::CallbackInfo& info);
Napi::Value pointerCaller(const Napi::CallbackInfo& info);
Napi::Value prepareEvaluate(const Napi::CallbackInfo& info);
Napi::Value compileVariadic(const Napi::CallbackInfo& info);
// signals.cc — cppyy.ll.signalsAsExceptions.
void registerSignals(Napi::Env env, Napi::Object exports);

// callbacks.cc — JS functions called from C++ (function pointers, std::function) and back.
void installCallbackHooks(Napi::Env env, ThunkHooks& hooks);
void registerCallbacks(Napi::Env env, Napi::Object exports);
int registerSignature(const std::shared_ptr<const reflex::FunctionSignature>& signature);
// Compiles what thunks of callables taking callbacks need (each signature's call-into-JS core);
// returns "" or why the signature cannot be supported.
std::string prepareSignature(reflex::Session& s, const std::shared_ptr<const reflex::FunctionSignature>& signature);
std::string signatureNamespace(const reflex::FunctionSignature& signature);  // of the compiled core
int signatureId(const reflex::FunctionSignature& signature);
const reflex::FunctionSignature* signatureById(int id);
std::string callbackUnsupportedReason(const reflex::FunctionSignature& signature);
void shutdownCallbacks(bool processExiting);  // later releases (static destructors) must not touch N-API

// async.cc — fn.async jobs on the libuv pool; JS callbacks from other threads run on the main thread.
void installAsyncHooks(Napi::Env env, ThunkHooks& hooks);
void shutdownAsync(bool processExiting);

// objects.cc — the identity map and ownership of JS objects that stand for C++ objects.
void registerObjects(Napi::Env env, Napi::Object exports);
void forgetAllObjects();  // at shutdown: finalizers must no longer run C++ destructors

// memory.cc — typed reads/writes at addresses (fields, variables).
void registerMemory(Napi::Env env, Napi::Object exports);

}  // namespace cppjit
