// native/Native.h — state shared by the N-API glue: the session, the callable registry, error classes.
#pragma once

// Node-API 8 calls only; 10 for what node-addon-api expects of a terminating env from a module that
// declares itself experimental (addon.cc: napi_cannot_run_js rather than napi_pending_exception).
#define NAPI_VERSION 10
#include <napi.h>

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "reflex/Session.h"

namespace cppjit {

// An interpreter started on a thread of its own while the main thread loads the JS modules
// (prestart); start() adopts it when it asks for the same options, and discards it otherwise.
struct EarlyStart {
  std::string optionsKey;
  std::string prelude;
  std::thread thread;
  std::optional<reflex::Result<std::unique_ptr<reflex::Session>>> created;
  std::optional<reflex::Result<std::vector<void*>>> parsed;  // the thunk prelude
};

// Process-wide: one interpreter shared by every env (the main thread and each worker) that started it.
struct AddonState {
  std::unique_ptr<EarlyStart> early;
  std::unique_ptr<reflex::Session> session;
  int users = 0;         // envs that started and are not torn down yet
  bool retired = false;  // the session was destroyed (main thread's teardown): its registries cannot serve a new one
  // Every callable handed to JS, indexed by its function id (fid); thunks name their fid in
  // error reports so messages can quote the C++ signature.
  std::vector<reflex::FunctionDesc> functions;
  std::unordered_map<const void*, int> fidByDecl;
  unsigned thunkCounter = 0;
  std::string stdPrelude;          // native/prelude/cppjit_prelude_std.hpp
  bool stdPreludeLoaded = false;
  // Until the first use other than include/addIncludePath/loadLibrary, the session may run on a
  // speculative user headers' PCH (reflex HeaderCacheStatus::pending): then it can be started
  // again without, from these options, and these calls repeated (addon.cc: leaveLeading).
  bool leading = true;
  reflex::SessionOptions options;
  std::string prelude;
  std::vector<std::pair<char, std::string>> replay;  // 'I' include path, 'H' header, 'L' library
  std::string restarted;  // why the session was started again without them (for info())
  ~AddonState();
};

// Serialises every use of the interpreter and of the process-wide registries (AddonState, callback
// signatures and slots, compiled thunk maps). Recursive: an entry point may reach another (a
// finalizer during a reflection call, JS called back from cppexec). Calls of compiled thunks never take it.
std::recursive_mutex& interpreterMutex();
using InterpreterLock = std::lock_guard<std::recursive_mutex>;
// A JS function wrapped so that it runs under interpreterMutex.
Napi::Function lockedFunction(Napi::Env env, const char* name, Napi::Value (*callback)(const Napi::CallbackInfo&));

struct Request;  // async.cc: a call another thread asked this env's thread to run

// A JS thread (one env) as other threads see it: where callbacks into its JS functions must run,
// and where references released elsewhere are deleted. Shared by what C++ may keep past the env
// (std::function targets, captured JS exceptions), hence reference counted.
struct Home {
  napi_env env = nullptr;
  pthread_t thread{};
  pid_t tid = 0;                    // for /proc: whether the thread sleeps (deadlock detection)
  bool processMain = false;         // the process's main thread (not a worker)
  struct EnvState* state = nullptr; // for its own thread, while open (callbacks skip an instance-data lookup)
  std::atomic<bool> open{true};     // false once the env is being torn down
  std::mutex mutex;                 // guards the members below against teardown
  napi_threadsafe_function marshal = nullptr;  // runs Requests of other threads (async.cc)
  napi_threadsafe_function drainer = nullptr;  // deletes references released on other threads
  std::vector<napi_ref> deferred;
  std::vector<std::shared_ptr<Request>> waiting;  // requests whose threads wait, refused at teardown
  // Exceptions of JS callbacks that threads without a handler for them got (async.cc: deliverHook),
  // waiting to be raised on this thread as uncaught: a captured JS exception, or a message.
  std::vector<std::pair<void*, std::string>> uncaught;
  bool here() const { return pthread_equal(pthread_self(), thread); }
};

struct ObjectKey {
  uintptr_t address;
  uint32_t classId;
  bool operator==(const ObjectKey& o) const { return address == o.address && classId == o.classId; }
};
struct ObjectKeyHash {
  size_t operator()(const ObjectKey& k) const { return std::hash<uintptr_t>()(k.address) * 31u + k.classId; }
};
struct Tracked;  // objects.cc

// Per env (napi instance data): what belongs to one isolate or one event loop.
struct EnvState {
  napi_env env = nullptr;
  std::shared_ptr<Home> home;
  Napi::FunctionReference cppError, compileError, signalError;  // each isolate has its own classes
  double scratch[16] = {};  // shared with this isolate's JS (a Float64Array) and with thunks
  bool started = false;     // holds one of AddonState::users
  bool closing = false;     // being torn down: finalizers no longer run C++ destructors
  std::unordered_map<ObjectKey, Tracked*, ObjectKeyHash> objects;  // identity map (objects.cc)
  // Objects the GC collected, whose destructor waits for the next call from JS (objects.cc).
  std::vector<Tracked*> collected;
  bool drainPosted = false;
  std::vector<napi_ref> invokers;  // by callback signature id (callbacks.cc)
  // std::string objects passed for string parameters (objects.cc): the keys JS keeps an object's
  // address and class id under, and the class id of std::string once JS made that class.
  napi_ref addressKey = nullptr, classIdKey = nullptr;
  double stringClassId = -1;
  napi_ref pointerClass = nullptr;  // cppyy.ll's pointer objects (objects.cc: cppjit_char_pointer)
  // fn.async jobs running on the pool (async.cc): the env's teardown waits for them.
  std::mutex jobsMutex;
  std::condition_variable jobsDone;
  int executing = 0;
};
EnvState& envState(napi_env env);
// signals.cc: runs fn under ll.signalsAsExceptions' guard (when on): a fault inside it leaves a
// CppSignalError pending in JS and returns false (fn abandoned, its destructors not run).
bool runGuarded(napi_env env, const std::function<void()>& fn);
napi_env currentThreadEnv();  // the env started on the calling thread, or nullptr

// The addon functions JIT-compiled code calls, filled in once the prelude is compiled. The layout
// must match __cppjit::Hooks in native/prelude/cppjit_prelude.hpp.
struct ThunkHooks {
  napi_value (*argError)(napi_env, int fid, int index, int code, napi_value value);
  napi_value (*arityError)(napi_env, int fid, size_t argc);
  napi_value (*exception)(napi_env);
  double* (*scratch)(napi_env);
  int (*locate)(void* target, napi_env* env);
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
  const char* (*runOn)(void* target, void (*fn)(void*), void* data);
  napi_env (*threadEnv)();
  void (*rethrowIfCaught)(std::exception_ptr* error);
  void (*deliver)(void* target, void* jsError, const char* message);
};

AddonState& state();
reflex::Session& session(Napi::Env env);  // throws a JS Error when the interpreter is unavailable to env

// errors.cc — the one boundary that turns C++ failures into JS exceptions.
[[noreturn]] void throwOutcome(Napi::Env env, reflex::Status status, const std::string& message,
                               const std::vector<reflex::Diagnostic>& diagnostics);
template <class T>
T unwrap(Napi::Env env, reflex::Result<T>&& r) {
  if (!r.ok()) throwOutcome(env, r.status(), r.message(), r.diagnostics());
  return r.take();
}
void check(Napi::Env env, const reflex::Outcome& r);
void installThunkHooks(void* hooksAddress);

}  // namespace cppjit
// The prelude's hooks table (native/prelude.cc).
extern "C" void* cppjit_prelude_hooks();
namespace cppjit {
napi_value throwCurrentException(napi_env env);  // inside catch(...): throws CppError, returns nullptr
// A JS exception thrown by a callback, held while C++ frames unwind (see js_exception in the prelude).
void* captureJsException(napi_env env);  // takes the pending exception; null if none
void* captureJsError(napi_env env, const std::string& message, bool range);  // a new TypeError/RangeError, captured
// Any thread: deleted now on the home's thread, else queued for it (dropped once it is torn down).
void deleteReferenceSoon(const std::shared_ptr<Home>& home, napi_ref ref);

// describe.cc — reflex descriptions as plain JS objects.
Napi::Value describeMember(Napi::Env env, const reflex::MemberDesc& m);
Napi::Value describeClass(Napi::Env env, const reflex::ClassDesc& c);
Napi::Value describeEnum(Napi::Env env, const reflex::EnumDesc& e);
Napi::Value describeType(Napi::Env env, const reflex::TypeDesc& t);
Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f);
Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f, int fid);  // fid already assigned
int registerFunction(const reflex::FunctionDesc& f);
Napi::Value scopeId(Napi::Env env, reflex::ScopeRef scope);
// The global scope is id 1 whatever session serves it: JS may hold it across a restart (addon.cc).
reflex::ScopeRef scopeFrom(const Napi::Value& v);

// thunks.cc — generated N-API callbacks per callable, compiled in batches.
// Parses the prelude's heavy half (strings, fn.async, callbacks) before the first thunk needing it.
reflex::Outcome ensureStdPrelude(reflex::Session& s);
Napi::Value compileFunctions(const Napi::CallbackInfo& info);
Napi::Value fastSupport(const Napi::CallbackInfo& info);
Napi::Value compileFastEntry(const Napi::CallbackInfo& info);
Napi::Value fastRethrow(const Napi::CallbackInfo& info);
Napi::Value fastCount(const Napi::CallbackInfo& info);
Napi::Value compileClassHelpers(const Napi::CallbackInfo& info);
Napi::Value announceClassHelpers(const Napi::CallbackInfo& info);
Napi::Value variableAddress(const Napi::CallbackInfo& info);
Napi::Value functionAddress(const Napi::CallbackInfo& info);
Napi::Value pointerCaller(const Napi::CallbackInfo& info);
Napi::Value prepareEvaluate(const Napi::CallbackInfo& info);
Napi::Value compileVariadic(const Napi::CallbackInfo& info);
// signals.cc — cppyy.ll.signalsAsExceptions.
void registerSignals(Napi::Env env, Napi::Object exports);

// callbacks.cc — JS functions called from C++ (function pointers, std::function) and back.
void installCallbackHooks(ThunkHooks& hooks);
void registerCallbacks(Napi::Env env, Napi::Object exports);
int registerSignature(const std::shared_ptr<const reflex::FunctionSignature>& signature);
// Compiles what thunks of callables taking callbacks need (each signature's call-into-JS core);
// returns "" or why the signature cannot be supported.
std::string prepareSignature(reflex::Session& s, const std::shared_ptr<const reflex::FunctionSignature>& signature);
std::string signatureNamespace(const reflex::FunctionSignature& signature);  // of the compiled core
int signatureId(const reflex::FunctionSignature& signature);
const reflex::FunctionSignature* signatureById(int id);
std::string callbackUnsupportedReason(const reflex::FunctionSignature& signature);
std::shared_ptr<Home> targetHome(void* target);
void openCallbacks(EnvState& es);   // per env: the drainer of deferred references
void closeCallbacks(EnvState& es);  // env teardown (under interpreterMutex): frees its slots and invokers
void shutdownCallbacks();           // the interpreter is gone: trampoline cells must not be touched

// async.cc — fn.async jobs on the libuv pool; JS callbacks from other threads run on their env's thread.
void installAsyncHooks(ThunkHooks& hooks);
void openAsync(EnvState& es);   // per env: the marshalling function other threads queue callbacks to
void closeAsync(EnvState& es);  // env teardown: refuses waiting callbacks, waits for running jobs
// Raises, on home's thread, the exceptions other threads had no handler for (as uncaught exceptions).
void raiseUncaught(napi_env env, Home& home);

// Runs cb(env, data, hint) once the GC is over (node_api_post_finalizer): a finalizer may run during
// garbage collection (this addon is built as NAPI_EXPERIMENTAL, so that a synchronous loop frees
// what it drops), where it may neither call JS nor most of Node-API. Where the runtime lacks
// node_api_post_finalizer (it then runs finalizers after the GC anyway), cb runs now.
void afterGC(node_api_basic_env env, napi_finalize cb, void* data, void* hint);
// Whether this addon declared itself experimental, so that finalizers run during the GC (addon.cc).
bool finalizersDuringGC();

// objects.cc — the identity map and ownership of JS objects that stand for C++ objects.
void registerObjects(Napi::Env env, Napi::Object exports);
// Env teardown: with destroy, JS-owned objects are destroyed now (the interpreter outlives this env);
// either way later finalizers no longer run C++ destructors.
void closeObjects(EnvState& es, bool destroy);

// memory.cc — typed reads/writes at addresses (fields, variables).
void registerMemory(Napi::Env env, Napi::Object exports);

}  // namespace cppjit
