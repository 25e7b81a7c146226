// native/fast/fast.cc — V8 fast API calls for JIT-compiled entries: the one file of cppjit that uses V8's C++ API.
//
// A separate addon (cppjit_fast.node; the package has one per V8 it supports, cppjit_fast-v8-12.4.node
// and so on), built per V8 version and loaded only by Node, so that the
// main addon stays Node-API only (Bun, Deno, any Node). make(slow, address, result, params) returns
// a function that V8's optimising compiler calls as the C function at `address` (receiver first,
// then int32/uint32/double/bool arguments), and that otherwise calls `slow`, the Node-API thunk of
// the same callable. The JS side only calls it with arguments the C types hold exactly (see
// src/proxy/fastcalls.ts), so both paths give the same result; C++ exceptions never cross it
// (the entry records them for JS to throw), so V8's fallback mechanism is never used.
#include <node_api.h>
#include <v8.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

// The fast-call types are declared by hand per V8 whose layout was checked against its Node binary
// (native/fast/v8_fast.h); any other V8 builds this addon without fast calls.
#if (V8_MAJOR_VERSION == 11 && V8_MINOR_VERSION == 3) || (V8_MAJOR_VERSION == 12 && V8_MINOR_VERSION == 4) || \
    (V8_MAJOR_VERSION == 13 && V8_MINOR_VERSION == 6)
#define CPPJIT_FAST_CALLS 1
#include "v8_fast.h"
#else
#define CPPJIT_FAST_CALLS 0
#endif

namespace {

// napi_value and v8::Local<v8::Value> are the same handle in Node (one pointer to a slot of the
// current HandleScope; Node's own Node-API implementation converts them with memcpy).
static_assert(sizeof(napi_value) == sizeof(v8::Local<v8::Value>), "napi_value is a V8 handle");
v8::Local<v8::Value> toV8(napi_value v) {
  v8::Local<v8::Value> local;
  std::memcpy(static_cast<void*>(&local), &v, sizeof v);
  return local;
}
napi_value toNapi(v8::Local<v8::Value> local) {
  napi_value v;
  std::memcpy(&v, static_cast<void*>(&local), sizeof v);
  return v;
}

napi_value fail(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

#if CPPJIT_FAST_CALLS
using Type = v8::CTypeInfo::Type;

bool typeOf(char code, Type& out, bool result) {
  switch (code) {
    case 'i': out = Type::kInt32; return true;
    case 'u': out = Type::kUint32; return true;
    case 'd': out = Type::kFloat64; return true;
    case 'l': out = Type::kInt64; return !result;   // a safe integer (JS checks), as a number
    case 'L': out = Type::kUint64; return !result;
    case 'b': out = Type::kBool; return true;
    case 'v': out = Type::kVoid; return result;
    default: return false;
  }
}

// V8 keeps raw pointers to a CFunctionInfo and its argument types: one per signature, never freed.
const v8::CFunctionInfo* signatureFor(const std::string& result, const std::string& params) {
  static std::map<std::string, const v8::CFunctionInfo*> known;
  std::string key = result + "(" + params + ")";
  if (auto found = known.find(key); found != known.end()) return found->second;
  Type r;
  if (result.size() != 1 || !typeOf(result[0], r, true)) return nullptr;
  auto* args = new std::vector<v8::CTypeInfo>{v8::CTypeInfo(Type::kV8Value)};  // the receiver
  for (char c : params) {
    Type t;
    if (!typeOf(c, t, false)) return nullptr;
    args->push_back(v8::CTypeInfo(t));
  }
  auto* info = new v8::CFunctionInfo(*new v8::CTypeInfo(r), static_cast<unsigned>(args->size()), args->data());
  known[key] = info;
  return info;
}

// The slow path (unoptimised callers): the Node-API thunk, with the same receiver and arguments.
void callSlow(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Local<v8::Function> slow = info.Data().As<v8::Function>();
  int n = info.Length();
  std::vector<v8::Local<v8::Value>> argv(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) argv[static_cast<size_t>(i)] = info[i];
  v8::Local<v8::Value> result;
  if (slow->Call(info.GetIsolate()->GetCurrentContext(), info.This(), n, argv.data()).ToLocal(&result))
    info.GetReturnValue().Set(result);
}
#endif

#if CPPJIT_FAST_CALLS
// Field reads: one load at an address (JS checks it is a positive number; the object is live).
template <class T, class R>
R load(v8::Local<v8::Value>, double address) {
  return static_cast<R>(*reinterpret_cast<const T*>(static_cast<uintptr_t>(address)));
}

struct Peek {
  const char* kind;
  const void* entry;
  char result;
};
const Peek kPeeks[] = {
    {"i8", reinterpret_cast<const void*>(&load<int8_t, int32_t>), 'i'},
    {"u8", reinterpret_cast<const void*>(&load<uint8_t, int32_t>), 'i'},
    {"i16", reinterpret_cast<const void*>(&load<int16_t, int32_t>), 'i'},
    {"u16", reinterpret_cast<const void*>(&load<uint16_t, int32_t>), 'i'},
    {"i32", reinterpret_cast<const void*>(&load<int32_t, int32_t>), 'i'},
    {"u32", reinterpret_cast<const void*>(&load<uint32_t, uint32_t>), 'u'},
    {"f32", reinterpret_cast<const void*>(&load<float, double>), 'd'},
    {"f64", reinterpret_cast<const void*>(&load<double, double>), 'd'},
    {"bool", reinterpret_cast<const void*>(&load<bool, bool>), 'b'},
};

napi_value makeFunction(napi_env env, napi_value slow, const void* entry, const v8::CFunctionInfo* signature) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::CFunction c(entry, signature);
  v8::Local<v8::FunctionTemplate> t =
      v8::FunctionTemplate::New(isolate, callSlow, toV8(slow), v8::Local<v8::Signature>(), 0,
                                v8::ConstructorBehavior::kThrow, v8::SideEffectType::kHasSideEffect, &c);
  v8::Local<v8::Function> fn;
  if (!t->GetFunction(isolate->GetCurrentContext()).ToLocal(&fn)) return nullptr;
  return toNapi(fn);
}
#endif

std::string stringArg(napi_env env, napi_value v) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &length) != napi_ok) return "?";
  std::string s(length, '\0');
  napi_get_value_string_utf8(env, v, s.data(), length + 1, &length);
  return s;
}

// The first n arguments of a call, or false (with a TypeError thrown) when there are fewer.
bool arguments(napi_env env, napi_callback_info cbinfo, napi_value* argv, size_t n, const char* usage) {
  size_t argc = n;
  napi_get_cb_info(env, cbinfo, &argc, argv, nullptr, nullptr);
  if (argc >= n) return true;
  fail(env, usage);
  return false;
}

// make(slow, address, result, params) -> function
napi_value make(napi_env env, napi_callback_info cbinfo) {
  napi_value argv[4];
  if (!arguments(env, cbinfo, argv, 4, "make(slow, address, result, params)")) return nullptr;
#if CPPJIT_FAST_CALLS
  double address = 0;
  napi_get_value_double(env, argv[1], &address);
  const v8::CFunctionInfo* signature = signatureFor(stringArg(env, argv[2]), stringArg(env, argv[3]));
  if (!signature || address <= 0) return fail(env, "cppjit: not a fast-call signature");
  return makeFunction(env, argv[0], reinterpret_cast<const void*>(static_cast<uintptr_t>(address)), signature);
#else
  return fail(env, "cppjit: fast calls are not built for this V8");
#endif
}

// peek(kind, slow) -> function reading one value of `kind` at an address
napi_value peek(napi_env env, napi_callback_info cbinfo) {
  napi_value argv[2];
  if (!arguments(env, cbinfo, argv, 2, "peek(kind, slow)")) return nullptr;
#if CPPJIT_FAST_CALLS
  std::string kind = stringArg(env, argv[0]);
  for (const Peek& p : kPeeks)
    if (kind == p.kind) return makeFunction(env, argv[1], p.entry, signatureFor(std::string(1, p.result), "d"));
  return fail(env, "cppjit: no fast reader of that kind");
#else
  return fail(env, "cppjit: fast calls are not built for this V8");
#endif
}

napi_value init(napi_env env, napi_value exports) {
  napi_value fn, reader, available, version;
  napi_create_function(env, "make", NAPI_AUTO_LENGTH, make, nullptr, &fn);
  napi_set_named_property(env, exports, "make", fn);
  napi_create_function(env, "peek", NAPI_AUTO_LENGTH, peek, nullptr, &reader);
  napi_set_named_property(env, exports, "peek", reader);
  napi_get_boolean(env, CPPJIT_FAST_CALLS != 0, &available);
  napi_set_named_property(env, exports, "available", available);
  // The V8 this was built for: the loader compares it with the running one.
  std::string built = std::to_string(V8_MAJOR_VERSION) + "." + std::to_string(V8_MINOR_VERSION);
  napi_create_string_utf8(env, built.c_str(), built.size(), &version);
  napi_set_named_property(env, exports, "v8", version);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
