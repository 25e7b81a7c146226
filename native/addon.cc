// native/addon.cc — the N-API module: interpreter lifetime, loading entry points and reflection queries.
#include "Native.h"

#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace cppjit {

// Reached with a live session only when the process exits without running the env cleanup hooks
// (process.exit(), an uncaught exception): the interpreter's teardown would then JIT-compile and
// run deinitialisers in a half-torn-down process and crash. The OS reclaims everything anyway.
AddonState::~AddonState() {
  if (early) {
    if (early->thread.joinable()) early->thread.join();
    if (early->created && early->created->ok()) (void)early->created->take().release();
  }
  if (session) {
    shutdownCallbacks();
    (void)session.release();
  }
}

AddonState& state() {
  static AddonState instance;
  return instance;
}

std::recursive_mutex& interpreterMutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

namespace {
void leaveLeading(Napi::Env env, const char* name);
}  // namespace

Napi::Function lockedFunction(Napi::Env env, const char* name, Napi::Value (*callback)(const Napi::CallbackInfo&)) {
  return Napi::Function::New(
      env,
      [callback, name](const Napi::CallbackInfo& info) -> Napi::Value {
        InterpreterLock lock(interpreterMutex());
        if (state().leading) leaveLeading(info.Env(), name);
        return callback(info);
      },
      name);
}

namespace {
thread_local napi_env threadEnv = nullptr;  // set while an env started on this thread is alive
}  // namespace

napi_env currentThreadEnv() { return threadEnv; }

EnvState& envState(napi_env env) {
  void* data = nullptr;
  napi_get_instance_data(env, &data);
  return *static_cast<EnvState*>(data);
}

reflex::Session& session(Napi::Env env) {
  auto& st = state();
  if (!envState(env).started || !st.session) throw Napi::Error::New(env, "cppjit: the C++ interpreter is not started");
  return *st.session;
}

namespace {

std::string stringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsString())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<std::string> stringList(const Napi::Value& v) {
  std::vector<std::string> out;
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); ++i) out.push_back(a.Get(i).ToString().Utf8Value());
  return out;
}

// An env that started (the main thread's or a worker's) is torn down. When it is the last one and
// the main thread's (the process is ending), it destroys the interpreter (and its LLJIT) before Node
// tears down statics: that avoids a crash at exit. A worker that was the last user leaves the
// interpreter idle instead: a pool whose workers all exit may start new ones, or the main thread
// may start using cppjit.
void cleanup(void* data) {
  EnvState& es = *static_cast<EnvState*>(data);
  closeAsync(es);  // no callback runs here any more; this env's jobs have finished
  InterpreterLock lock(interpreterMutex());
  auto& st = state();
  bool destroying = st.users == 1 && es.home->processMain;
  // While the interpreter goes on, what this env's JS owned is destroyed now rather than leaked.
  closeObjects(es, /*destroy=*/!destroying);
  closeCallbacks(es);
  es.cppError.Reset();
  es.compileError.Reset();
  es.signalError.Reset();
  es.started = false;
  if (threadEnv == es.env) threadEnv = nullptr;
  --st.users;
  if (!destroying) return;
  shutdownCallbacks();
  st.session.reset();
  st.retired = true;
}

Napi::Value setErrorClasses(const Napi::CallbackInfo& info) {
  EnvState& es = envState(info.Env());
  es.cppError = Napi::Persistent(info[0].As<Napi::Function>());
  es.compileError = Napi::Persistent(info[1].As<Napi::Function>());
  if (info.Length() > 2 && info[2].IsFunction()) es.signalError = Napi::Persistent(info[2].As<Napi::Function>());
  return info.Env().Undefined();
}

// This env joins the process's interpreter: the per-env plumbing, and its JS view of its scratch memory.
Napi::Value join(Napi::Env env, EnvState& es) {
  auto& st = state();
  es.started = true;
  threadEnv = es.env;
  ++st.users;
  napi_add_env_cleanup_hook(env, cleanup, &es);
  openCallbacks(es);
  openAsync(es);
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, es.scratch, sizeof es.scratch);
  return Napi::Float64Array::New(env, 16, buffer, 0);
}

std::string stdPreludeOf(const std::string& prelude) {
  std::string suffix = ".hpp";
  if (prelude.size() < suffix.size()) return prelude + "_std.hpp";
  return prelude.substr(0, prelude.size() - suffix.size()) + "_std.hpp";
}

reflex::SessionOptions sessionOptions(const Napi::Value& value) {
  if (!value.IsObject()) throw Napi::TypeError::New(value.Env(), "start options must be an object");
  Napi::Object options = value.As<Napi::Object>();
  reflex::SessionOptions so;
  so.resourceDir = options.Get("resourceDir").ToString().Utf8Value();
  so.languageStandard = options.Get("std").ToString().Utf8Value();
  so.extraArgs = stringList(options.Get("extraArgs"));
  so.includePaths = stringList(options.Get("includePaths"));
  if (options.Get("cacheDir").IsString()) so.cacheDirectory = options.Get("cacheDir").As<Napi::String>().Utf8Value();
  so.headerSequence = stringList(options.Get("headerSequence"));
  if (options.Get("prelude").IsString()) {
    std::string prelude = options.Get("prelude").As<Napi::String>().Utf8Value();
    so.pchExtraHeaders.push_back(prelude);
    so.pchExtraHeaders.push_back(stdPreludeOf(prelude));
  }
  return so;
}

// The session options of start(options) and prestart(options), with the addon as the host of the
// prelude's converters (native/prelude.cc: thunks call them by name).
reflex::SessionOptions startOptions(const Napi::Value& value) {
  reflex::SessionOptions so = sessionOptions(value);
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&cppjit_prelude_hooks), &self) && self.dli_fname) so.hostLibrary = self.dli_fname;
  so.hostSymbolMarker = "__cppjit";
  return so;
}

std::string optionsKey(const reflex::SessionOptions& so) {
  std::string key;
  auto add = [&](const std::string& s) { key += s; key += '\0'; };
  auto addAll = [&](const std::vector<std::string>& list) { add(std::to_string(list.size())); for (const auto& s : list) add(s); };
  add(so.resourceDir), add(so.languageStandard), add(so.cacheDirectory), add(so.hostLibrary), add(so.hostSymbolMarker);
  addAll(so.extraArgs), addAll(so.includePaths), addAll(so.pchExtraHeaders), addAll(so.headerSequence);
  return key;
}

// Declarations only (the definitions are in this addon): parsing is all the work left.
reflex::Result<std::vector<void*>> parsePrelude(reflex::Session& session, const std::string& prelude) {
  return session.compile("#include \"" + prelude + "\"\n", {}, /*quick=*/true);
}

// The main thread's env is torn down without having used cppjit.
void discardEarlyStart(void*) {
  InterpreterLock lock(interpreterMutex());
  auto& st = state();
  if (!st.early) return;
  if (st.early->thread.joinable()) st.early->thread.join();
  st.early.reset();
  st.retired = true;
}

// Waits for an early start; its interpreter, when it was started with these options.
std::unique_ptr<EarlyStart> finishEarlyStart() {
  auto& st = state();
  if (!st.early) return nullptr;
  std::unique_ptr<EarlyStart> early = std::move(st.early);
  if (early->thread.joinable()) early->thread.join();
  // The teardown hook stays registered (removing it from another thread's env would race with
  // that thread); it finds nothing left to discard.
  return early;
}

// prestart(options): starts the interpreter on a thread of its own, for start() to adopt; the
// main thread meanwhile loads the rest of the JS modules (src/prestart.ts).
Napi::Value prestart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& st = state();
  InterpreterLock lock(interpreterMutex());
  if (st.session || st.early || st.retired || !envState(env).home->processMain) return env.Undefined();
  auto early = std::make_unique<EarlyStart>();
  reflex::SessionOptions so = startOptions(info[0]);
  early->optionsKey = optionsKey(so);
  early->prelude = info[0].As<Napi::Object>().Get("prelude").ToString().Utf8Value();
  EarlyStart* e = early.get();
  // The interpreter is nobody's until start() adopts it: this thread needs no lock.
  e->thread = std::thread([e, so = std::move(so)] {
    e->created.emplace(reflex::Session::create(so));
    if (e->created->ok()) e->parsed.emplace(parsePrelude(*e->created->value(), e->prelude));
  });
  napi_add_env_cleanup_hook(env, discardEarlyStart, nullptr);
  st.early = std::move(early);
  return env.Undefined();
}

// start(options) -> Float64Array (scratch memory). The first env to start creates the interpreter
// (or adopts the one prestart began); later ones (workers, or the main thread after a worker) share it.
Napi::Value start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& st = state();
  EnvState& es = envState(env);
  InterpreterLock lock(interpreterMutex());
  if (es.started) throw Napi::Error::New(env, "cppjit: the interpreter is already started");
  std::unique_ptr<EarlyStart> early = finishEarlyStart();
  if (st.session) return join(env, es);
  if (st.retired)
    throw Napi::Error::New(env, "cppjit: the C++ interpreter of this process was shut down with the main thread; "
                                "it cannot be started again in this process");
  reflex::SessionOptions so = startOptions(info[0]);
  std::string prelude = info[0].As<Napi::Object>().Get("prelude").ToString().Utf8Value();
  auto began = std::chrono::steady_clock::now();
  // The environment changed since the early start (CPPJIT_EXTRA_ARGS set by the script): start anew.
  if (early && (early->optionsKey != optionsKey(so) || early->prelude != prelude)) early.reset();
  reflex::Result<std::unique_ptr<reflex::Session>> created =
      early ? std::move(*early->created) : reflex::Session::create(so);
  if (!created.ok()) throwOutcome(env, created.status(), "cppjit: cannot start the C++ interpreter: " + created.message(),
                                  created.diagnostics());
  st.session = created.take();
  st.stdPrelude = stdPreludeOf(prelude);
  st.options = so;
  st.prelude = prelude;
  Napi::Value scratch = join(env, es);

  auto compiledAt = std::chrono::steady_clock::now();
  auto parsed = early ? std::move(*early->parsed) : parsePrelude(*st.session, prelude);
  if (!parsed.ok()) throwOutcome(env, parsed.status(), "cppjit: cannot compile the thunk prelude: " + parsed.message(),
                                 parsed.diagnostics());
  installThunkHooks(cppjit_prelude_hooks());
  if (std::getenv("CPPJIT_DEBUG")) {
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::fprintf(stderr, "cppjit: interpreter %s in %.1f ms (prelude %.1f ms)\n", early ? "adopted" : "started",
                 ms(began, std::chrono::steady_clock::now()), ms(compiledAt, std::chrono::steady_clock::now()));
  }
  return scratch;
}

Napi::Value precompiledHeader(const Napi::CallbackInfo& info) {
  const auto& pch = session(info.Env()).precompiledHeader();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("path", pch.path.empty() ? info.Env().Null() : Napi::String::New(info.Env(), pch.path));
  out.Set("detail", pch.detail);
  out.Set("shouldBuild", pch.shouldBuild);
  return out;
}

Napi::Value objectCache(const Napi::CallbackInfo& info) {
  auto status = session(info.Env()).objectCache();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("directory", status.directory.empty() ? info.Env().Null() : Napi::String::New(info.Env(), status.directory));
  out.Set("hits", status.hits);
  out.Set("stored", status.stored);
  return out;
}

// Runs in a separate process (dist/pch-build.js): slow, and needs no interpreter.
Napi::Value buildPrecompiledHeader(const Napi::CallbackInfo& info) {
  check(info.Env(), reflex::Session::buildPrecompiledHeader(sessionOptions(info[0])));
  return info.Env().Undefined();
}

// The session started on a user headers' PCH that the calls so far repeated only in part, and the
// host needs it for something else: it starts again on the standard PCH alone (~40 ms) and the
// calls are repeated, so no declaration the script did not include is ever visible. Nothing else
// has reached the session yet: no id, thunk or object refers into it.
void restartWithoutHeaders(Napi::Env env, const std::string& why) {
  auto& st = state();
  st.restarted = "restarted without " + st.session->headerCache().path + " (" + why + ")";
  st.options.headerSequence.clear();
  st.session.reset();
  auto created = reflex::Session::create(st.options);
  if (!created.ok()) throwOutcome(env, created.status(), "cppjit: cannot restart the C++ interpreter: " + created.message(),
                                  created.diagnostics());
  st.session = created.take();
  auto parsed = parsePrelude(*st.session, st.prelude);
  if (!parsed.ok()) throwOutcome(env, parsed.status(), "cppjit: cannot compile the thunk prelude: " + parsed.message(),
                                 parsed.diagnostics());
  auto replay = std::move(st.replay);
  st.replay.clear();
  for (const auto& [kind, what] : replay) {
    auto& s = *st.session;
    check(env, kind == 'I' ? s.addIncludePath(what) : kind == 'H' ? s.include(what) : s.loadLibrary(what));
  }
}

// Every locked entry point but these ends the leading include sequence: they change nothing or
// only what a restart repeats.
void leaveLeading(Napi::Env env, const char* name) {
  static const char* const neutral[] = {"precompiledHeader", "objectCache", "headerCache", "include", "addIncludePath",
                                        "loadLibrary", "globalScope", "qualifiedName", "fastSupport", "fastCount",
                                        "fastRethrow", "signalsAsExceptions"};
  for (const char* n : neutral)
    if (std::strcmp(n, name) == 0) return;
  auto& st = state();
  if (!st.session) return;
  st.leading = false;
  if (st.session->headerCache().pending) {
    if (std::getenv("CPPJIT_DEBUG")) std::fprintf(stderr, "cppjit: %s before the precompiled includes: restarting without them\n", name);
    restartWithoutHeaders(env, std::string(name) + " before the whole include sequence");
  }
  st.session->endLeading();
  st.replay.clear();
}

// A call that repeats the pending sequence, or else the restart and the call again.
void leadingCall(Napi::Env env, char kind, const std::string& what) {
  auto& st = state();
  auto call = [&] {
    auto& s = session(env);
    return kind == 'I' ? s.addIncludePath(what) : kind == 'H' ? s.include(what) : s.loadLibrary(what);
  };
  reflex::Outcome outcome = call();
  if (outcome.status() == reflex::Status::Deviates) {
    if (std::getenv("CPPJIT_DEBUG")) std::fprintf(stderr, "cppjit: %s: restarting without the precompiled includes\n", outcome.message().c_str());
    restartWithoutHeaders(env, outcome.message());
    outcome = call();
  }
  check(env, outcome);
  if (st.leading && st.session->headerCache().pending) st.replay.emplace_back(kind, what);
}

Napi::Value include(const Napi::CallbackInfo& info) {
  leadingCall(info.Env(), 'H', stringArg(info, 0, "header"));
  return info.Env().Undefined();
}

Napi::Value addIncludePath(const Napi::CallbackInfo& info) {
  leadingCall(info.Env(), 'I', stringArg(info, 0, "path"));
  return info.Env().Undefined();
}

Napi::Value loadLibrary(const Napi::CallbackInfo& info) {
  leadingCall(info.Env(), 'L', stringArg(info, 0, "library"));
  return info.Env().Undefined();
}

Napi::Value stringArray(Napi::Env env, const std::vector<std::string>& list) {
  Napi::Array out = Napi::Array::New(env, list.size());
  for (size_t i = 0; i < list.size(); ++i) out.Set(i, list[i]);
  return out;
}

// headerCache() -> the user headers' PCH this session loaded, and its leading include sequence.
Napi::Value headerCache(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto h = session(env).headerCache();
  Napi::Object out = Napi::Object::New(env);
  out.Set("path", h.path.empty() ? env.Null() : Napi::String::New(env, h.path));
  out.Set("detail", state().restarted.empty() ? h.detail : state().restarted);
  out.Set("sequence", stringArray(env, h.sequence));
  out.Set("pending", h.pending);
  out.Set("leading", stringArray(env, h.leading));
  out.Set("leadingOpen", h.leadingOpen);
  out.Set("leadingMs", h.leadingMs);
  return out;
}

// buildHeaderCache(options, sequence): runs clang++ (seconds); in dist/pch-build.js or precompile().
Napi::Value buildHeaderCache(const Napi::CallbackInfo& info) {
  check(info.Env(), reflex::Session::buildHeaderCache(sessionOptions(info[0]), stringList(info[1])));
  return info.Env().Undefined();
}

// cppdef(code, generated?): generated code (cppjit's own helpers) is parsed without the user's macros.
Napi::Value cppdef(const Napi::CallbackInfo& info) {
  auto& s = session(info.Env());
  std::string code = stringArg(info, 0, "code");
  check(info.Env(), info.Length() > 1 && info[1].ToBoolean().Value() ? s.declareGenerated(code) : s.declare(code));
  return info.Env().Undefined();
}

Napi::Value cppexec(const Napi::CallbackInfo& info) {
  std::string code = stringArg(info, 0, "code");
  auto& s = session(info.Env());
  // The statements run here: ll.signalsAsExceptions guards them as it guards calls.
  reflex::Outcome outcome = reflex::success();
  if (!runGuarded(info.Env(), [&] { outcome = s.execute(code); })) return Napi::Value();
  check(info.Env(), outcome);
  return info.Env().Undefined();
}

Napi::Value globalScope(const Napi::CallbackInfo& info) { return scopeId(info.Env(), session(info.Env()).globalScope()); }

Napi::Value lookup(const Napi::CallbackInfo& info) {
  auto& s = session(info.Env());
  return describeMember(info.Env(), s.lookup(scopeFrom(info[0]), stringArg(info, 1, "name")));
}

Napi::Value memberNames(const Napi::CallbackInfo& info) {
  bool skipSystemHeaders = info.Length() > 1 && info[1].ToBoolean().Value();
  auto names = session(info.Env()).memberNames(scopeFrom(info[0]), skipSystemHeaders);
  Napi::Array out = Napi::Array::New(info.Env(), names.size());
  for (size_t i = 0; i < names.size(); ++i) out.Set(i, names[i]);
  return out;
}

// docComment(kind, id): the documentation comment of a function (kind 'function', id a fid) or a scope.
Napi::Value docComment(const Napi::CallbackInfo& info) {
  auto& st = state();
  const void* decl = nullptr;
  if (stringArg(info, 0, "kind") == "function") {
    int fid = info[1].As<Napi::Number>().Int32Value();
    if (fid < 0 || fid >= static_cast<int>(st.functions.size())) throw Napi::RangeError::New(info.Env(), "unknown function id");
    decl = st.functions[fid].ref.decl;
  } else {
    decl = scopeFrom(info[1]).decl;
  }
  return Napi::String::New(info.Env(), session(info.Env()).docComment(decl));
}

Napi::Value describeClassFn(const Napi::CallbackInfo& info) {
  return describeClass(info.Env(), unwrap(info.Env(), session(info.Env()).describeClass(scopeFrom(info[0]), info.Length() > 1 && info[1].ToBoolean().Value())));
}

Napi::Value describeEnumFn(const Napi::CallbackInfo& info) {
  return describeEnum(info.Env(), unwrap(info.Env(), session(info.Env()).describeEnum(scopeFrom(info[0]))));
}

Napi::Value qualifiedName(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), session(info.Env()).qualifiedName(scopeFrom(info[0])));
}

Napi::Value sizeOf(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(unwrap(info.Env(), session(info.Env()).sizeOf(stringArg(info, 0, "type")))));
}

Napi::Value parseType(const Napi::CallbackInfo& info) {
  return describeType(info.Env(), unwrap(info.Env(), session(info.Env()).parseType(stringArg(info, 0, "type"))));
}

Napi::Value instantiateClass(const Napi::CallbackInfo& info) {
  return scopeId(info.Env(), unwrap(info.Env(), session(info.Env()).instantiateClass(stringArg(info, 0, "spelling"))));
}

// resolveTemplateCall({ callee, objectType?, explicitArgs?, argTypes, isConstructor? }) -> function description
Napi::Value resolveTemplateCall(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "resolveTemplateCall: expected an object");
  Napi::Object o = info[0].As<Napi::Object>();
  reflex::TemplateCall call;
  call.callee = o.Get("callee").ToString().Utf8Value();
  if (o.Has("objectType")) call.objectType = o.Get("objectType").ToString().Utf8Value();
  if (o.Has("explicitArgs")) call.explicitArgs = o.Get("explicitArgs").ToString().Utf8Value();
  call.argTypes = stringList(o.Get("argTypes"));
  call.isConstructor = o.Get("isConstructor").ToBoolean().Value();
  if (o.Has("op")) call.op = o.Get("op").ToString().Utf8Value();
  return describeFunction(env, unwrap(env, session(env).resolveTemplateCall(call)));
}

Napi::Value classByTypeinfoName(const Napi::CallbackInfo& info) {
  return scopeId(info.Env(), session(info.Env()).classByTypeinfoName(stringArg(info, 0, "name")));
}

Napi::Value macroKind(const Napi::CallbackInfo& info) {
  auto& s = session(info.Env());
  std::string name = stringArg(info, 0, "name");
  if (s.hasObjectMacro(name)) return Napi::String::New(info.Env(), "object");
  if (s.isFunctionMacro(name)) return Napi::String::New(info.Env(), "function");
  return info.Env().Null();
}

}  // namespace

Napi::Object initModule(Napi::Env env, Napi::Object exports) {
  // Per env; deleted after every wrap and finalizer of the env (it is the env's first reference).
  napi_set_instance_data(env, new EnvState, [](napi_env, void* data, void*) { delete static_cast<EnvState*>(data); }, nullptr);
  EnvState& es = envState(env);
  es.env = env;
  es.home = std::make_shared<Home>();
  es.home->env = env;
  es.home->state = &es;
  es.home->thread = pthread_self();
  es.home->processMain = syscall(SYS_gettid) == getpid();
  exports.Set("setErrorClasses", Napi::Function::New(env, setErrorClasses, "setErrorClasses"));
  exports.Set("start", Napi::Function::New(env, start, "start"));
  exports.Set("prestart", Napi::Function::New(env, prestart, "prestart"));
  exports.Set("buildPrecompiledHeader", Napi::Function::New(env, buildPrecompiledHeader, "buildPrecompiledHeader"));
  exports.Set("buildHeaderCache", Napi::Function::New(env, buildHeaderCache, "buildHeaderCache"));
  exports.Set("raiseUncaught", Napi::Function::New(
                                   env,
                                   [](const Napi::CallbackInfo& info) -> Napi::Value {
                                     raiseUncaught(info.Env(), *envState(info.Env()).home);
                                     return info.Env().Undefined();
                                   },
                                   "raiseUncaught"));
  // Everything reaching the interpreter or the process-wide registries runs under its mutex.
  auto fn = [&](const char* name, Napi::Value (*cb)(const Napi::CallbackInfo&)) { exports.Set(name, lockedFunction(env, name, cb)); };
  fn("precompiledHeader", precompiledHeader);
  fn("objectCache", objectCache);
  fn("headerCache", headerCache);
  fn("include", include);
  fn("addIncludePath", addIncludePath);
  fn("loadLibrary", loadLibrary);
  fn("cppdef", cppdef);
  fn("cppexec", cppexec);
  fn("globalScope", globalScope);
  fn("lookup", lookup);
  fn("memberNames", memberNames);
  fn("describeClass", describeClassFn);
  fn("docComment", docComment);
  fn("describeEnum", describeEnumFn);
  fn("qualifiedName", qualifiedName);
  fn("sizeOf", sizeOf);
  fn("parseType", parseType);
  fn("classByTypeinfoName", classByTypeinfoName);
  fn("instantiateClass", instantiateClass);
  fn("resolveTemplateCall", resolveTemplateCall);
  fn("macroKind", macroKind);
  fn("compileFunctions", compileFunctions);
  fn("fastSupport", fastSupport);
  fn("compileFastEntry", compileFastEntry);
  fn("fastRethrow", fastRethrow);
  fn("fastCount", fastCount);
  fn("compileClassHelpers", compileClassHelpers);
  fn("announceClassHelpers", announceClassHelpers);
  fn("variableAddress", variableAddress);
  fn("prepareEvaluate", prepareEvaluate);
  fn("functionAddress", functionAddress);
  fn("pointerCaller", pointerCaller);
  fn("compileVariadic", compileVariadic);
  registerMemory(env, exports);
  registerCallbacks(env, exports);
  registerObjects(env, exports);
  registerSignals(env, exports);
  return exports;
}

}  // namespace cppjit

// Registered by hand rather than with NODE_API_MODULE: the module declares itself built for
// NAPI_VERSION_EXPERIMENTAL, which makes Node run finalizers during garbage collection (a
// synchronous loop that drops objects then frees them at once; see afterGC), while its calls stay
// those of Node-API 8, which every runtime cppjit supports has. Bun 1.4 crashes loading such a
// module's objects (its Node-API symbols carry the version BUN_1.2): there it declares version 8,
// and finalizers run after the GC as before.
bool cppjit::finalizersDuringGC() {
  static const bool bun = ::dlvsym(RTLD_DEFAULT, "napi_create_object", "BUN_1.2") != nullptr;
  return !bun;
}
extern "C" NAPI_MODULE_EXPORT int32_t node_api_module_get_api_version_v1() {
  return cppjit::finalizersDuringGC() ? NAPI_VERSION_EXPERIMENTAL : 8;
}
extern "C" NAPI_MODULE_EXPORT napi_value napi_register_module_v1(napi_env env, napi_value exports) {
  return Napi::RegisterModule(env, exports, [](Napi::Env e, Napi::Object o) { return cppjit::initModule(e, o); });
}
