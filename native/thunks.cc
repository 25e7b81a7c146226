// native/thunks.cc — emits one N-API callback per C++ callable as C++ text and JIT-compiles them in batches.
#include <functional>
#include <set>
#include <sstream>

#include "Native.h"

namespace cppjit {
namespace {

using reflex::CallableKind;
using reflex::FunctionDesc;
using reflex::TypeDesc;
using reflex::TypeKind;

bool isSupportedParam(const TypeDesc& t) {
  switch (t.kind) {
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::Int: case TypeKind::Float: case TypeKind::Enum:
    case TypeKind::CString: case TypeKind::StdString: case TypeKind::StringView: case TypeKind::Object:
    case TypeKind::ObjectRef: case TypeKind::ObjectPtr: case TypeKind::Pointer: case TypeKind::FunctionPtr:
    case TypeKind::ArithRef:
      return true;
    default:
      return false;
  }
}

bool isSupportedResult(const TypeDesc& t) {
  switch (t.kind) {
    case TypeKind::Unsupported: return false;
    default: return true;
  }
}

// Declares the local for parameter i and converts args[i] into it. Returns the expression that
// passes it to the C++ call.
// A std::function parameter that a JS function can be passed to (its call core is compiled).
bool takesCallable(const TypeDesc& t) {
  return t.signature && (t.kind == TypeKind::Object || t.kind == TypeKind::ObjectRef) &&
         callbackUnsupportedReason(*t.signature).empty();
}

// Declarations go to `decl` (the thunk's locals, or an async job's members), conversions to `out`.
std::string emitParam(std::ostringstream& decl, std::ostringstream& out, const TypeDesc& t, size_t i, int fid, bool optional) {
  std::string a = "a" + std::to_string(i);
  std::string arg = "args[" + std::to_string(i) + "]";
  std::string conversion;
  std::string pass = a;
  if (takesCallable(t)) {
    std::string ns = signatureNamespace(*t.signature);
    decl << "  type_t<" << t.value << "> " << a << ";\n";
    conversion = "function_in(env, " + arg + ", " + a + ", &" + ns + "::core, " + std::to_string(signatureId(*t.signature)) + ")";
    if (t.kind == TypeKind::Object || t.isRvalueRef) pass = "std::move(" + a + ")";
    std::string check = "if (int e = " + conversion + ") return __cppjit_hooks.argError(env, " + std::to_string(fid) +
                        ", " + std::to_string(i) + ", e, " + arg + ");";
    if (optional) out << "  if (n > " << i << ") { " << check << " }\n";
    else out << "  " << check << "\n";
    return pass;
  }
  switch (t.kind) {
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::Int: case TypeKind::Float:
      decl << "  " << t.value << " " << a << " = 0;\n";
      conversion = "arg_in(env, " + arg + ", " + a + ")";
      if (t.isRvalueRef) pass = "static_cast<" + t.value + "&&>(" + a + ")";  // T&& (emplace_back<int>)
      break;
    case TypeKind::Enum:
      decl << "  " << t.value << " " << a << "{};\n";
      conversion = t.enumBounded ? "enum_in(env, " + arg + ", " + a + ", " + std::to_string(t.enumMin) + "LL, " + std::to_string(t.enumMax) + "LL)"
                                 : "arg_in(env, " + arg + ", " + a + ")";
      if (t.isRvalueRef) pass = "static_cast<" + t.value + "&&>(" + a + ")";
      break;
    case TypeKind::CString:
      // The text lives in a std::basic_string of the character type (char, wchar_t, char16_t, char32_t).
      if (t.pointee == "char") decl << "  std::string s" << i << "; const char* " << a << " = nullptr;\n";
      else decl << "  std::basic_string<" << t.pointee << "> s" << i << "; const " << t.pointee << "* " << a << " = nullptr;\n";
      conversion = "cstring_in(env, " + arg + ", s" + std::to_string(i) + ", " + a + ")";
      break;
    case TypeKind::StdString:
      if (t.isConst && !t.isRvalueRef) {
        // const std::string&: binds a std::string object itself, or a converted JS string.
        decl << "  std::string s" << i << "; const std::string* " << a << " = nullptr;\n";
        conversion = "string_ref_in(env, " + arg + ", s" + std::to_string(i) + ", " + a + ")";
        pass = "*" + a;
        break;
      }
      decl << "  std::string " << a << ";\n";
      conversion = "arg_in(env, " + arg + ", " + a + ")";
      if (t.isRvalueRef || t.spelling.find("&&") != std::string::npos) pass = "std::move(" + a + ")";
      break;
    case TypeKind::StringView:  // a view of a std::string object, or of a converted JS string (alive until the call returns)
      decl << "  std::string s" << i << "; const std::string* " << a << " = nullptr;\n";
      conversion = "string_ref_in(env, " + arg + ", s" + std::to_string(i) + ", " + a + ")";
      pass = "std::string_view(*" + a + ")";
      break;
    case TypeKind::Object:
      // Constructed in place from the source object: moved from when JS says it may be.
      decl << "  " << t.pointee << "* " << a << " = nullptr; bool m" << i << " = false;\n";
      conversion = "__cppjit::value_in(env, " + arg + ", " + a + ", m" + std::to_string(i) + ")";
      pass = "__cppjit::take(" + a + ", m" + std::to_string(i) + ")";
      break;
    case TypeKind::ObjectRef:
      decl << "  " << t.pointee << "* " << a << " = nullptr;\n";
      conversion = "object_in(env, " + arg + ", " + a + ")";
      pass = t.isRvalueRef ? "std::move(*" + a + ")" : "*" + a;
      break;
    case TypeKind::ArithRef:
      // T& of an arithmetic T: the address of an ll.ref box or a TypedArray element, never null.
      out << "  " << t.value << "* " << a << " = nullptr;\n";
      conversion = "object_in(env, " + arg + ", " + a + ")";
      pass = "*" + a;
      break;
    case TypeKind::ObjectPtr:
    case TypeKind::Pointer:
    case TypeKind::FunctionPtr:
      decl << "  type_t<" << t.value << "> " << a << " = nullptr;\n";
      conversion = "pointer_in(env, " + arg + ", " + a + ")";
      break;
    default:
      break;
  }
  std::string check = "if (int e = " + conversion + ") return __cppjit_hooks.argError(env, " + std::to_string(fid) +
                      ", " + std::to_string(i) + ", e, " + arg + ");";
  if (optional) out << "  if (n > " << i << ") { " << check << " }\n";
  else out << "  " << check << "\n";
  return pass;
}

// The call of an operator template's specialization as an operator expression (`a * b`): called by
// name with explicit template arguments (`a.operator*<M>(b)`), every operator* template of the
// class is substituted with those arguments, and one that does not fit can be a hard error
// (Eigen's DiagonalBase operator* for a Matrix). Clang chose the specialization from that very
// expression. Empty when the function is no such operator.
std::string operatorExpression(const FunctionDesc& f, const std::string& self, const std::vector<std::string>& args) {
  static const std::set<std::string> binary = {"<=>", "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=",
                                               "%=", "&=", "|=", "^=", "+", "-", "*", "/", "%", "^", "&", "|", "<", ">", "&&", "||"};
  static const std::set<std::string> unary = {"+", "-", "*", "~", "!", "&"};
  // Only specializations of operator templates: `operator*<...>`.
  if (!f.isSpecialization || f.operatorSymbol.empty()) return "";
  const std::string& op = f.operatorSymbol;
  std::vector<std::string> operands = args;
  if (!self.empty()) operands.insert(operands.begin(), "(*" + self + ")");
  if (operands.size() == 2 && binary.count(op)) return "((" + operands[0] + ") " + op + " (" + operands[1] + "))";
  if (operands.size() == 1 && unary.count(op)) return "(" + op + "(" + operands[0] + "))";
  return "";
}

// What a call of the free function f with `count` arguments names: a specialization given every
// argument through its address, picked by its function type (see FunctionDesc::templateName).
std::string freeCallee(const FunctionDesc& f, size_t count) {
  if (!f.templateName.empty() && !f.functionType.empty() && count == f.params.size())
    return "static_cast<__cppjit::type_t<" + f.functionType + ">*>(&" + f.templateName + ")";
  return f.qualifiedName;
}

std::string emitReturn(const TypeDesc& t, const std::string& call) {
  switch (t.kind) {
    case TypeKind::Void: return call + "; return undefined(env);";
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::Int: case TypeKind::Float: case TypeKind::Enum:
    case TypeKind::CString: case TypeKind::StdString: case TypeKind::StringView: case TypeKind::ArithRef:
      return "return to_js(env, " + call + ");";
    case TypeKind::Object:
      // A std::function comes back as a JS function (null when empty) that owns a copy.
      if (t.signature)
        return "{ type_t<" + t.value + "> r = " + call + "; if (!r) return null_value(env); return address_to_js(env, new type_t<" +
               t.value + ">(std::move(r))); }";
      return "return address_to_js(env, new " + t.value + "(" + call + "));";
    case TypeKind::ObjectRef:
      return "{ auto&& r = " + call + "; return address_to_js(env, __builtin_addressof(r)); }";
    case TypeKind::ObjectPtr: case TypeKind::Pointer: case TypeKind::FunctionPtr:
      return "return address_to_js(env, (const void*)(" + call + "));";
    default:
      return "return undefined(env);";
  }
}

// viaPointer: instead of a named callable, the thunk calls what the address given as its first
// argument points at: a function, or a std::function (returned function pointers and std::functions).
std::string emitFunction(const FunctionDesc& f, int fid, const std::string& symbol, const std::string& viaPointer = "") {
  std::ostringstream out;
  bool hasSelf = f.kind == CallableKind::Method || !viaPointer.empty();
  size_t offset = hasSelf ? 1 : 0;
  size_t maxArgs = f.params.size();
  size_t capacity = maxArgs + offset > 0 ? maxArgs + offset : 1;
  // Signal guarding (ll.signalsAsExceptions) costs one load and branch while it is off; when on,
  // guarded_call sets the guard and calls this thunk again, which then runs (one function per
  // thunk keeps its compile time down).
  // The N-API callback only routes: the body (conversions and the call) runs inside catching_call,
  // which turns C++ exceptions into JS ones; a try/catch here would cost a third of the compile.
  out << "static napi_value " << symbol << "_body(napi_env env, napi_callback_info info);\n"
      << "extern \"C\" napi_value " << symbol << "(napi_env env, napi_callback_info info) {\n"
      << "  if (__builtin_expect(__cppjit_sig_on, 0) && __cppjit::guard_wanted()) return __cppjit::guarded_call(env, info, &" << symbol << ");\n"
      << "  return __cppjit::catching_call(env, info, &" << symbol << "_body);\n}\n"
      << "static napi_value " << symbol << "_body(napi_env env, napi_callback_info info) {\n"
      << "  using namespace __cppjit;\n"
      << "  napi_value argv[" << capacity << "]; size_t argc = " << capacity << ";\n"
      << "  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);\n";
  if (!viaPointer.empty()) {
    out << "  if (argc < 1) return __cppjit_hooks.arityError(env, " << fid << ", 0);\n"
        << "  " << viaPointer << " self = nullptr;\n"
        << "  if (pointer_in(env, argv[0], self) || !self) return __cppjit_hooks.argError(env, " << fid
        << ", -1, kDeletedSelf, argv[0]);\n";
  } else if (hasSelf) {
    out << "  if (argc < 1) return __cppjit_hooks.arityError(env, " << fid << ", 0);\n"
        << "  " << f.classSpelling << "* self = nullptr;\n"
        << "  if (object_in(env, argv[0], self)) return __cppjit_hooks.argError(env, " << fid
        << ", -1, kDeletedSelf, argv[0]);\n";
  }
  out << "  napi_value* args = argv + " << offset << "; (void)args;\n"
      << "  size_t n = argc - " << offset << ";\n";
  if (f.minArgs < maxArgs) out << "  if (n <= " << maxArgs << ") n = given(env, args, n, " << f.minArgs << ");\n";
  out << "  if (n < " << f.minArgs << " || n > " << maxArgs << ") return __cppjit_hooks.arityError(env, " << fid << ", n);\n";
  std::vector<std::string> passes;
  for (size_t i = 0; i < maxArgs; ++i) passes.push_back(emitParam(out, out, f.params[i].type, i, fid, i >= f.minArgs));

  auto callWith = [&](size_t count) {
    std::string argsText;
    for (size_t i = 0; i < count; ++i) argsText += (i ? ", " : "") + passes[i];
    std::vector<std::string> given(passes.begin(), passes.begin() + count);
    std::string expression = viaPointer.empty() ? operatorExpression(f, f.kind == CallableKind::Method ? "self" : "", given) : "";
    if (!expression.empty() && (f.kind == CallableKind::Method || f.kind == CallableKind::Function))
      return emitReturn(f.result, expression);
    switch (f.kind) {
      case CallableKind::Constructor: return "return address_to_js(env, new " + f.classSpelling + "(" + argsText + "));";
      case CallableKind::Method: return emitReturn(f.result, "self->" + f.name + "(" + argsText + ")");
      case CallableKind::StaticMethod: return emitReturn(f.result, f.classSpelling + "::" + f.name + "(" + argsText + ")");
      case CallableKind::Function:
        if (!viaPointer.empty()) return emitReturn(f.result, "(*self)(" + argsText + ")");
        return emitReturn(f.result, freeCallee(f, count) + "(" + argsText + ")");
    }
    return std::string("return undefined(env);");
  };
  if (f.minArgs == maxArgs) {
    out << "  " << callWith(maxArgs) << "\n";
  } else {
    out << "  switch (n) {\n";
    for (size_t count = f.minArgs; count <= maxArgs; ++count)
      out << "    case " << count << ": " << callWith(count) << "\n";
    out << "  }\n";
  }
  out << "  return undefined(env);\n}\n";
  return out.str();
}

// ---- V8 fast calls (native/fast/) ----
// A fast entry is a plain C function V8's optimised code calls with the receiver and the arguments
// (compiled only for callables that turn out to be hot: it would add a quarter to a first call)
// as int32/uint32/double/bool: only callables whose parameters and result V8 passes exactly (JS
// checks the values before taking it). It converts nothing, records a C++ exception instead of
// letting it reach V8, and counts itself.
bool fastEntries = false;  // set by JS when the fast-call addon loaded

bool isCharacterInt(const TypeDesc& t) {
  return t.spelling.find("wchar_t") != std::string::npos || t.spelling.find("char16_t") != std::string::npos ||
         t.spelling.find("char32_t") != std::string::npos || t.spelling.find("char8_t") != std::string::npos;
}

// The JS-side description of a fast parameter or result ("i8".."u32", "f64", "bool", "void"), or "".
std::string fastType(const TypeDesc& t, bool result) {
  switch (t.kind) {
    case TypeKind::Void: return result ? "void" : "";
    case TypeKind::Bool: return t.isRvalueRef ? "" : "bool";
    case TypeKind::Int:
      // 64-bit integers as parameters only (JS passes safe integers; V8 11.3 returns none of them).
      if (t.bits > 64 || (t.bits == 64 && result) || t.isRvalueRef || isCharacterInt(t)) return "";
      return (t.isSigned ? "i" : "u") + std::to_string(t.bits);
    case TypeKind::Float:
      if (t.isRvalueRef) return "";
      return t.bits == 64 || (result && t.bits == 32) ? "f64" : "";
    default: return "";
  }
}

std::string fastCType(const std::string& type) {
  if (type == "void") return "void";
  if (type == "bool") return "bool";
  if (type == "f64") return "double";
  if (type == "u32") return "uint32_t";
  if (type == "i64") return "int64_t";
  if (type == "u64") return "uint64_t";
  return "int32_t";
}

bool fastEligible(const FunctionDesc& f) {
  if (f.kind == CallableKind::Constructor || f.isVariadic || f.minArgs != f.params.size() || f.params.size() > 8) return false;
  if (f.name.rfind("operator", 0) == 0 || !f.operatorSymbol.empty()) return false;
  if (fastType(f.result, true).empty()) return false;
  for (const auto& p : f.params)
    if (fastType(p.type, false).empty()) return false;
  return true;
}

std::string emitFastEntry(const FunctionDesc& f, const std::string& symbol) {
  bool method = f.kind == CallableKind::Method;
  std::string result = fastCType(fastType(f.result, true));
  std::ostringstream out;
  out << "extern \"C\" " << result << " " << symbol << "(void*" << (method ? ", double self" : "");
  std::string args;
  for (size_t i = 0; i < f.params.size(); ++i) {
    out << ", " << fastCType(fastType(f.params[i].type, false)) << " a" << i;
    args += (i ? ", " : "") + std::string("static_cast<__cppjit::type_t<") + f.params[i].type.spelling + ">>(a" + std::to_string(i) + ")";
  }
  std::string call;
  switch (f.kind) {
    case CallableKind::Method:
      call = "reinterpret_cast<" + f.classSpelling + "*>(static_cast<unsigned long>(self))->" + f.name + "(" + args + ")";
      break;
    case CallableKind::StaticMethod: call = f.classSpelling + "::" + f.name + "(" + args + ")"; break;
    default: call = freeCallee(f, f.params.size()) + "(" + args + ")";
  }
  out << ") {\n  ++__cppjit_fast_calls;\n  try {\n";
  if (result == "void") out << "    " << call << ";\n  } catch (...) {\n    __cppjit_fast_failed();\n  }\n}\n";
  else out << "    return static_cast<" << result << ">(" << call << ");\n  } catch (...) {\n    __cppjit_fast_failed();\n    return " << result << "();\n  }\n}\n";
  return out.str();
}

// fn.async: how the job stores the call's result (on the pool thread) and converts it (on the main
// thread). Objects and pointers are kept as addresses, as the synchronous thunk returns them.
struct AsyncResult {
  std::string member;                         // the job's result member
  std::function<std::string(const std::string&)> store;  // statement storing a call's result
  std::string out;                            // body of out(env)
};

AsyncResult asyncResult(const FunctionDesc& f) {
  const TypeDesc& t = f.result;
  std::string address = "  const void* r = nullptr;\n";
  std::string toAddress = "return address_to_js(env, r);";
  if (f.kind == CallableKind::Constructor)
    return {address, [&f](const std::string& args) { return "r = new " + f.classSpelling + "(" + args + ");"; }, toAddress};
  switch (t.kind) {
    case TypeKind::Void: return {"", [](const std::string& call) { return call + ";"; }, "return undefined(env);"};
    case TypeKind::Bool: case TypeKind::Char: case TypeKind::Int: case TypeKind::Float: case TypeKind::Enum:
    case TypeKind::CString: case TypeKind::StdString: case TypeKind::ArithRef:
      // A copy: a returned reference may not outlive the call's other effects until the main thread reads it.
      return {"  std::optional<std::remove_cvref_t<type_t<" + t.spelling + ">>> r;\n",
              [](const std::string& call) { return "r.emplace(" + call + ");"; }, "return to_js(env, *r);"};
    case TypeKind::Object:
      if (t.signature)
        return {address, [&t](const std::string& call) {
                  return "{ type_t<" + t.value + "> x = " + call + "; if (x) r = new type_t<" + t.value + ">(std::move(x)); }";
                }, "return r ? address_to_js(env, r) : null_value(env);"};
      return {address, [&t](const std::string& call) { return "r = new " + t.value + "(" + call + ");"; }, toAddress};
    case TypeKind::ObjectRef:
      return {address, [](const std::string& call) { return "{ auto&& x = " + call + "; r = (const void*)__builtin_addressof(x); }"; },
              toAddress};
    case TypeKind::ObjectPtr: case TypeKind::Pointer: case TypeKind::FunctionPtr:
      return {address, [](const std::string& call) { return "r = (const void*)(" + call + ");"; }, toAddress};
    default:
      return {"", [](const std::string& call) { return call + ";"; }, "return undefined(env);"};
  }
}

// The asynchronous variant of emitFunction: a job class whose members are the converted
// arguments; the thunk converts into a new job and queues it, returning its promise.
std::string emitAsyncFunction(const FunctionDesc& f, int fid, const std::string& symbol) {
  std::ostringstream decl, code, out;
  bool hasSelf = f.kind == CallableKind::Method;
  size_t offset = hasSelf ? 1 : 0;
  size_t maxArgs = f.params.size();
  size_t capacity = maxArgs + offset > 0 ? maxArgs + offset : 1;
  std::string job = symbol + "_job";
  if (hasSelf) {
    decl << "  " << f.classSpelling << "* self = nullptr;\n";
    code << "  if (argc < 1) return __cppjit_hooks.arityError(env, " << fid << ", 0);\n"
         << "  if (object_in(env, argv[0], self)) return __cppjit_hooks.argError(env, " << fid << ", -1, kDeletedSelf, argv[0]);\n";
  }
  code << "  napi_value* args = argv + " << offset << "; (void)args;\n"
       << "  n = argc - " << offset << ";\n";
  if (f.minArgs < maxArgs) code << "  if (n <= " << maxArgs << ") n = given(env, args, n, " << f.minArgs << ");\n";
  code << "  if (n < " << f.minArgs << " || n > " << maxArgs << ") return __cppjit_hooks.arityError(env, " << fid << ", n);\n";
  std::vector<std::string> passes;
  for (size_t i = 0; i < maxArgs; ++i) passes.push_back(emitParam(decl, code, f.params[i].type, i, fid, i >= f.minArgs));
  AsyncResult result = asyncResult(f);
  auto storeWith = [&](size_t count) {
    std::string argsText;
    for (size_t i = 0; i < count; ++i) argsText += (i ? ", " : "") + passes[i];
    switch (f.kind) {
      case CallableKind::Constructor: return result.store(argsText);
      case CallableKind::Method: return result.store("self->" + f.name + "(" + argsText + ")");
      case CallableKind::StaticMethod: return result.store(f.classSpelling + "::" + f.name + "(" + argsText + ")");
      case CallableKind::Function: return result.store(freeCallee(f, count) + "(" + argsText + ")");
    }
    return std::string();
  };
  out << "namespace __cppjit {\nstruct " << job << " final : async_call {\n"
      << decl.str() << "  size_t n = 0;\n" << result.member
      << "  napi_value in(napi_env env, napi_value* argv, size_t argc) {\n" << code.str() << "  return undefined(env);\n  }\n"
      << "  void run() override {\n";
  if (f.minArgs == maxArgs) {
    out << "    " << storeWith(maxArgs) << "\n";
  } else {
    out << "    switch (n) {\n";
    for (size_t count = f.minArgs; count <= maxArgs; ++count) out << "      case " << count << ": " << storeWith(count) << " break;\n";
    out << "    }\n";
  }
  out << "  }\n  napi_value out(napi_env env) override { " << result.out << " }\n};\n}  // namespace __cppjit\n"
      << "extern \"C\" napi_value " << symbol << "(napi_env env, napi_callback_info info) {\n"
      << "  napi_value argv[" << capacity << "]; size_t argc = " << capacity << ";\n"
      << "  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);\n"
      << "  auto* job = new __cppjit::" << job << ";\n"
      << "  try {\n"
      << "    if (!job->in(env, argv, argc)) { delete job; return nullptr; }\n"
      << "  } catch (const __cppjit::js_exception& e) { delete job; return e.rethrow(env); }\n"
      << "  catch (...) { delete job; return __cppjit_hooks.exception(env); }\n"
      << "  return __cppjit::queue_async(env, job);\n}\n";
  return out.str();
}

std::string unsupportedReason(const FunctionDesc& f) {
  if (f.isVariadic) return "variadic functions are not supported yet";
  for (size_t i = 0; i < f.params.size(); ++i)
    if (!isSupportedParam(f.params[i].type))
      return "parameter " + std::to_string(i + 1) + " of type '" + f.params[i].type.display + "' is not supported yet";
  if (!isSupportedResult(f.result)) return "return type '" + f.result.display + "' is not supported yet";
  return "";
}

// Compiles the call cores that std::function parameters of f need; returns why one cannot be.
// Whether a thunk's text uses what cppjit_prelude_std.hpp declares.
bool needsStdPrelude(const FunctionDesc& f, bool async) {
  if (async) return true;
  auto heavy = [](const TypeDesc& t) {
    return t.kind == TypeKind::CString || t.kind == TypeKind::StdString || t.kind == TypeKind::StringView || takesCallable(t) ||
           t.kind == TypeKind::FunctionPtr;
  };
  if (heavy(f.result)) return true;
  for (const auto& p : f.params)
    if (heavy(p.type)) return true;
  return false;
}

std::string prepareCallbacks(reflex::Session& s, const FunctionDesc& f) {
  for (size_t i = 0; i < f.params.size(); ++i) {
    const TypeDesc& t = f.params[i].type;
    if (!takesCallable(t)) continue;
    std::string why = prepareSignature(s, t.signature);
    if (!why.empty()) return "parameter " + std::to_string(i + 1) + " of type '" + t.display + "': " + why;
  }
  return "";
}

std::unordered_map<int, void*>& fastThunks() {
  static std::unordered_map<int, void*> entries;
  return entries;
}

std::unordered_map<int, void*>& compiledThunks(bool async) {
  static std::unordered_map<int, void*> thunks, asyncThunks;
  return async ? asyncThunks : thunks;
}

Napi::Function makeJsFunction(Napi::Env env, const std::string& name, void* callback) {
  napi_value fn;
  napi_status status = napi_create_function(env, name.c_str(), name.size(), reinterpret_cast<napi_callback>(callback),
                                            nullptr, &fn);
  if (status != napi_ok) throw Napi::Error::New(env, "cannot create a function for " + name);
  return Napi::Function(env, fn);
}

// Compiles the given (symbol, text) units in one input; if the batch fails, each unit is
// retried alone so one uncompilable callable does not take its neighbours down.
std::vector<reflex::Result<void*>> compileBatch(reflex::Session& s, const std::vector<std::pair<std::string, std::string>>& units) {
  std::vector<reflex::Result<void*>> results;
  if (units.empty()) return results;
  std::string text;
  std::vector<std::string> symbols;
  for (const auto& [symbol, code] : units) {
    text += code;
    symbols.push_back(symbol);
  }
  auto batch = s.compile(text, symbols, /*quick=*/true, /*sealed=*/true);
  if (batch.ok()) {
    for (void* p : batch.value()) results.emplace_back(p);
    return results;
  }
  if (units.size() == 1) {
    results.push_back(reflex::Result<void*>::failure(batch.status(), batch.message(), batch.diagnostics()));
    return results;
  }
  for (const auto& unit : units) {
    auto one = compileBatch(s, {unit});
    results.push_back(std::move(one[0]));
  }
  return results;
}

Napi::Value failureValue(Napi::Env env, const std::string& message, const reflex::Result<void*>& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("error", message);
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& d : r.diagnostics()) {
    Napi::Object item = Napi::Object::New(env);
    item.Set("file", d.file);
    item.Set("line", d.line);
    item.Set("column", d.column);
    item.Set("severity", d.severity);
    item.Set("message", d.message);
    list.Set(i++, item);
  }
  o.Set("diagnostics", list);
  return o;
}

using HelperUnits = std::vector<std::pair<std::string, std::string>>;  // (symbol, code) per helper

// A class's helpers: its deleter (called by the object registry from delete() and GC finalizers)
// and, for polymorphic classes, the most-derived lookup behind automatic downcasts.
HelperUnits classHelperUnits(const std::string& spelling, bool polymorphic, bool destructible) {
  std::string base = "__cppjit_c" + std::to_string(++state().thunkCounter);
  std::ostringstream out;
  HelperUnits units;
  if (destructible) {
    out << "extern \"C\" void " << base << "_d(void* p) { delete static_cast<" << spelling << "*>(p); }\n";
    units.emplace_back(base + "_d", out.str());
    out.str("");
  }
  if (polymorphic) {
    // Most-derived address goes to scratch[0]; the type_info address is the result, which JS
    // maps to a class once and caches.
    out << "extern \"C\" napi_value " << base << "_c(napi_env env, napi_callback_info info) {\n"
        << "  using namespace __cppjit; size_t argc = 1; napi_value argv[1];\n"
        << "  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);\n"
        << "  void* p = nullptr; if (argc < 1 || address_in(env, argv[0], p) || !p) return undefined(env);\n"
        << "  auto* o = static_cast<" << spelling << "*>(p);\n"
        << "  __cppjit_hooks.scratch(env)[0] = (double)(uintptr_t)dynamic_cast<void*>(o);\n"
        << "  return address_to_js(env, &typeid(*o));\n}\n";
    units.emplace_back(base + "_c", out.str());
  }
  return units;
}

Napi::Object helpersObject(Napi::Env env, const HelperUnits& units,
                           const std::vector<reflex::Result<void*>>& results) {
  Napi::Object helpers = Napi::Object::New(env);
  for (size_t i = 0; i < units.size(); ++i) {
    bool isDestroy = units[i].first.back() == 'd';
    if (!results[i].ok()) {
      helpers.Set(isDestroy ? "destroyError" : "downcastError", results[i].message());
      continue;
    }
    if (isDestroy) helpers.Set("destroy", Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(results[i].value()))));
    else helpers.Set("downcast", makeJsFunction(env, "downcast", results[i].value()));
  }
  return helpers;
}

struct HelperRequest {
  bool polymorphic = false;
  bool destructible = false;
};

// Classes about to be constructed for the first time, by spelling (announceClassHelpers).
std::unordered_map<std::string, HelperRequest>& helperRequests() {
  static std::unordered_map<std::string, HelperRequest> requests;
  return requests;
}

// Helpers compiled along with a constructor, until compileClassHelpers asks for them.
std::unordered_map<std::string, std::pair<HelperUnits, std::vector<reflex::Result<void*>>>>& compiledHelpers() {
  static std::unordered_map<std::string, std::pair<HelperUnits, std::vector<reflex::Result<void*>>>> done;
  return done;
}

}  // namespace

// compileFunctions(fids: number[], async?: boolean) -> (Function | { error, diagnostics })[]
// With async, each function takes the same arguments and returns a promise (fn.async).
Napi::Value compileFunctions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  Napi::Array fids = info[0].As<Napi::Array>();
  bool async = info.Length() > 1 && info[1].ToBoolean().Value();
  auto& thunks = compiledThunks(async);
  std::vector<std::pair<std::string, std::string>> units;
  std::vector<int> pending;
  std::unordered_map<int, std::string> reasons;
  for (uint32_t i = 0; i < fids.Length(); ++i) {
    int fid = fids.Get(i).As<Napi::Number>().Int32Value();
    if (fid < 0 || fid >= static_cast<int>(st.functions.size()))
      throw Napi::RangeError::New(env, "unknown function id");
    if (thunks.count(fid)) continue;
    std::string reason = unsupportedReason(st.functions[fid]);
    if (reason.empty()) reason = prepareCallbacks(s, st.functions[fid]);
    if (!reason.empty()) {
      reasons[fid] = reason;
      continue;
    }
    if (needsStdPrelude(st.functions[fid], async)) check(env, ensureStdPrelude(s));
    std::string symbol = (async ? "__cppjit_a" : "__cppjit_t") + std::to_string(++st.thunkCounter);
    units.emplace_back(symbol, async ? emitAsyncFunction(st.functions[fid], fid, symbol) : emitFunction(st.functions[fid], fid, symbol));
    pending.push_back(fid);
  }
  // A class's first construction compiles its helpers (deleter, downcast) in the same input:
  // one compile instead of two.
  std::vector<std::pair<std::string, size_t>> helpersAt;  // class spelling, index of its first unit
  if (!async) {
    for (int fid : pending) {
      const FunctionDesc& f = st.functions[fid];
      auto request = helperRequests().find(f.classSpelling);
      if (f.kind != CallableKind::Constructor || request == helperRequests().end()) continue;
      auto helperUnits = classHelperUnits(f.classSpelling, request->second.polymorphic, request->second.destructible);
      helperRequests().erase(request);
      helpersAt.emplace_back(f.classSpelling, units.size());
      units.insert(units.end(), helperUnits.begin(), helperUnits.end());
    }
  }
  auto results = compileBatch(s, units);
  for (size_t h = 0; h < helpersAt.size(); ++h) {
    size_t begin = helpersAt[h].second;
    size_t end = h + 1 < helpersAt.size() ? helpersAt[h + 1].second : units.size();
    HelperUnits helperUnits(units.begin() + begin, units.begin() + end);
    std::vector<reflex::Result<void*>> helperResults;
    for (size_t i = begin; i < end; ++i) helperResults.push_back(std::move(results[i]));
    compiledHelpers()[helpersAt[h].first] = {std::move(helperUnits), std::move(helperResults)};
  }
  std::unordered_map<int, const reflex::Result<void*>*> failures;
  for (size_t i = 0; i < pending.size(); ++i) {
    FunctionDesc& f = st.functions[pending[i]];
    if (!results[i].ok() && !f.templateName.empty()) {
      // A specialization its function type does not pick out (a template parameter only the
      // explicit arguments give): called by its template arguments instead.
      f.templateName.clear();
      std::string symbol = (async ? "__cppjit_a" : "__cppjit_t") + std::to_string(++st.thunkCounter);
      auto again = compileBatch(s, {{symbol, async ? emitAsyncFunction(f, pending[i], symbol) : emitFunction(f, pending[i], symbol)}});
      if (again[0].ok()) results[i] = std::move(again[0]);  // else the first failure says more (an error in its body)
    }
    if (results[i].ok()) thunks[pending[i]] = results[i].value();
    else failures[pending[i]] = &results[i];
  }
  Napi::Array out = Napi::Array::New(env, fids.Length());
  for (uint32_t i = 0; i < fids.Length(); ++i) {
    int fid = fids.Get(i).As<Napi::Number>().Int32Value();
    const FunctionDesc& f = st.functions[fid];
    std::string reason = reasons.count(fid) ? reasons[fid] : "";
    if (!reason.empty()) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("error", f.signature + ": " + reason);
      o.Set("unsupported", true);
      out.Set(i, o);
    } else if (auto found = thunks.find(fid); found != thunks.end()) {
      Napi::Function fn = makeJsFunction(env, f.name, found->second);
      if (fastEntries && !async && fastEligible(f)) {
        // What the JS side needs to route hot calls to a fast entry (src/convert/fastcalls.ts),
        // which compileFastEntry(fid) compiles when the callable turns out to be hot.
        Napi::Object fast = Napi::Object::New(env);
        fast.Set("fid", fid);
        fast.Set("result", fastType(f.result, true));
        Napi::Array params = Napi::Array::New(env, f.params.size());
        for (size_t p = 0; p < f.params.size(); ++p) params.Set(static_cast<uint32_t>(p), fastType(f.params[p].type, false));
        fast.Set("params", params);
        fast.Set("method", f.kind == CallableKind::Method);
        fn.DefineProperty(Napi::PropertyDescriptor::Value("__cppjitFast", fast, napi_default));  // not enumerable
      }
      out.Set(i, fn);
    } else {
      const auto* failure = failures.count(fid) ? failures[fid] : nullptr;
      std::string message = f.signature + ": cannot compile a call: " + (failure ? failure->message() : "unknown error");
      out.Set(i, failure ? failureValue(env, message, *failure) : Napi::Value(Napi::String::New(env, message)));
    }
  }
  return out;
}

// compileClassHelpers(spelling, polymorphic, destructible) -> { destroy (C function address), downcast? }
Napi::Value compileClassHelpers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  std::string spelling = info[0].As<Napi::String>().Utf8Value();
  auto& early = compiledHelpers();
  if (auto done = early.find(spelling); done != early.end()) {
    Napi::Object helpers = helpersObject(env, done->second.first, done->second.second);
    early.erase(done);
    return helpers;
  }
  helperRequests().erase(spelling);
  auto units = classHelperUnits(spelling, info[1].ToBoolean().Value(), info[2].ToBoolean().Value());
  return helpersObject(env, units, compileBatch(s, units));
}

// announceClassHelpers(spelling, polymorphic, destructible): the class is about to be constructed
// for the first time; its helpers compile in the same input as the constructor that is chosen.
Napi::Value announceClassHelpers(const Napi::CallbackInfo& info) {
  std::string spelling = info[0].As<Napi::String>().Utf8Value();
  if (!compiledHelpers().count(spelling))
    helperRequests()[spelling] = {info[1].ToBoolean().Value(), info[2].ToBoolean().Value()};
  return info.Env().Undefined();
}

// variableAddress(qualifiedName) -> number
Napi::Value variableAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string symbol = "__cppjit_v" + std::to_string(++st.thunkCounter);
  std::string text = "extern \"C\" void* " + symbol + "() { return (void*)__builtin_addressof(" + name + "); }\n";
  auto compiled = unwrap(env, s.compile(text, {symbol}, /*quick=*/true, /*sealed=*/true));
  void* address = reinterpret_cast<void* (*)()>(compiled[0])();
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(address)));
}

// functionAddress(fid) -> number: the address of a free or static function (what &f gives C++).
Napi::Value functionAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  static std::unordered_map<int, void*> addresses;
  int fid = info[0].As<Napi::Number>().Int32Value();
  if (fid < 0 || fid >= static_cast<int>(st.functions.size())) throw Napi::RangeError::New(env, "unknown function id");
  auto found = addresses.find(fid);
  if (found == addresses.end()) {
    const FunctionDesc& f = st.functions[fid];
    if (f.kind != CallableKind::Function && f.kind != CallableKind::StaticMethod)
      throw Napi::TypeError::New(env, f.signature + ": only free and static functions have a function pointer");
    std::string symbol = "__cppjit_f" + std::to_string(++st.thunkCounter);
    // The cast picks the overload (and template specialization) this description is.
    std::string text = "extern \"C\" void* " + symbol + "() { return reinterpret_cast<void*>(static_cast<__cppjit::type_t<" +
                       f.functionType + ">*>(&" + f.qualifiedName + ")); }\n";
    auto compiled = unwrap(env, s.compile(text, {symbol}, /*quick=*/true, /*sealed=*/true));
    found = addresses.emplace(fid, reinterpret_cast<void* (*)()>(compiled[0])()).first;
  }
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(found->second)));
}

// pointerCaller(signature, isStdFunction) -> { info, call }: call(address, ...args) calls the C++
// function (or std::function) at address, of that signature, converting like any thunk.
Napi::Value pointerCaller(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  static std::unordered_map<int, std::pair<int, void*>> callers;  // (signature, std::function?) -> (fid, thunk)
  int id = info[0].As<Napi::Number>().Int32Value();
  bool isStdFunction = info[1].ToBoolean().Value();
  const reflex::FunctionSignature* sig = signatureById(id);
  if (!sig) throw Napi::RangeError::New(env, "unknown callback signature");
  int key = id * 2 + (isStdFunction ? 1 : 0);
  auto found = callers.find(key);
  if (found == callers.end()) {
    FunctionDesc f;
    f.kind = CallableKind::Function;
    f.name = "(*)";
    f.qualifiedName = f.name;
    f.result = sig->result;
    std::string pointerType = isStdFunction ? "std::function<" + sig->spelling + ">*" : "__cppjit::type_t<" + sig->spelling + ">*";
    std::string params;
    for (const auto& p : sig->params) {
      reflex::ParamDesc pd;
      pd.type = p;
      f.params.push_back(pd);
      params += (params.empty() ? "" : ", ") + p.display;
    }
    f.minArgs = static_cast<unsigned>(f.params.size());
    f.isVariadic = sig->isVariadic;
    f.signature = isStdFunction ? "std::function<" + sig->result.display + " (" + params + ")>"
                                : sig->result.display + " (*)(" + params + ")";
    std::string reason = unsupportedReason(f);
    if (reason.empty()) reason = prepareCallbacks(s, f);
    if (!reason.empty()) throw Napi::TypeError::New(env, "cannot call a function pointer of type " + f.signature + ": " + reason);
    // Synthetic callables have no declaration: they get a fid without entering fidByDecl.
    int fid = static_cast<int>(st.functions.size());
    st.functions.push_back(f);
    std::string symbol = "__cppjit_p" + std::to_string(++st.thunkCounter);
    check(env, ensureStdPrelude(s));
    auto compiled = unwrap(env, s.compile(emitFunction(f, fid, symbol, pointerType), {symbol}, /*quick=*/true, /*sealed=*/true));
    found = callers.emplace(key, std::make_pair(fid, compiled[0])).first;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("info", describeFunction(env, st.functions[found->second.first], found->second.first));
  out.Set("call", makeJsFunction(env, "call", found->second.second));
  return out;
}

// compileVariadic(fid, types: string[]) -> { info, call }: a thunk calling the variadic function fid
// with extra arguments of exactly these (already promoted) types; JS caches one per type list.
Napi::Value compileVariadic(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  int fid = info[0].As<Napi::Number>().Int32Value();
  if (fid < 0 || fid >= static_cast<int>(st.functions.size())) throw Napi::RangeError::New(env, "unknown function id");
  FunctionDesc f = st.functions[fid];
  if (!f.isVariadic) throw Napi::TypeError::New(env, f.signature + " is not variadic");
  Napi::Array types = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < types.Length(); ++i) {
    std::string spelling = types.Get(i).As<Napi::String>().Utf8Value();
    reflex::ParamDesc p;
    p.type = unwrap(env, s.parseType(spelling));
    p.name = "...";
    f.params.push_back(std::move(p));
  }
  f.isVariadic = false;
  f.minArgs = static_cast<unsigned>(f.params.size());
  std::string reason = unsupportedReason(f);
  if (!reason.empty()) throw Napi::TypeError::New(env, f.signature + ": " + reason);
  int vfid = static_cast<int>(st.functions.size());
  st.functions.push_back(f);
  std::string symbol = "__cppjit_va" + std::to_string(++st.thunkCounter);
  check(env, ensureStdPrelude(s));
  auto compiled = unwrap(env, s.compile(emitFunction(f, vfid, symbol), {symbol}, /*quick=*/true, /*sealed=*/true));
  Napi::Object out = Napi::Object::New(env);
  out.Set("info", describeFunction(env, st.functions[vfid], vfid));
  out.Set("call", makeJsFunction(env, f.name, compiled[0]));
  return out;
}

reflex::Outcome ensureStdPrelude(reflex::Session& s) {
  auto& st = state();
  if (st.stdPreludeLoaded) return reflex::success();
  // An input of its own, not part of a thunk's: it declares what later thunks use.
  auto parsed = s.compile("#include \"" + st.stdPrelude + "\"\n", {}, /*quick=*/true);
  if (!parsed.ok())
    return reflex::Outcome::failure(parsed.status(), "cannot compile the thunk prelude: " + parsed.message(), parsed.diagnostics());
  st.stdPreludeLoaded = true;
  return reflex::success();
}

// prepareEvaluate(expression) -> function description of a generated function returning it
Napi::Value prepareEvaluate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& s = session(env);
  auto& st = state();
  std::string expression = info[0].As<Napi::String>().Utf8Value();
  std::string name = "__cppjit_eval" + std::to_string(++st.thunkCounter);
  check(env, s.declare("auto " + name + "() {\nreturn (\n" + expression + "\n);\n}"));
  reflex::MemberDesc m = s.lookup(s.globalScope(), name);
  if (m.kind != reflex::MemberKind::Functions || m.functions.empty())
    throw Napi::Error::New(env, "cannot evaluate: " + expression);
  return describeFunction(env, m.functions[0]);
}

}  // namespace cppjit

// ---- V8 fast calls: the JS side's handles ----
extern "C" int* cppjit_fast_gate();
extern "C" int* cppjit_fast_failure();
extern "C" unsigned long cppjit_fast_count();
void cppjit_fast_take(std::exception_ptr& out);

namespace cppjit {

// compileFastEntry(fid) -> address of the callable's fast entry (compiled once), or 0 when it does not compile.
Napi::Value compileFastEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto& st = state();
  int fid = info[0].As<Napi::Number>().Int32Value();
  if (fid < 0 || fid >= static_cast<int>(st.functions.size())) throw Napi::RangeError::New(env, "unknown function id");
  void* entry = nullptr;
  if (auto found = fastThunks().find(fid); found != fastThunks().end()) {
    entry = found->second;
  } else if (fastEligible(st.functions[fid])) {
    std::string symbol = "__cppjit_f" + std::to_string(++st.thunkCounter);
    // Optimised (unlike thunks): it runs on every hot call, and only hot callables get one.
    auto compiled = session(env).compile(emitFastEntry(st.functions[fid], symbol), {symbol}, /*quick=*/false, /*sealed=*/true);
    if (compiled.ok()) entry = compiled.value()[0];
    fastThunks()[fid] = entry;
  }
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(entry)));
}

// fastSupport() -> { gate, failure }: turns fast entries on for later compiles and gives this JS
// thread views of the gate (nonzero: do not take the fast path) and of its failure flag.
Napi::Value fastSupport(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  fastEntries = true;
  Napi::Object out = Napi::Object::New(env);
  out.Set("gate", Napi::ArrayBuffer::New(env, cppjit_fast_gate(), sizeof(int)));
  out.Set("failure", Napi::ArrayBuffer::New(env, cppjit_fast_failure(), sizeof(int)));
  return out;
}

// Throws, as the Node-API thunk would have, the C++ exception of this thread's last failed fast call.
Napi::Value fastRethrow(const Napi::CallbackInfo& info) {
  std::exception_ptr pending;
  cppjit_fast_take(pending);
  if (!pending) return info.Env().Undefined();
  try {
    std::rethrow_exception(pending);
  } catch (...) {
    return Napi::Value(info.Env(), throwCurrentException(info.Env()));
  }
}

Napi::Value fastCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(cppjit_fast_count()));
}

}  // namespace cppjit
