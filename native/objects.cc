// native/objects.cc — the identity map and ownership of JS objects standing for C++ objects (weak N-API wraps), per env.
//
// Why native: a JS WeakRef is kept alive until the current job ends (ECMAScript KeepDuringJob), so
// a loop that constructs objects keeps every one of them on the heap; a weak N-API wrap is released
// by the next GC and its finalizer runs the C++ destructor of owned objects without a JS callback.
// Each env (isolate) has its own map: its functions get their EnvState as callback data, so the hot
// path (construct, destroy) looks nothing up.
#include <dlfcn.h>

#include <cstdint>
#include <unordered_map>

#include "Native.h"

namespace cppjit {

using DestroyFn = void (*)(void*);

struct Tracked {
  uintptr_t address;
  uint32_t classId;
  bool owned;
  DestroyFn destroy;
  napi_ref ref;
};

namespace {

uintptr_t addressFrom(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return static_cast<uintptr_t>(d);
}

EnvState& stateOf(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  napi_get_cb_info(env, info, argc, argv, nullptr, &data);
  return *static_cast<EnvState*>(data);
}

void forget(EnvState& es, Tracked* t) {
  auto found = es.objects.find({t->address, t->classId});
  if (found != es.objects.end() && found->second == t) es.objects.erase(found);
}

// After the JS objects were garbage-collected: drop their map entries, destroy what JS owned. On
// the JS thread outside the GC (a C++ destructor may call JS, through a std::function it holds).
void drainCollected(napi_env env, EnvState& es) {
  std::vector<Tracked*> batch;
  batch.swap(es.collected);  // a destructor may allocate, and a GC collect more meanwhile
  for (Tracked* t : batch) {
    forget(es, t);
    if (t->owned && t->destroy && !es.closing) {
      try {
        t->destroy(reinterpret_cast<void*>(t->address));
      } catch (...) {
        // A destructor that throws after garbage collection has nobody to report to.
      }
    }
    napi_delete_reference(env, t->ref);
    delete t;
  }
}

void drainLater(napi_env env, void* data, void*) {
  EnvState& es = *static_cast<EnvState*>(data);
  es.drainPosted = false;
  drainCollected(env, es);
}

// Runs when the JS object is garbage-collected, possibly during the GC itself: it only queues the
// object. The queue is drained by the next call of track/find/release (a synchronous loop that
// constructs objects frees those it dropped at its next construction) and once the GC is over.
// (The EnvState outlives every wrap: it is the env's instance data, finalized last.)
void finalize(node_api_basic_env env, void* data, void* hint) {
  auto* t = static_cast<Tracked*>(data);
  EnvState& es = *static_cast<EnvState*>(hint);
  es.collected.push_back(t);
  // After the GC (a runtime that defers finalizers; the env's teardown): at once.
  if (!finalizersDuringGC() || es.closing) return drainCollected(const_cast<napi_env>(env), es);
  if (es.drainPosted) return;
  es.drainPosted = true;
  afterGC(env, drainLater, &es, nullptr);
}

Tracked* trackedOf(napi_env env, napi_value obj) {
  void* data = nullptr;
  if (napi_unwrap(env, obj, &data) != napi_ok) return nullptr;
  return static_cast<Tracked*>(data);
}

DestroyFn destroyFrom(napi_env env, napi_value v) {
  return reinterpret_cast<DestroyFn>(addressFrom(env, v));
}

// track(obj, address, classId, owned, destroyAddress)
napi_value track(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  EnvState& es = stateOf(env, info, &argc, argv);
  if (!es.collected.empty()) drainCollected(env, es);
  auto* t = new Tracked{addressFrom(env, argv[1]), static_cast<uint32_t>(addressFrom(env, argv[2])), false, nullptr, nullptr};
  napi_get_value_bool(env, argv[3], &t->owned);
  t->destroy = destroyFrom(env, argv[4]);
  if (napi_wrap(env, argv[0], t, finalize, &es, &t->ref) != napi_ok) {
    delete t;
    return nullptr;  // napi_wrap left a pending exception (object already wrapped)
  }
  es.objects[{t->address, t->classId}] = t;
  return nullptr;
}

// find(address, classId) -> the live JS object or undefined
napi_value find(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  EnvState& es = stateOf(env, info, &argc, argv);
  if (!es.collected.empty()) drainCollected(env, es);
  auto found = es.objects.find({addressFrom(env, argv[0]), static_cast<uint32_t>(addressFrom(env, argv[1]))});
  napi_value result = nullptr;
  if (found != es.objects.end()) napi_get_reference_value(env, found->second->ref, &result);
  if (!result) napi_get_undefined(env, &result);
  return result;
}

// release(obj): forget the object and run its destructor when JS owns it (delete()).
napi_value release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value obj;
  EnvState& es = stateOf(env, info, &argc, &obj);
  if (!es.collected.empty()) drainCollected(env, es);
  void* data = nullptr;
  if (napi_remove_wrap(env, obj, &data) != napi_ok || !data) return nullptr;
  auto* t = static_cast<Tracked*>(data);
  forget(es, t);
  napi_delete_reference(env, t->ref);
  uintptr_t address = t->address;
  DestroyFn destroy = t->owned ? t->destroy : nullptr;
  delete t;
  if (destroy) {
    try {
      destroy(reinterpret_cast<void*>(address));
    } catch (...) {
      return throwCurrentException(env);
    }
  }
  return nullptr;
}

// setOwned(obj, owned, destroyAddress): ll.own / ll.disown, and a borrowed object returned again by value.
napi_value setOwned(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Tracked* t = trackedOf(env, argv[0]);
  if (!t) return nullptr;
  napi_get_value_bool(env, argv[1], &t->owned);
  if (argc > 2) {
    DestroyFn d = destroyFrom(env, argv[2]);
    if (d) t->destroy = d;
  }
  return nullptr;
}

// liveCount() -> number of JS objects currently standing for C++ objects (tests, diagnostics)
napi_value liveCount(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  EnvState& es = stateOf(env, info, &argc, nullptr);
  if (!es.collected.empty()) drainCollected(env, es);
  napi_value result;
  napi_create_double(env, static_cast<double>(es.objects.size()), &result);
  return result;
}

// stringClass(addressKey, classIdKey, id): the class id of std::string, and where objects keep
// their address and class id (symbols), for cppjit_string_object.
napi_value stringClass(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  EnvState& es = stateOf(env, info, &argc, argv);
  if (!es.addressKey) {
    napi_create_reference(env, argv[0], 1, &es.addressKey);
    napi_create_reference(env, argv[1], 1, &es.classIdKey);
  }
  napi_get_value_double(env, argv[2], &es.stringClassId);
  return nullptr;
}

double numberProperty(napi_env env, napi_value object, napi_ref key) {
  napi_value k, v;
  double d = -1;
  if (napi_get_reference_value(env, key, &k) != napi_ok) return -1;
  if (napi_get_property(env, object, k, &v) != napi_ok) {
    // A throwing getter or proxy trap: not one of ours; the conversion reports the wrong type.
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
    return -1;
  }
  napi_valuetype type;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_number) napi_get_value_double(env, v, &d);
  return d;
}

}  // namespace

void closeObjects(EnvState& es, bool destroy) {
  if (destroy) {
    // Not through the wraps: they are finalized later, by the env's own teardown (and then skip
    // their destructor, as closing says).
    for (auto& [key, t] : es.objects) {
      if (!t->owned || !t->destroy) continue;
      t->owned = false;
      try {
        t->destroy(reinterpret_cast<void*>(key.address));
      } catch (...) {
        // The JS side is gone: nobody to report a throwing destructor to.
      }
    }
  }
  es.closing = true;
  es.objects.clear();
  drainCollected(es.env, es);  // the references only: closing skips the destructors
}

void afterGC(node_api_basic_env env, napi_finalize cb, void* data, void* hint) {
  using Post = napi_status (*)(node_api_basic_env, napi_finalize, void*, void*);
  static const Post post = reinterpret_cast<Post>(::dlsym(RTLD_DEFAULT, "node_api_post_finalizer"));
  if (finalizersDuringGC() && post && post(env, cb, data, hint) == napi_ok) return;
  cb(const_cast<napi_env>(env), data, hint);
}

// A string parameter given a std::string object (what a std::string& result or `new std.string`
// is in JS): the object, which const std::string& parameters bind and others copy; nullptr for anything else. Only on the path
// where the value is not a JS string, so string calls pay nothing for it.
extern "C" const void* cppjit_string_object(napi_env env, napi_value v) {
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_object) return nullptr;
  EnvState& es = envState(env);
  if (!es.classIdKey || es.stringClassId < 0 || numberProperty(env, v, es.classIdKey) != es.stringClassId) return nullptr;
  double address = numberProperty(env, v, es.addressKey);
  return address > 0 ? reinterpret_cast<const void*>(static_cast<uintptr_t>(address)) : nullptr;
}

// pointerClass(CppPointer): the class of cppyy.ll's pointer objects, for cppjit_char_pointer.
napi_value pointerClass(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  EnvState& es = stateOf(env, info, &argc, argv);
  if (!es.pointerClass) napi_create_reference(env, argv[0], 1, &es.pointerClass);
  return nullptr;
}

// A const char* parameter given a pointer object of a character type (a char* C returned): its
// address. kWrongType (1) for anything else, kOutOfRange (2) for an address beyond 64 bits; a
// throwing getter or a revoked Proxy is just not a pointer (its exception is dropped).
extern "C" int cppjit_char_pointer(napi_env env, napi_value v, const void** out) {
  constexpr int kWrongType = 1, kOutOfRange = 2;
  EnvState& es = envState(env);
  napi_valuetype type;
  napi_value ctor;
  bool is = false;
  if (napi_typeof(env, v, &type) != napi_ok || type != napi_object || !es.pointerClass ||
      napi_get_reference_value(env, es.pointerClass, &ctor) != napi_ok)
    return kWrongType;
  napi_value pointee, address;
  char name[32];
  size_t length = 0;
  uint64_t bits = 0;
  bool lossless = false;
  int result = kWrongType;
  if (napi_instanceof(env, v, ctor, &is) == napi_ok && is && napi_get_named_property(env, v, "type", &pointee) == napi_ok &&
      napi_get_value_string_utf8(env, pointee, name, sizeof name, &length) == napi_ok &&
      napi_get_named_property(env, v, "address", &address) == napi_ok &&
      napi_get_value_bigint_uint64(env, address, &bits, &lossless) == napi_ok) {
    std::string pointeeName(name, length);
    bool character = pointeeName == "char" || pointeeName == "signed char" || pointeeName == "unsigned char" ||
                     pointeeName == "const char" || pointeeName == "const signed char" || pointeeName == "const unsigned char";
    if (!character) result = kWrongType;
    else if (!lossless) result = kOutOfRange;
    else {
      *out = reinterpret_cast<const void*>(static_cast<uintptr_t>(bits));
      result = 0;
    }
  }
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return result;
}

void registerObjects(Napi::Env env, Napi::Object exports) {
  Napi::Object objects = Napi::Object::New(env);
  struct Entry {
    const char* name;
    napi_callback cb;
  } entries[] = {{"track", track}, {"find", find}, {"release", release}, {"setOwned", setOwned}, {"liveCount", liveCount}, {"stringClass", stringClass}, {"pointerClass", pointerClass}};
  for (const auto& e : entries) {
    napi_value fn;
    napi_create_function(env, e.name, NAPI_AUTO_LENGTH, e.cb, &envState(env), &fn);
    objects.Set(e.name, Napi::Value(env, fn));
  }
  exports.Set("objects", objects);
}

}  // namespace cppjit
