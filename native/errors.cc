// native/errors.cc — the single boundary where C++ failures become JS exceptions (CppCompileError, CppError, TypeError, RangeError).
#include <cxxabi.h>

#include <atomic>
#include <cmath>
#include <exception>
#include <cstdlib>
#include <typeinfo>

#include "Native.h"

namespace cppjit {
namespace {

std::string demangle(const char* mangled) {
  if (!mangled) return "unknown";
  if (*mangled == '*') ++mangled;
  int status = 0;
  char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (status != 0 || !out) return mangled;
  std::string result = out;
  std::free(out);
  // libstdc++'s dual ABI namespace is an implementation detail users never write.
  for (std::string tag = "std::__cxx11::"; ;) {
    auto at = result.find(tag);
    if (at == std::string::npos) break;
    result.replace(at, tag.size(), "std::");
  }
  return result;
}

const char* typeofName(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "unknown";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_object: return "object";
    case napi_function: return "function";
    case napi_external: return "external";
    case napi_bigint: return "bigint";
  }
  return "unknown";
}

std::string describeValue(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_number) {
    double d;
    napi_get_value_double(env, v, &d);
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    return buf;
  }
  return typeofName(env, v);
}

std::string expectedFor(const reflex::TypeDesc& t) {
  using K = reflex::TypeKind;
  switch (t.kind) {
    case K::Bool: return "a boolean";
    case K::Char: return "a 1-character string or a number";
    case K::Int: case K::Enum: return "an integer";
    case K::Float: return "a number";
    case K::CString: return "a string or null";
    case K::StdString: case K::StringView: return "a string";
    case K::Object: case K::ObjectRef: return "an instance of " + t.pointee;
    case K::ObjectPtr: return "an instance of " + t.pointee + " or null";
    case K::FunctionPtr: return "a function (JS, or C++ of type " + (t.signature ? t.signature->spelling : t.display) + ") or null";
    default:
      if (t.signature) return "a function, a " + t.value + " or null";
      return "a value of type " + t.display;
  }
}

// Error paths only: the function registry may grow on another thread meanwhile.
napi_value argErrorHook(napi_env env, int fid, int index, int code, napi_value value) {
  InterpreterLock lock(interpreterMutex());
  auto& st = state();
  std::string signature = fid >= 0 && fid < static_cast<int>(st.functions.size()) ? st.functions[fid].signature : "?";
  std::string message;
  bool range = false;
  if (index < 0) {
    message = signature + ": called on a deleted or null object";
  } else {
    const reflex::FunctionDesc& f = st.functions[fid];
    const reflex::ParamDesc* p = index < static_cast<int>(f.params.size()) ? &f.params[index] : nullptr;
    std::string which = "argument " + std::to_string(index + 1);
    if (p && !p->name.empty()) which += " ('" + p->name + "')";
    std::string typeName = p ? p->type.display : "?";
    switch (code) {
      case 2:
        range = true;
        message = signature + ": " + which + ": " + describeValue(env, value) + " is out of range for " + typeName;
        break;
      case 3:
        message = signature + ": " + which + ": " + describeValue(env, value) + " is not an integer (" + typeName + ")";
        break;
      case 4:
        message = signature + ": " + which + ": null where an object of type " + typeName + " is required";
        break;
      case 6:
        message = signature + ": " + which + ": " + typeName + " cannot be copied; pass cppyy.gbl.std.move(x) to move from x";
        break;
      default:
        message = signature + ": " + which + ": expected " + (p ? expectedFor(p->type) : "?") + ", got " +
                  typeofName(env, value);
    }
  }
  if (range) napi_throw_range_error(env, nullptr, message.c_str());
  else napi_throw_type_error(env, nullptr, message.c_str());
  return nullptr;
}

napi_value arityErrorHook(napi_env env, int fid, size_t argc) {
  InterpreterLock lock(interpreterMutex());
  auto& st = state();
  const reflex::FunctionDesc& f = st.functions[fid];
  std::string message = f.signature + ": takes ";
  size_t most = f.params.size();
  if (f.minArgs == most) message += std::to_string(most);
  else message += std::to_string(f.minArgs) + " to " + std::to_string(most);
  message += most == 1 && f.minArgs == 1 ? " argument" : " arguments";
  message += ", got " + std::to_string(argc);
  napi_throw_type_error(env, nullptr, message.c_str());
  return nullptr;
}

}  // namespace


// Called from a catch(...) block (thunks, destructors): the exception is still the current one.
napi_value throwCurrentException(napi_env env) {
  std::string what;
  std::string type;
  std::string number;
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
    type = demangle(typeid(e).name());
  } catch (const std::string& s) {
    // Text thrown as such (throw std::string(...), throw "..."): the text is what it says.
    what = s;
    type = "std::string";
  } catch (const char* s) {
    what = s ? s : "";
    type = "const char*";
  } catch (...) {
    std::type_info* t = abi::__cxa_current_exception_type();
    type = t ? demangle(t->name()) : "unknown";
    number = reflex::thrownNumber();
  }
  // A thrown class object stays reachable from the error (err.exception): an exception_ptr keeps
  // it alive until the JS error is collected. libstdc++'s exception_ptr is the object's address.
  const std::type_info* thrownType = abi::__cxa_current_exception_type();
  napi_value typeinfoValue = nullptr, holderValue = nullptr, addressValue = nullptr;
  if (thrownType && dynamic_cast<const abi::__class_type_info*>(thrownType)) {
    auto* keep = new std::exception_ptr(std::current_exception());
    void* object = *reinterpret_cast<void**>(keep);
    napi_create_double(env, static_cast<double>(reinterpret_cast<uintptr_t>(thrownType)), &typeinfoValue);
    napi_create_double(env, static_cast<double>(reinterpret_cast<uintptr_t>(object)), &addressValue);
    // Once the interpreter is gone (the process is ending) the object's destructor, JIT-compiled
    // code, is gone too: the object is left to the exiting process.
    napi_create_external(
        env, keep,
        [](node_api_basic_env env, void* data, void* hint) {
          // The exception's destructor is JIT-compiled user code: not during a GC.
          afterGC(env, [](napi_env, void* data, void*) {
            if (!state().retired) delete static_cast<std::exception_ptr*>(data);
          }, data, hint);
        },
        nullptr, &holderValue);
  }
  Napi::Env napiEnv(env);
  Napi::FunctionReference& cppError = envState(env).cppError;
  std::string message = what.empty() ? "C++ exception of type " + type + number : type + ": " + what;
  if (cppError.IsEmpty()) {
    napi_throw_error(env, nullptr, message.c_str());
    return nullptr;
  }
  napi_value args[6] = {Napi::String::New(napiEnv, message), Napi::String::New(napiEnv, type),
                        what.empty() ? napiEnv.Undefined() : Napi::String::New(napiEnv, what),
                        typeinfoValue ? typeinfoValue : napiEnv.Undefined(),
                        holderValue ? holderValue : napiEnv.Undefined(),
                        addressValue ? addressValue : napiEnv.Undefined()};
  napi_value error;
  if (napi_new_instance(env, cppError.Value(), 6, args, &error) != napi_ok) return nullptr;
  napi_throw(env, error);
  return nullptr;
}

namespace {

// A JS exception on its way through C++ frames. The thrown value may be a primitive, and N-API
// references hold only objects, so it is kept as the property of a holder object.
struct CapturedError {
  std::shared_ptr<Home> home;  // C++ may copy the exception to (and drop it on) any thread
  napi_ref holder = nullptr;
  std::string text;
  std::atomic<int> refs{1};
};

std::string errorTextOf(napi_env env, napi_value value) {
  napi_valuetype t;
  napi_typeof(env, value, &t);
  napi_value text = value;
  if (t == napi_object || t == napi_function) {
    bool has = false;
    napi_value message;
    if (napi_has_named_property(env, value, "message", &has) == napi_ok && has &&
        napi_get_named_property(env, value, "message", &message) == napi_ok)
      text = message;
  }
  napi_value asString;
  std::string out = "JavaScript exception in a callback";
  if (napi_coerce_to_string(env, text, &asString) == napi_ok) {
    size_t length = 0;
    napi_get_value_string_utf8(env, asString, nullptr, 0, &length);
    std::string buffer(length, '\0');
    napi_get_value_string_utf8(env, asString, buffer.data(), length + 1, &length);
    out = "JavaScript exception in a callback: " + buffer;
  }
  // A getter or toString() that throws leaves nothing worth reporting over the original error.
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return out;
}

void* capture(napi_env env, napi_value value) {
  auto* error = new CapturedError;
  error->home = envState(env).home;
  error->text = errorTextOf(env, value);
  napi_value holder;
  napi_create_object(env, &holder);
  napi_set_named_property(env, holder, "value", value);
  napi_create_reference(env, holder, 1, &error->holder);
  return error;
}

void errorRefHook(void* p, int delta) {
  auto* error = static_cast<CapturedError*>(p);
  if (!error || error->refs.fetch_add(delta) + delta > 0) return;
  deleteReferenceSoon(error->home, error->holder);
  delete error;
}

napi_value rethrowHook(napi_env env, void* p) {
  auto* error = static_cast<CapturedError*>(p);
  napi_value holder, value;
  // Thrown by a JS function of another thread (a callback run there for this one): its value
  // belongs to that isolate, so this one gets an Error with its message.
  if (error && error->home && error->home->env != env) {
    napi_throw_error(env, nullptr, error->text.c_str());
    return nullptr;
  }
  if (!error || napi_get_reference_value(env, error->holder, &holder) != napi_ok ||
      napi_get_named_property(env, holder, "value", &value) != napi_ok) {
    napi_throw_error(env, nullptr, "cppjit: a JS callback threw, and its exception was lost");
    return nullptr;
  }
  napi_throw(env, value);
  return nullptr;
}

const char* errorTextHook(void* p) {
  auto* error = static_cast<CapturedError*>(p);
  return error ? error->text.c_str() : "JavaScript exception in a callback";
}

}  // namespace

void* captureJsException(napi_env env) {
  napi_value exception;
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending || napi_get_and_clear_last_exception(env, &exception) != napi_ok) {
    napi_value message;
    napi_create_string_utf8(env, "cppjit: a JS callback failed without an exception", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, nullptr, message, &exception);
  }
  return capture(env, exception);
}

void* captureJsError(napi_env env, const std::string& text, bool range) {
  napi_value message, error;
  napi_create_string_utf8(env, text.data(), text.size(), &message);
  if (range) napi_create_range_error(env, nullptr, message, &error);
  else napi_create_type_error(env, nullptr, message, &error);
  return capture(env, error);
}

namespace {

// A JS callback returned something its C++ result type cannot hold: the TypeError (RangeError)
// travels through the C++ frames like an exception the callback threw.
void* resultErrorHook(napi_env env, int signature, int code, napi_value value) {
  InterpreterLock lock(interpreterMutex());  // the signature registry may grow on another thread
  const reflex::FunctionSignature* sig = signatureById(signature);
  std::string type = sig ? sig->spelling : "?";
  std::string message = "callback of type " + type + ": returned ";
  bool range = false;
  switch (code) {
    case 2:
      range = true;
      message += describeValue(env, value) + ", out of range for " + (sig ? sig->result.display : "?");
      break;
    case 3: message += describeValue(env, value) + ", not an integer (" + (sig ? sig->result.display : "?") + ")"; break;
    case 4: message += "null where an object of type " + (sig ? sig->result.display : "?") + " is required"; break;
    default: message += std::string(typeofName(env, value)) + ", expected " + (sig ? expectedFor(sig->result) : "?");
  }
  return captureJsError(env, message, range);
}

}  // namespace

namespace {
double* scratchHook(napi_env env) { return envState(env).scratch; }
}  // namespace

void installThunkHooks(void* hooksAddress) {
  auto* hooks = static_cast<ThunkHooks*>(hooksAddress);
  hooks->argError = &argErrorHook;
  hooks->arityError = &arityErrorHook;
  hooks->exception = &throwCurrentException;
  hooks->scratch = &scratchHook;
  hooks->threadEnv = &currentThreadEnv;
  hooks->errorRef = &errorRefHook;
  hooks->rethrow = &rethrowHook;
  hooks->errorText = &errorTextHook;
  hooks->resultError = &resultErrorHook;
  installCallbackHooks(*hooks);
  installAsyncHooks(*hooks);
}

void throwOutcome(Napi::Env env, reflex::Status status, const std::string& message,
                  const std::vector<reflex::Diagnostic>& diagnostics) {
  EnvState& es = envState(env);
  if (status == reflex::Status::CompileError && !es.compileError.IsEmpty()) {
    Napi::Array list = Napi::Array::New(env, diagnostics.size());
    for (size_t i = 0; i < diagnostics.size(); ++i) {
      const auto& d = diagnostics[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("file", d.file);
      o.Set("line", d.line);
      o.Set("column", d.column);
      o.Set("severity", d.severity);
      o.Set("message", d.message);
      list.Set(i, o);
    }
    Napi::Value error = es.compileError.New({Napi::String::New(env, message), list});
    throw Napi::Error(env, error);
  }
  if (status == reflex::Status::CppException && !es.cppError.IsEmpty()) {
    // "<mangled type>[ (<thrown number>)]\n<what()>"
    auto split = message.find('\n');
    std::string typeLine = message.substr(0, split);
    auto space = typeLine.find(' ');
    std::string number = space == std::string::npos ? "" : typeLine.substr(space);
    std::string type = demangle(typeLine.substr(0, space).c_str());
    std::string what = split == std::string::npos ? "" : message.substr(split + 1);
    std::string text = what.empty() ? "C++ exception of type " + type + number : type + ": " + what;
    Napi::Value error = es.cppError.New({Napi::String::New(env, text), Napi::String::New(env, type),
                                         what.empty() ? env.Undefined() : Napi::String::New(env, what)});
    throw Napi::Error(env, error);
  }
  throw Napi::Error::New(env, message);
}

void check(Napi::Env env, const reflex::Outcome& r) {
  if (!r.ok()) throwOutcome(env, r.status(), r.message(), r.diagnostics());
}

}  // namespace cppjit
