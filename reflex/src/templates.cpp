// reflex/src/templates.cpp — class template instantiation by spelling and function template calls resolved by Clang itself.
#include <map>

#include "Internal.h"

namespace reflex {
namespace {

const clang::TypedefNameDecl* findAlias(Session::Impl& s, const std::string& alias) {
  auto& ast = s.ast();
  for (auto* decl : ast.getTranslationUnitDecl()->lookup(clang::DeclarationName(&ast.Idents.get(alias))))
    if (auto* td = llvm::dyn_cast<clang::TypedefNameDecl>(decl)) return td;
  return nullptr;
}

// The function a call-like expression ends up calling, through the wrappers Sema adds.
const clang::FunctionDecl* calleeOf(const clang::Expr* e) {
  while (e) {
    e = e->IgnoreImplicit()->IgnoreParens();
    if (auto* call = llvm::dyn_cast<clang::CallExpr>(e)) return call->getDirectCallee();
    if (auto* construct = llvm::dyn_cast<clang::CXXConstructExpr>(e)) return construct->getConstructor();
    if (auto* cast = llvm::dyn_cast<clang::ExplicitCastExpr>(e)) {
      e = cast->getSubExpr();
      continue;
    }
    if (auto* bind = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(e)) {
      e = bind->getSubExpr();
      continue;
    }
    if (auto* cleanups = llvm::dyn_cast<clang::ExprWithCleanups>(e)) {
      e = cleanups->getSubExpr();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

}  // namespace

Result<ScopeRef> Session::instantiateClass(const std::string& spelling) {
  // sizeof forces the class complete inside an input, so an instantiation that does not compile
  // is reported with diagnostics and rolled back rather than left half-instantiated.
  std::string alias = impl_->nextName("__cppjit_class_");
  impl_->queryInput = true;
  auto outcome = impl_->run("using " + alias + " = " + spelling + ";\nconstexpr unsigned long " + alias +
                            "_size = sizeof(" + alias + ");\n");
  impl_->queryInput = false;
  if (!outcome.ok()) return Result<ScopeRef>::failure(outcome.status(), outcome.message(), outcome.diagnostics());
  const clang::TypedefNameDecl* td = findAlias(*impl_, alias);
  const clang::CXXRecordDecl* rd = td ? td->getUnderlyingType()->getAsCXXRecordDecl() : nullptr;
  if (!rd || !rd->hasDefinition())
    return Result<ScopeRef>::failure(Status::NotFound, spelling + " does not name a class");
  return scopeOf(rd->getDefinition());
}

Result<FunctionDesc> Session::resolveTemplateCall(const TemplateCall& call) {
  // Let Clang do deduction and overload resolution on an unevaluated call with arguments of
  // the given types, then read the chosen specialization off the decltype expression.
  std::string args;
  for (size_t i = 0; i < call.argTypes.size(); ++i)
    args += (i ? ", " : "") + std::string("__cppjit_declval<") + call.argTypes[i] + ">()";
  std::string templateArgs = "<" + call.explicitArgs + ">";
  std::string expression;
  auto arg = [&](size_t i) { return "__cppjit_declval<" + call.argTypes[i] + ">()"; };
  size_t n = call.argTypes.size();
  if (!call.op.empty()) {
    if (n == 0) return Result<FunctionDesc>::failure(Status::NotFound, "an operator needs an operand");
    const std::string& op = call.op;
    if (op == "conversion") expression = "static_cast<" + call.explicitArgs + ">(" + arg(0) + ")";
    else if (op == "()") {
      std::string rest;
      for (size_t i = 1; i < n; ++i) rest += (i > 1 ? ", " : "") + arg(i);
      expression = arg(0) + "(" + rest + ")";
    } else if (op == "[]" && n == 2) expression = arg(0) + "[" + arg(1) + "]";
    else if ((op == "++" || op == "--") && n == 2) expression = arg(0) + op;  // postfix
    else if (n == 1) expression = op + " " + arg(0);
    else if (n == 2) {
      // Appended piece by piece: GCC 12 reports a false -Wrestrict for "(" + std::string&&.
      expression = "(";
      expression += arg(0);
      expression += ") " + op + " (";
      expression += arg(1);
      expression += ")";
    }
    else return Result<FunctionDesc>::failure(Status::NotFound, "operator" + op + " takes one or two operands");
  } else if (call.isConstructor) expression = call.callee + "(" + args + ")";
  else if (!call.objectType.empty())
    expression = "__cppjit_declval<" + call.objectType + "&>().template " + call.callee + templateArgs + "(" + args + ")";
  else expression = call.callee + templateArgs + "(" + args + ")";
  std::string alias = impl_->nextName("__cppjit_call_");
  auto outcome = impl_->run("using " + alias + " = decltype(" + expression + ");\n");
  if (!outcome.ok()) return Result<FunctionDesc>::failure(outcome.status(), outcome.message(), outcome.diagnostics());
  const clang::TypedefNameDecl* td = findAlias(*impl_, alias);
  const auto* decltypeType = td ? td->getUnderlyingType()->getAs<clang::DecltypeType>() : nullptr;
  const clang::FunctionDecl* fn = decltypeType ? calleeOf(decltypeType->getUnderlyingExpr()) : nullptr;
  // A comparison C++20 rewrites (`a != b` from operator==, `a < b` from operator<=>, operands
  // swapped) calls no operator function of its own spelling: it is called through a helper
  // function template that makes the same comparison, so Clang still chooses what it does.
  const clang::Expr* used = decltypeType ? decltypeType->getUnderlyingExpr()->IgnoreImplicit()->IgnoreParens() : nullptr;
  if (!fn && used && llvm::isa<clang::CXXRewrittenBinaryOperator>(used) && n == 2) {
    static const std::map<std::string, std::string> names = {{"==", "eq"}, {"!=", "ne"}, {"<", "lt"},
                                                             {"<=", "le"}, {">", "gt"}, {">=", "ge"}};
    auto name = names.find(call.op);
    if (name != names.end()) {
      if (!impl_->comparisonHelpers) {
        std::string helpers = "namespace __cppjit_cmp {\n";
        for (const auto& [op, word] : names)
          helpers += "template <class A, class B> auto " + word + "(A&& a, B&& b) -> decltype(static_cast<A&&>(a) " + op +
                     " static_cast<B&&>(b)) { return static_cast<A&&>(a) " + op + " static_cast<B&&>(b); }\n";
        auto defined = impl_->run(impl_->shielded(helpers + "}\n"));
        if (!defined.ok()) return Result<FunctionDesc>::failure(defined.status(), defined.message(), defined.diagnostics());
        impl_->comparisonHelpers = true;
      }
      TemplateCall through;
      through.callee = "__cppjit_cmp::" + name->second;
      through.argTypes = call.argTypes;
      return resolveTemplateCall(through);
    }
  }
  if (!fn) return Result<FunctionDesc>::failure(Status::NotFound, "no function template matches " + expression);
  FunctionDesc d = describeFunction(*impl_, fn);
  // Arguments given explicitly are often not deducible from the function type (std::make_unique<T>):
  // the call spells them (see FunctionDesc::templateName).
  if (!call.explicitArgs.empty()) d.templateName.clear();
  return d;
}

}  // namespace reflex
