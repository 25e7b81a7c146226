// native/callbacks.cc — JS functions called from C++: per-signature call cores, function-pointer trampolines, std::function targets.
//
// A callback target is a JS function held for C++. std::function values made from a JS function
// capture a counted reference to their target (see callback_ref in the prelude), so the function
// lives exactly as long as some copy of the std::function does. A C function pointer has no
// closure: each signature gets pools of JIT-compiled trampolines, each reading its target from a
// slot. A slot holds its JS function weakly (the function stays callable as long as JS keeps it
// alive; the same function always gets the same slot, hence the same address) unless it is pinned
// by cppyy.ll.callback(); a slot is reused only after its function was garbage-collected.
//
// Signatures and slots are process-wide (guarded by interpreterMutex); a target belongs to the env
// (main thread or worker) of its JS function: called on another thread, it runs on that env's thread.
#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <sstream>

#include "Native.h"

namespace cppjit {
namespace {

using reflex::FunctionSignature;
using reflex::TypeDesc;
using reflex::TypeKind;

// While any target lives, C++ may call JS, which a V8 fast call must never do: targets hold the
// fast-call gate closed (native/prelude.cc).
extern "C" int* cppjit_fast_gate();

struct Target {
  Target() { __atomic_add_fetch(cppjit_fast_gate(), 1, __ATOMIC_RELAXED); }
  ~Target() { __atomic_sub_fetch(cppjit_fast_gate(), 1, __ATOMIC_RELAXED); }
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  std::shared_ptr<Home> home;  // the env of fn
  napi_ref fn = nullptr;
  int signature = 0;
  std::atomic<int> refs{1};  // std::function targets: the copies holding it
  int slot = -1;             // function-pointer targets: their slot (-1 once it was reclaimed)
};

struct Slot {
  void* trampoline = nullptr;
  void** cell = nullptr;  // where the trampoline reads its target (JIT memory)
  Target* target = nullptr;
};

struct Signature {
  std::shared_ptr<const FunctionSignature> desc;
  std::string unsupported;  // why a JS function cannot implement it ("" when it can)
  enum { Pending, Compiled, Failed } core = Pending;
  std::string failure;
  std::vector<Slot> slots;
  std::deque<int> freeSlots;
  unsigned batches = 0;
};

std::vector<Signature> signatures;
std::unordered_map<std::string, int> signatureBySpelling;
std::unordered_map<uintptr_t, std::pair<int, int>> slotByTrampoline;  // address -> (signature, slot)
bool shuttingDown = false;  // the interpreter is gone, and the JIT memory holding the cells with it

// Freed slots wait in a queue this long before reuse, so that a C++ caller still holding a stale
// pointer most likely gets the "garbage-collected" error instead of someone else's function.
constexpr size_t kQuarantine = 8;

void drainDeferred(napi_env env, napi_value, void* context, void*) {
  auto* home = static_cast<Home*>(context);
  std::vector<napi_ref> refs;
  {
    std::lock_guard<std::mutex> lock(home->mutex);
    refs.swap(home->deferred);
  }
  if (!env) return;  // the function is being torn down with its env
  for (napi_ref r : refs) napi_delete_reference(env, r);
}

bool valueKind(TypeKind k) {
  switch (k) {
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::Int: case TypeKind::Float: case TypeKind::Enum:
    case TypeKind::CString: case TypeKind::StdString:
      return true;
    default:
      return false;
  }
}

bool isReference(const TypeDesc& t) { return !t.spelling.empty() && t.spelling.back() == '&'; }

std::string whyUnsupported(const FunctionSignature& sig) {
  if (sig.isVariadic) return "a variadic function type cannot be implemented by a JS function";
  if (sig.isNoexcept) return "a noexcept function type cannot be implemented by a JS function (its exceptions could not unwind)";
  for (size_t i = 0; i < sig.params.size(); ++i) {
    const TypeDesc& p = sig.params[i];
    switch (p.kind) {
      case TypeKind::Object: case TypeKind::ObjectRef: case TypeKind::ObjectPtr: case TypeKind::Pointer:
      case TypeKind::FunctionPtr: case TypeKind::ArithRef:
        break;
      default:
        if (!valueKind(p.kind)) return "callback parameter " + std::to_string(i + 1) + " of type '" + p.display + "' is not supported yet";
    }
  }
  const TypeDesc& r = sig.result;
  switch (r.kind) {
    case TypeKind::Void: case TypeKind::Object: case TypeKind::ObjectRef: case TypeKind::ObjectPtr:
    case TypeKind::Pointer: case TypeKind::FunctionPtr:
      return "";
    default:
      if (!valueKind(r.kind)) return "callback result type '" + r.display + "' is not supported yet";
      if (isReference(r)) return "a callback cannot return a reference to a value ('" + r.display + "')";
      return "";
  }
}

std::string nsOf(int id) { return "__cppjit_s" + std::to_string(id); }

// C++ -> JS for one callback argument (the JS invoker turns addresses into objects).
std::string argumentToJs(const TypeDesc& t, size_t i) {
  std::string a = "a";
  a += std::to_string(i);  // (not "a" + ...: GCC 12 warns falsely about its insert, -Wrestrict)
  switch (t.kind) {
    case TypeKind::Object:
      return "address_to_js(env, new type_t<" + t.value + ">(static_cast<P" + std::to_string(i) + "&&>(" + a + ")))";
    case TypeKind::ObjectRef: return "address_to_js(env, __builtin_addressof(" + a + "))";
    // T& of an arithmetic T (or T*&): JS gets a reference box reading and writing the C++ variable.
    case TypeKind::ArithRef: return "address_to_js(env, (const void*)__builtin_addressof(" + a + "))";
    case TypeKind::ObjectPtr: case TypeKind::Pointer: case TypeKind::FunctionPtr:
      return "address_to_js(env, (const void*)(" + a + "))";
    default: return "to_js(env, " + a + ")";
  }
}

// JS -> C++ for the callback's result, read from `r`.
std::string resultFromJs(const TypeDesc& t, int id) {
  std::string fail = " result_error(env, " + std::to_string(id) + ", e, r);";
  switch (t.kind) {
    case TypeKind::Void: return "  (void)r;\n";
    case TypeKind::CString:
      // The text must outlive the callback: it stays valid until the next callback of this signature returns.
      return "  static std::basic_string<std::remove_const_t<std::remove_pointer_t<R>>> storage; R out = nullptr;\n"
             "  if (int e = cstring_in(env, r, storage, out))" + fail + "\n  return out;\n";
    case TypeKind::Object: case TypeKind::ObjectRef:
      return "  void* p = nullptr;\n  if (int e = address_in(env, r, p))" + fail + "\n"
             "  if (!p) result_error(env, " + std::to_string(id) + ", kNullObject, r);\n"
             "  return *static_cast<type_t<" + t.pointee + ">*>(p);\n";
    case TypeKind::ObjectPtr: case TypeKind::Pointer: case TypeKind::FunctionPtr:
      return "  R out = nullptr;\n  if (int e = pointer_in(env, r, out))" + fail + "\n  return out;\n";
    default:
      return "  type_t<" + t.value + "> out{};\n  if (int e = arg_in(env, r, out))" + fail + "\n  return out;\n";
  }
}

std::string emitCore(const FunctionSignature& sig, int id) {
  std::ostringstream out;
  out << "namespace " << nsOf(id) << " {\n"
      << "using R = __cppjit::type_t<" << sig.result.spelling << ">;\n";
  std::string params;
  for (size_t i = 0; i < sig.params.size(); ++i) {
    out << "using P" << i << " = __cppjit::type_t<" << sig.params[i].spelling << ">;\n";
    params += ", P" + std::to_string(i) + " a" + std::to_string(i);
  }
  size_t n = sig.params.size();
  std::string forward;
  for (size_t i = 0; i < sig.params.size(); ++i) forward += ", static_cast<P" + std::to_string(i) + "&&>(a" + std::to_string(i) + ")";
  // On another thread (the libuv pool running fn.async, a std::thread, another JS thread) the same
  // call is run by the thread of the target's env (main or worker); this thread waits.
  out << "R core(void* target" << params << ") {\n"
      << "  using namespace __cppjit;\n"
      << "  napi_env env = callback_env(target);\n"
      << "  if (!env) return on_owner<R>(target, [&]() -> R { return core(target" << forward << "); });\n"
      << "  handle_scope scope(env);\n"
      << "  napi_value argv[" << (n ? n : 1) << "];\n";
  for (size_t i = 0; i < n; ++i) out << "  argv[" << i << "] = " << argumentToJs(sig.params[i], i) << ";\n";
  out << "  napi_value r = call_js(env, target, " << n << ", argv);\n"
      << resultFromJs(sig.result, id) << "}\n}\n";
  return out.str();
}

// A batch of `count` trampolines reading their targets from a new cell array. One template
// instantiated `count` times: Clang parses a few lines per batch, and the addon looks up two
// symbols (the cells, and a function listing the trampolines) instead of one per trampoline.
std::string emitTrampolines(const FunctionSignature& sig, int id, unsigned batch, size_t count,
                            std::vector<std::string>& symbols) {
  std::string ns = nsOf(id);
  std::string b = std::to_string(batch);
  std::string cells = ns + "_b" + b;
  std::string params, forward;
  for (size_t i = 0; i < sig.params.size(); ++i) {
    params += (i ? ", " : "") + std::string("P") + std::to_string(i) + " a" + std::to_string(i);
    forward += ", static_cast<P" + std::to_string(i) + "&&>(a" + std::to_string(i) + ")";
  }
  std::ostringstream out;
  out << "extern \"C\" { void* " << cells << "[" << count << "] = {}; }\n"
      << "namespace " << ns << " {\n"
      << "namespace { template <unsigned I> R t" << b << "(" << params << ") { return core(" << cells << "[I]" << forward << "); } }\n"
      << "template <unsigned... I> void list" << b << "(void** out, std::integer_sequence<unsigned, I...>) {\n"
      << "  void* const all[] = {reinterpret_cast<void*>(&t" << b << "<I>)...};\n"
      << "  for (unsigned i = 0; i < sizeof...(I); ++i) out[i] = all[i];\n}\n}\n"
      << "extern \"C\" void " << cells << "_list(void** out) { " << ns << "::list" << b
      << "(out, std::make_integer_sequence<unsigned, " << count << ">{}); }\n";
  symbols.push_back(cells);
  symbols.push_back(cells + "_list");
  return out.str();
}

Signature& signatureAt(Napi::Env env, const Napi::Value& v) {
  int id = v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
  if (id < 0 || id >= static_cast<int>(signatures.size())) throw Napi::RangeError::New(env, "unknown callback signature");
  return signatures[id];
}

void compileCore(reflex::Session& s, int id) {
  Signature& sig = signatures[id];
  if (sig.core != Signature::Pending) return;
  if (!sig.unsupported.empty()) {
    sig.core = Signature::Failed;
    sig.failure = sig.unsupported;
    return;
  }
  if (auto prelude = ensureStdPrelude(s); !prelude.ok()) {
    sig.core = Signature::Failed;
    sig.failure = prelude.message();
    return;
  }
  // Optimised, unlike thunks: a core is compiled once per signature and runs on every callback.
  auto compiled = s.compile(emitCore(*sig.desc, id), {}, /*quick=*/false);
  if (compiled.ok()) {
    sig.core = Signature::Compiled;
  } else {
    sig.core = Signature::Failed;
    sig.failure = "cannot compile a callback of type " + sig.desc->spelling + ": " + compiled.message();
  }
}

void growSlots(Napi::Env env, int id) {  // under interpreterMutex, like every use of signatures
  Signature& sig = signatures[id];
  // Geometric growth: a loop passing a fresh closure each time needs slots faster than finalizers run.
  size_t count = std::min<size_t>(size_t(32) << std::min(sig.batches, 4u), 512);
  std::vector<std::string> symbols;
  std::string text = emitTrampolines(*sig.desc, id, ++sig.batches, count, symbols);
  check(env, ensureStdPrelude(session(env)));
  auto addresses = unwrap(env, session(env).compile(text, symbols, /*quick=*/true, /*sealed=*/true));
  void** cells = static_cast<void**>(addresses[0]);
  std::vector<void*> trampolines(count);
  reinterpret_cast<void (*)(void**)>(addresses[1])(trampolines.data());
  for (size_t k = 0; k < count; ++k) {
    int index = static_cast<int>(sig.slots.size());
    sig.slots.push_back(Slot{trampolines[k], &cells[k], nullptr});
    sig.freeSlots.push_back(index);
    slotByTrampoline[reinterpret_cast<uintptr_t>(trampolines[k])] = {id, index};
  }
}

void freeSlot(Signature& sig, Target* target) {
  Slot& slot = sig.slots[target->slot];
  *slot.cell = nullptr;
  slot.target = nullptr;
  sig.freeSlots.push_back(target->slot);
  target->slot = -1;
}

// The JS function of a slot was garbage-collected: the slot may be reused (after the quarantine).
// A slot of an env being torn down was freed already (closeCallbacks).
void slotReclaim(napi_env env, void* data, void*) {
  auto* target = static_cast<Target*>(data);
  {
    InterpreterLock lock(interpreterMutex());
    if (target->slot >= 0 && !shuttingDown) freeSlot(signatures[target->signature], target);
  }
  napi_delete_reference(env, target->fn);
  delete target;
}

void slotCollected(node_api_basic_env env, void* data, void* hint) { afterGC(env, slotReclaim, data, hint); }

// Finalizers run only once the event loop turns; a weak reference is empty as soon as the GC has
// collected its function. Reclaiming those slots keeps a synchronous loop from growing the pool.
// Only env's own: another env's references may not be read on this thread.
void reclaimCollectedSlots(napi_env env, Signature& sig) {
  for (Slot& slot : sig.slots) {
    napi_value fn = nullptr;
    if (slot.target && slot.target->home->env == env && napi_get_reference_value(env, slot.target->fn, &fn) == napi_ok && !fn)
      freeSlot(sig, slot.target);
  }
}

// ---- hooks called by JIT-compiled code ----

// 0: target's JS function is to be called here, in *env; else on another thread (*env null), or
// kCallbackGone / kCallbackHomeless (its worker exited).
int locateHook(void* p, napi_env* env) {
  auto* target = static_cast<Target*>(p);
  *env = nullptr;
  if (!target) return 2;  // kCallbackGone: the slot was reclaimed
  Home& home = *target->home;
  if (!home.open.load(std::memory_order_acquire)) return 3;  // kCallbackHomeless
  if (home.here()) *env = home.env;
  return 0;
}

int callJsHook(napi_env env, void* p, size_t argc, napi_value* argv, napi_value* result, void** error) {
  auto* target = static_cast<Target*>(p);
  napi_value fn = nullptr;
  if (!target || napi_get_reference_value(env, target->fn, &fn) != napi_ok || !fn) return 2;  // kCallbackGone
  napi_value receiver;
  napi_get_undefined(env, &receiver);
  // The JS adapter (fn, ...args) => result of the signature, when its values need JS-side conversion.
  const auto& invokers = target->home->state->invokers;  // on its own thread, which is open
  napi_ref invokerRef = static_cast<size_t>(target->signature) < invokers.size() ? invokers[target->signature] : nullptr;
  napi_status status;
  if (invokerRef) {
    napi_value invoker;
    napi_get_reference_value(env, invokerRef, &invoker);
    napi_value inline_[9];
    std::vector<napi_value> heap;
    napi_value* args = inline_;
    if (argc + 1 > 9) {
      heap.resize(argc + 1);
      args = heap.data();
    }
    args[0] = fn;
    for (size_t i = 0; i < argc; ++i) args[i + 1] = argv[i];
    status = napi_call_function(env, receiver, invoker, argc + 1, args, result);
  } else {
    status = napi_call_function(env, receiver, fn, argc, argv, result);
  }
  if (status == napi_ok) return 0;
  *error = captureJsException(env);
  return 1;  // kCallbackThrew
}

void* retainHook(napi_env env, napi_value fn, int signature) {
  napi_valuetype type;
  if (napi_typeof(env, fn, &type) != napi_ok || type != napi_function) return nullptr;
  auto* target = new Target;
  target->home = envState(env).home;
  target->signature = signature;
  if (napi_create_reference(env, fn, 1, &target->fn) != napi_ok) {
    delete target;
    return nullptr;
  }
  return target;
}

void addRefHook(void* p) { static_cast<Target*>(p)->refs.fetch_add(1); }

void releaseHook(void* p) {
  auto* target = static_cast<Target*>(p);
  if (target->refs.fetch_sub(1) != 1) return;
  deleteReferenceSoon(target->home, target->fn);
  delete target;
}

// ---- JS API: cppjit.callbacks ----

// setInvoker(signature, fn | null): per env (a JS function lives in one isolate).
Napi::Value setInvoker(const Napi::CallbackInfo& info) {
  int id = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  {
    InterpreterLock lock(interpreterMutex());
    signatureAt(info.Env(), info[0]);  // throws for an unknown id
  }
  auto& invokers = envState(info.Env()).invokers;
  if (invokers.size() <= static_cast<size_t>(id)) invokers.resize(id + 1, nullptr);
  if (invokers[id]) napi_delete_reference(info.Env(), invokers[id]);
  invokers[id] = nullptr;
  if (info[1].IsFunction()) napi_create_reference(info.Env(), info[1], 1, &invokers[id]);
  return info.Env().Undefined();
}

// slot(signature, fn, pinned) -> trampoline address: a C function pointer that calls fn.
Napi::Value acquireSlot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int id = info[0].As<Napi::Number>().Int32Value();
  Signature& sig = signatureAt(env, info[0]);
  if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "callback: expected a function");
  compileCore(session(env), id);
  if (sig.core == Signature::Failed) throw Napi::TypeError::New(env, sig.failure);
  if (sig.freeSlots.size() <= 2 * kQuarantine) {
    reclaimCollectedSlots(env, sig);
    // Growing unless the scan freed a good share keeps the scans (linear in the pool) amortised.
    if (sig.freeSlots.size() <= kQuarantine || sig.freeSlots.size() < sig.slots.size() / 8) growSlots(env, id);
  }
  int index = sig.freeSlots.front();
  sig.freeSlots.pop_front();
  auto* target = new Target;
  target->home = envState(env).home;
  target->signature = id;
  target->slot = index;
  napi_create_reference(env, info[1], info[2].ToBoolean().Value() ? 1 : 0, &target->fn);
  if (napi_add_finalizer(env, info[1], target, slotCollected, nullptr, nullptr) != napi_ok) {
    napi_delete_reference(env, target->fn);
    delete target;
    sig.freeSlots.push_front(index);
    throw Napi::Error::New(env, "callback: cannot watch the function's lifetime");
  }
  Slot& slot = sig.slots[index];
  slot.target = target;
  *slot.cell = target;
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(slot.trampoline)));
}

// pin(address, on): a pinned slot keeps its JS function alive until unpinned.
Napi::Value pinSlot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto found = slotByTrampoline.find(static_cast<uintptr_t>(info[0].As<Napi::Number>().DoubleValue()));
  if (found == slotByTrampoline.end()) throw Napi::TypeError::New(env, "callback: not a trampoline address");
  Target* target = signatures[found->second.first].slots[found->second.second].target;
  if (!target) return Napi::Boolean::New(env, false);
  if (target->home->env != static_cast<napi_env>(env)) throw Napi::TypeError::New(env, "callback: the function belongs to another thread");
  uint32_t count = 0;
  if (info[1].ToBoolean().Value()) napi_reference_ref(env, target->fn, &count);
  else napi_reference_unref(env, target->fn, &count);
  return Napi::Boolean::New(env, true);
}

}  // namespace

void deleteReferenceSoon(const std::shared_ptr<Home>& home, napi_ref ref) {
  if (!ref || !home) return;
  if (home->here()) {
    if (home->open.load(std::memory_order_acquire)) napi_delete_reference(home->env, ref);
    return;
  }
  std::lock_guard<std::mutex> lock(home->mutex);
  if (!home->open.load(std::memory_order_acquire) || !home->drainer) return;  // the env and its references are gone
  home->deferred.push_back(ref);
  napi_call_threadsafe_function(home->drainer, nullptr, napi_tsfn_nonblocking);
}

std::shared_ptr<Home> targetHome(void* target) { return target ? static_cast<Target*>(target)->home : nullptr; }

int registerSignature(const std::shared_ptr<const FunctionSignature>& desc) {
  auto found = signatureBySpelling.find(desc->spelling);
  if (found != signatureBySpelling.end()) return found->second;
  int id = static_cast<int>(signatures.size());
  Signature sig;
  sig.desc = desc;
  sig.unsupported = whyUnsupported(*desc);
  signatures.push_back(std::move(sig));
  signatureBySpelling[desc->spelling] = id;
  return id;
}

int signatureId(const FunctionSignature& desc) {
  auto found = signatureBySpelling.find(desc.spelling);
  return found == signatureBySpelling.end() ? -1 : found->second;
}

const FunctionSignature* signatureById(int id) {
  return id >= 0 && id < static_cast<int>(signatures.size()) ? signatures[id].desc.get() : nullptr;
}

std::string callbackUnsupportedReason(const FunctionSignature& desc) { return whyUnsupported(desc); }

std::string signatureNamespace(const FunctionSignature& desc) { return nsOf(signatureId(desc)); }

std::string prepareSignature(reflex::Session& s, const std::shared_ptr<const FunctionSignature>& desc) {
  int id = registerSignature(desc);
  compileCore(s, id);
  return signatures[id].core == Signature::Compiled ? "" : signatures[id].failure;
}

void installCallbackHooks(ThunkHooks& hooks) {
  hooks.locate = &locateHook;
  hooks.callJs = &callJsHook;
  hooks.retain = &retainHook;
  hooks.addRef = &addRefHook;
  hooks.release = &releaseHook;
}

void openCallbacks(EnvState& es) {
  napi_value name;
  napi_create_string_utf8(es.env, "cppjit callback release", NAPI_AUTO_LENGTH, &name);
  napi_threadsafe_function drainer = nullptr;
  if (napi_create_threadsafe_function(es.env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, es.home.get(), drainDeferred,
                                      &drainer) != napi_ok)
    return;
  napi_unref_threadsafe_function(es.env, drainer);  // never keeps the process alive
  std::lock_guard<std::mutex> lock(es.home->mutex);
  es.home->drainer = drainer;
}

void closeCallbacks(EnvState& es) {
  napi_env env = es.env;
  {
    std::lock_guard<std::mutex> lock(es.home->mutex);
    if (es.home->drainer) napi_release_threadsafe_function(es.home->drainer, napi_tsfn_abort);
    es.home->drainer = nullptr;
    for (napi_ref r : es.home->deferred) napi_delete_reference(env, r);
    es.home->deferred.clear();
  }
  for (napi_ref ref : es.invokers)
    if (ref) napi_delete_reference(env, ref);
  es.invokers.clear();
  // Its trampolines now say "collected" to C++ still holding them; other envs may reuse the slots.
  if (shuttingDown) return;
  for (Signature& sig : signatures)
    for (Slot& slot : sig.slots)
      if (slot.target && slot.target->home == es.home) freeSlot(sig, slot.target);
}

void shutdownCallbacks() { shuttingDown = true; }

void registerCallbacks(Napi::Env env, Napi::Object exports) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("setInvoker", Napi::Function::New(env, setInvoker, "setInvoker"));
  o.Set("slot", lockedFunction(env, "slot", acquireSlot));
  o.Set("pin", lockedFunction(env, "pin", pinSlot));
  exports.Set("callbacks", o);
}

}  // namespace cppjit
