// reflex/src/functions.cpp — describes functions, methods and constructors once, for thunks and overload ranking.
#include "Internal.h"

namespace reflex {

FunctionDesc describeFunction(Session::Impl& s, const clang::FunctionDecl* fn) {
  FunctionDesc d;
  d.ref = FuncRef{fn};
  d.isDeleted = fn->isDeleted();
  d.isVariadic = fn->isVariadic();

  auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(fn);
  if (auto* ctor = llvm::dyn_cast<clang::CXXConstructorDecl>(fn)) {
    d.kind = CallableKind::Constructor;
    d.isExplicit = ctor->isExplicit();
  }
  else if (method && method->isStatic()) d.kind = CallableKind::StaticMethod;
  else if (method) d.kind = CallableKind::Method;
  else d.kind = CallableKind::Function;
  if (d.kind == CallableKind::Function || d.kind == CallableKind::StaticMethod)
    if (auto* fpt = fn->getType()->getAs<clang::FunctionProtoType>()) d.functionType = functionTypeSpelling(s, fpt);
  if (method) {
    d.isConst = method->isConst();
    d.isVirtual = method->isVirtual();
    d.isPure = method->isPureVirtual();
    d.refQualifier = method->getRefQualifier() == clang::RQ_LValue ? 1 : method->getRefQualifier() == clang::RQ_RValue ? 2 : 0;
    if (auto* fpt = method->getType()->getAs<clang::FunctionProtoType>())
      d.isNoexcept = !clang::isUnresolvedExceptionSpec(fpt->getExceptionSpecType()) && fpt->isNothrow();
    d.classSpelling = qualifiedSpelling(s, s.ast().getRecordType(method->getParent()));
  }

  {
    std::string name;
    llvm::raw_string_ostream os(name);
    fn->getNameForDiagnostic(os, s.policy(), /*Qualified=*/false);
    d.name = os.str();
  }
  {
    std::string qualified;
    llvm::raw_string_ostream os(qualified);
    fn->printQualifiedName(os, s.policy());
    d.qualifiedName = os.str();
  }
  // A specialization of a function template must be called with its arguments spelled out.
  if (fn->isOverloadedOperator()) d.operatorSymbol = clang::getOperatorSpelling(fn->getOverloadedOperator());
  if (auto* args = fn->getTemplateSpecializationArgs()) {
    d.isSpecialization = true;
    // Only with a function type that is final (no deduced result, no exception specification still to instantiate).
    auto* fpt = fn->getType()->getAs<clang::FunctionProtoType>();
    if (d.kind == CallableKind::Function && !fn->isOverloadedOperator() && fn->getFriendObjectKind() == clang::Decl::FOK_None &&
        fpt && !fn->getReturnType()->isUndeducedType() && !clang::isUnresolvedExceptionSpec(fpt->getExceptionSpecType()))
      d.templateName = d.qualifiedName;
    std::string spelled;
    llvm::raw_string_ostream os(spelled);
    fn->getNameForDiagnostic(os, s.policy(), /*Qualified=*/true);
    d.qualifiedName = os.str();
    (void)args;
  }

  // A friend defined in its class (a hidden friend) is found only by argument-dependent lookup:
  // generated code must call it unqualified.
  if (d.kind == CallableKind::Function && fn->getFriendObjectKind() != clang::Decl::FOK_None && !fn->getTemplateSpecializationArgs())
    d.qualifiedName = d.name;

  unsigned minArgs = 0;
  bool seenDefault = false;
  for (const clang::ParmVarDecl* p : fn->parameters()) {
    ParamDesc pd;
    pd.name = p->getName().str();
    pd.type = describeType(s, p->getType());
    pd.hasDefault = p->hasDefaultArg();
    if (pd.hasDefault && !p->hasUninstantiatedDefaultArg() && !p->hasUnparsedDefaultArg() && p->getDefaultArg()) {
      llvm::raw_string_ostream os(pd.defaultText);
      p->getDefaultArg()->printPretty(os, nullptr, s.policy());
    }
    if (pd.hasDefault) seenDefault = true;
    if (!seenDefault) ++minArgs;
    d.params.push_back(std::move(pd));
  }
  d.minArgs = minArgs;
  if (d.kind == CallableKind::Constructor) {
    d.result.kind = TypeKind::Object;
    d.result.spelling = d.classSpelling;
    d.result.record = scopeOf(method->getParent());
  } else {
    d.result = describeType(s, fn->getReturnType());
    // A returned T*& reads as the pointer it refers to (only parameters take an ll.ref box for it).
    if (d.result.kind == TypeKind::ArithRef && (d.result.pointeeKind == TypeKind::Pointer || d.result.pointeeKind == TypeKind::ObjectPtr)) {
      std::string display = d.result.display;
      d.result = describeType(s, fn->getReturnType().getNonReferenceType());
      d.result.display = display;
    }
  }

  // Display signature, the way a C++ programmer would write it.
  std::string sig;
  if (d.kind == CallableKind::StaticMethod) sig += "static ";
  if (d.kind != CallableKind::Constructor) sig += d.result.display + " ";
  sig += d.kind == CallableKind::Function ? d.qualifiedName : (d.classSpelling + "::" + d.name);
  sig += "(";
  for (size_t i = 0; i < d.params.size(); ++i) {
    if (i) sig += ", ";
    sig += d.params[i].type.display;
    if (!d.params[i].name.empty()) sig += " " + d.params[i].name;
    if (d.params[i].hasDefault) sig += " = " + (d.params[i].defaultText.empty() ? std::string("…") : d.params[i].defaultText);
  }
  if (d.isVariadic) sig += d.params.empty() ? "..." : ", ...";
  sig += ")";
  if (d.isConst) sig += " const";
  d.signature = sig;
  return d;
}

}  // namespace reflex
