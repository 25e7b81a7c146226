// native/Native.h — state shared by the N-API glue: the session, the callable registry, error classes.
#pragma once

#define NAPI_VERSION 8
#include <napi.h>

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
napi_value throwCurrentException(napi_env env);  // inside catch(...): throws CppError, returns nullptr

// describe.cc — reflex descriptions as plain JS objects.
Napi::Value describeMember(Napi::Env env, const reflex::MemberDesc& m);
Napi::Value describeClass(Napi::Env env, const reflex::ClassDesc& c);
Napi::Value describeEnum(Napi::Env env, const reflex::EnumDesc& e);
Napi::Value describeType(Napi::Env env, const reflex::TypeDesc& t);
Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f);
int registerFunction(const reflex::FunctionDesc& f);
Napi::Value scopeId(Napi::Env env, reflex::ScopeRef scope);
reflex::ScopeRef scopeFrom(const Napi::Value& v);

// thunks.cc — generated N-API callbacks per callable, compiled in batches.
Napi::Value compileFunctions(const Napi::CallbackInfo& info);
Napi::Value compileClassHelpers(const Napi::CallbackInfo& info);
Napi::Value variableAddress(const Napi::CallbackInfo& info);
Napi::Value prepareEvaluate(const Napi::CallbackInfo& info);

// objects.cc — the identity map and ownership of JS objects that stand for C++ objects.
void registerObjects(Napi::Env env, Napi::Object exports);
void forgetAllObjects();  // at shutdown: finalizers must no longer run C++ destructors

// memory.cc — typed reads/writes at addresses (fields, variables).
void registerMemory(Napi::Env env, Napi::Object exports);

}  // namespace cppjit
