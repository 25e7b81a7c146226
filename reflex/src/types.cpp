// reflex/src/types.cpp — classifies C++ types into the kinds the JS converters understand.
#include <clang/AST/QualTypeNames.h>
#include <clang/AST/Type.h>

#include "Internal.h"

namespace reflex {
namespace {

// std::<name><char, ...>: the standard library's char instantiation of a string-like template.
bool isStdCharTemplate(const clang::CXXRecordDecl* rd, llvm::StringRef name) {
  if (!rd || !rd->isInStdNamespace() || rd->getName() != name) return false;
  auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(rd);
  if (!spec || spec->getTemplateArgs().size() < 1) return false;
  const auto& arg = spec->getTemplateArgs()[0];
  return arg.getKind() == clang::TemplateArgument::Type &&
         (arg.getAsType()->isSpecificBuiltinType(clang::BuiltinType::Char_S) ||
          arg.getAsType()->isSpecificBuiltinType(clang::BuiltinType::Char_U));
}

bool isStdString(const clang::CXXRecordDecl* rd) { return isStdCharTemplate(rd, "basic_string"); }
bool isStringView(const clang::CXXRecordDecl* rd) { return isStdCharTemplate(rd, "basic_string_view"); }

bool isPlainChar(clang::QualType t) {
  return t->isSpecificBuiltinType(clang::BuiltinType::Char_S) || t->isSpecificBuiltinType(clang::BuiltinType::Char_U);
}

// wchar_t, char16_t, char32_t: their const pointers are C strings of UTF-16/UTF-32 text.
bool isWideChar(clang::QualType t) {
  return t->isSpecificBuiltinType(clang::BuiltinType::WChar_S) || t->isSpecificBuiltinType(clang::BuiltinType::WChar_U) ||
         t->isSpecificBuiltinType(clang::BuiltinType::Char16) || t->isSpecificBuiltinType(clang::BuiltinType::Char32);
}

// Fills kind/bits/isSigned for arithmetic and enum types; returns false for anything else.
bool classifyArithmetic(Session::Impl& s, clang::QualType canon, TypeKind& kind, uint16_t& bits, bool& isSigned) {
  auto& ast = s.ast();
  if (canon->isBooleanType()) {
    kind = TypeKind::Bool;
    bits = 8;
    return true;
  }
  if (isPlainChar(canon)) {
    kind = TypeKind::Char;
    bits = 8;
    isSigned = canon->isSignedIntegerType();
    return true;
  }
  if (auto* et = canon->getAs<clang::EnumType>()) {
    kind = TypeKind::Enum;
    auto underlying = et->getDecl()->getIntegerType();
    if (underlying.isNull()) underlying = ast.IntTy;
    bits = static_cast<uint16_t>(ast.getTypeSize(underlying));
    isSigned = underlying->isSignedIntegerType();
    return true;
  }
  if (canon->isIntegerType() && canon->isBuiltinType()) {
    kind = TypeKind::Int;
    bits = static_cast<uint16_t>(ast.getTypeSize(canon));
    isSigned = canon->isSignedIntegerType();
    return bits <= 64;
  }
  if (canon->isRealFloatingType()) {
    kind = TypeKind::Float;
    bits = static_cast<uint16_t>(ast.getTypeSize(canon));
    isSigned = true;
    return true;
  }
  return false;
}

// The value range of an enum whose underlying type is not fixed: that of the smallest bit-field
// holding all its enumerators.
void enumRange(clang::QualType canon, TypeDesc& d) {
  auto* et = canon->getAs<clang::EnumType>();
  const clang::EnumDecl* ed = et ? et->getDecl()->getDefinition() : nullptr;
  if (!ed || ed->isFixed()) return;
  unsigned positive = ed->getNumPositiveBits(), negative = ed->getNumNegativeBits();
  if (negative == 0) {
    unsigned bits = std::max(1u, positive);
    if (bits >= 63) return;
    d.enumMin = 0;
    d.enumMax = (int64_t(1) << bits) - 1;
  } else {
    unsigned bits = std::max(negative, positive + 1);
    if (bits >= 63) return;
    d.enumMin = -(int64_t(1) << (bits - 1));
    d.enumMax = (int64_t(1) << (bits - 1)) - 1;
  }
  d.enumBounded = true;
}

// Implicit special members may have an exception specification not computed yet (asking would assert).
bool isNoexcept(const clang::FunctionProtoType* fpt) {
  return !clang::isUnresolvedExceptionSpec(fpt->getExceptionSpecType()) && fpt->isNothrow();
}

const clang::CXXRecordDecl* recordOf(clang::QualType canon) {
  if (auto* rt = canon->getAs<clang::RecordType>()) return llvm::dyn_cast<clang::CXXRecordDecl>(rt->getDecl());
  return nullptr;
}

// The R(A...) of a std::function<R(A...)>, or null for any other class.
const clang::FunctionProtoType* stdFunctionSignature(const clang::CXXRecordDecl* rd) {
  if (!rd || !rd->isInStdNamespace() || rd->getName() != "function") return nullptr;
  auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(rd);
  if (!spec || spec->getTemplateArgs().size() != 1) return nullptr;
  const auto& arg = spec->getTemplateArgs()[0];
  if (arg.getKind() != clang::TemplateArgument::Type) return nullptr;
  return arg.getAsType().getCanonicalType()->getAs<clang::FunctionProtoType>();
}

std::shared_ptr<const FunctionSignature> describeSignature(Session::Impl& s, const clang::FunctionProtoType* fpt) {
  auto sig = std::make_shared<FunctionSignature>();
  sig->result = describeType(s, fpt->getReturnType());
  for (clang::QualType p : fpt->getParamTypes()) sig->params.push_back(describeType(s, p));
  sig->isVariadic = fpt->isVariadic();
  sig->isNoexcept = isNoexcept(fpt);
  sig->spelling = functionTypeSpelling(s, fpt);
  return sig;
}


}  // namespace

std::string functionTypeSpelling(Session::Impl& s, const clang::FunctionProtoType* fpt) {
  // Clang's fully-qualified printer leaves the parameter and result types of function types
  // unqualified, so a function type is spelled from its parts.
  std::string text = qualifiedSpelling(s, fpt->getReturnType()) + " (";
  bool first = true;
  for (clang::QualType p : fpt->getParamTypes()) {
    text += (first ? "" : ", ") + qualifiedSpelling(s, p);
    first = false;
  }
  if (fpt->isVariadic()) text += first ? "..." : ", ...";
  text += ")";
  if (isNoexcept(fpt)) text += " noexcept";
  return text;
}

namespace {

// Whether a type reaches a function type or a std::function through pointers and references:
// Clang's fully-qualified printer leaves the parts of function types unqualified.
bool involvesFunctionType(clang::QualType canon) {
  while (canon->isPointerType() || canon->isReferenceType()) canon = canon->getPointeeType().getCanonicalType();
  return canon->isFunctionProtoType() || stdFunctionSignature(recordOf(canon));
}

}  // namespace

// Whether a type names a class nested privately (or protectedly) in another: its canonical
// spelling cannot be used outside, only a public alias of it (`using P = Priv;`).
static bool namesHiddenClass(clang::QualType canon) {
  while (canon->isReferenceType() || canon->isPointerType()) canon = canon->getPointeeType();
  for (const clang::Decl* d = canon->getAsCXXRecordDecl(); d; d = llvm::dyn_cast<clang::Decl>(d->getDeclContext())) {
    if (!llvm::isa<clang::CXXRecordDecl>(d->getDeclContext())) break;
    if (d->getAccess() == clang::AS_private || d->getAccess() == clang::AS_protected) return true;
  }
  return false;
}

std::string qualifiedSpelling(Session::Impl& s, clang::QualType type) {
  // Canonical types always name something reachable from the global scope (no private
  // member typedefs, no dependent sugar), which is what generated code needs; a privately nested
  // class is reachable through the public alias it was declared with.
  clang::QualType canon = type.getCanonicalType();
  if (type != canon && namesHiddenClass(canon))
    return clang::TypeName::getFullyQualifiedName(type, s.ast(), s.policy(), /*WithGlobalNsPrefix=*/false);
  // A lambda's closure class has no name to spell: it gets a global alias, declared directly in
  // the AST (a lambda returned by a function, `auto f() { return [](int x) { ... }; }`).
  if (auto* rd = canon->getAsCXXRecordDecl(); rd && rd->isLambda()) {
    auto found = s.closureNames.find(rd);
    if (found == s.closureNames.end()) {
      clang::ASTContext& ast = s.ast();
      std::string name = s.nextName("__cppjit_closure_");
      clang::TranslationUnitDecl* tu = ast.getTranslationUnitDecl();
      auto* alias = clang::TypedefDecl::Create(ast, tu, clang::SourceLocation(), clang::SourceLocation(), &ast.Idents.get(name),
                                               ast.getTrivialTypeSourceInfo(ast.getRecordType(rd)));
      tu->addDecl(alias);
      found = s.closureNames.emplace(rd, name).first;
    }
    return std::string(canon.isConstQualified() ? "const " : "") + found->second;
  }
  // The class itself (its own description, a wrapper's cast): a public alias in the class that
  // encloses it, if it has one.
  if (auto* rd = canon->getAsCXXRecordDecl(); rd && namesHiddenClass(canon)) {
    if (auto* parent = llvm::dyn_cast<clang::CXXRecordDecl>(rd->getDeclContext())) {
      for (const clang::Decl* d : parent->decls()) {
        auto* alias = llvm::dyn_cast<clang::TypedefNameDecl>(d);
        if (alias && alias->getAccess() == clang::AS_public &&
            s.ast().hasSameType(alias->getUnderlyingType(), s.ast().getRecordType(rd)))
          return std::string(canon.isConstQualified() ? "const " : "") +
                 qualifiedSpelling(s, s.ast().getRecordType(parent)) + "::" + alias->getNameAsString();
      }
    }
  }
  if (!involvesFunctionType(canon)) {
    // Printing the canonical type with FullyQualifiedName qualifies every name at any depth
    // (TypeName::getFullyQualifiedName misses enums inside function types in template arguments).
    clang::PrintingPolicy p = s.policy();
    p.PrintCanonicalTypes = true;
    return canon.getAsString(p);
  }
  std::string cv = std::string(canon.isConstQualified() ? "const " : "") + (canon.isVolatileQualified() ? "volatile " : "");
  if (canon->isReferenceType())
    return qualifiedSpelling(s, canon->getPointeeType()) + (canon->isRValueReferenceType() ? " &&" : " &");
  if (canon->isPointerType()) {
    // std::add_pointer_t (the prelude includes <type_traits>) spells any pointer without a
    // declarator, so function pointers nest in template arguments and result types.
    return cv + "std::add_pointer_t<" + qualifiedSpelling(s, canon->getPointeeType()) + ">";
  }
  if (auto* fpt = canon->getAs<clang::FunctionProtoType>()) return functionTypeSpelling(s, fpt);
  return cv + "std::function<" + functionTypeSpelling(s, stdFunctionSignature(recordOf(canon))) + ">";
}

std::string displaySpelling(Session::Impl& s, clang::QualType type) {
  clang::PrintingPolicy p(s.ast().getLangOpts());
  p.SuppressUnwrittenScope = true;
  p.SuppressTagKeyword = true;
  p.Bool = true;
  return type.getAsString(p);
}

TypeDesc describeType(Session::Impl& s, clang::QualType type) {
  TypeDesc d;
  d.display = displaySpelling(s, type);
  d.spelling = qualifiedSpelling(s, type);
  d.value = qualifiedSpelling(s, type.getNonReferenceType().getUnqualifiedType());
  clang::QualType canon = type.getCanonicalType();

  if (canon->isVoidType()) {
    d.kind = TypeKind::Void;
    return d;
  }
  if (classifyArithmetic(s, canon, d.kind, d.bits, d.isSigned)) {
    if (d.kind == TypeKind::Enum) enumRange(canon, d);
    return d;
  }

  if (auto* rd = recordOf(canon)) {
    if (isStdString(rd)) {
      d.kind = TypeKind::StdString;
    } else if (isStringView(rd)) {
      d.kind = TypeKind::StringView;
    } else {
      d.kind = TypeKind::Object;
      d.record = scopeOf(rd);
      d.pointee = d.spelling;
      if (auto* fpt = stdFunctionSignature(rd)) d.signature = describeSignature(s, fpt);
    }
    return d;
  }

  if (canon->isReferenceType()) {
    clang::QualType pointee = canon->getPointeeType();
    clang::QualType pointeeCanon = pointee.getCanonicalType();
    bool isConst = pointee.isConstQualified();
    d.isConst = isConst;
    d.isRvalueRef = canon->isRValueReferenceType();
    d.pointee = qualifiedSpelling(s, pointee.getUnqualifiedType());
    if (auto* rd = recordOf(pointeeCanon)) {
      if (isStdString(rd) && (isConst || d.isRvalueRef)) {
        d.kind = TypeKind::StdString;
        return d;
      }
      if (isStringView(rd) && isConst) {
        d.kind = TypeKind::StringView;
        return d;
      }
      d.kind = TypeKind::ObjectRef;
      d.record = scopeOf(rd);
      d.pointeeKind = isStdString(rd) ? TypeKind::StdString : TypeKind::Object;
      // A std::function a callee may modify (non-const &) must be a real instance; the others
      // can be built from a JS function.
      if (isConst || d.isRvalueRef)
        if (auto* fpt = stdFunctionSignature(rd)) d.signature = describeSignature(s, fpt);
      return d;
    }
    TypeKind kind;
    uint16_t bits = 0;
    bool isSigned = false;
    if (classifyArithmetic(s, pointeeCanon, kind, bits, isSigned)) {
      if (isConst || d.isRvalueRef) {
        // const T& / T&& of a value type: passed like a value, read like a value.
        d.kind = kind;
        d.bits = bits;
        d.isSigned = isSigned;
        if (kind == TypeKind::Enum) enumRange(pointeeCanon, d);
        return d;
      }
      d.kind = TypeKind::ArithRef;
      d.pointeeKind = kind;
      d.pointeeBits = bits;
      d.pointeeSigned = isSigned;
      return d;
    }
    if (pointeeCanon->isPointerType() && isConst) {
      // const T*& behaves as a T* value.
      TypeDesc inner = describeType(s, pointee.getUnqualifiedType());
      inner.display = d.display;
      return inner;
    }
    if (pointeeCanon->isPointerType() && !pointeeCanon->getPointeeType()->isFunctionType() && !d.isRvalueRef) {
      // T*& (a C++ out parameter): passed like T& of an arithmetic T, as the address of an
      // ll.ref box of T* (the thunk dereferences it).
      d.kind = TypeKind::ArithRef;
      auto* rd = recordOf(pointeeCanon->getPointeeType().getCanonicalType());
      d.pointeeKind = rd && rd->hasDefinition() ? TypeKind::ObjectPtr : TypeKind::Pointer;
      d.pointeeBits = static_cast<uint16_t>(s.ast().getTypeSize(pointeeCanon));
      return d;
    }
    d.kind = TypeKind::Unsupported;
    return d;
  }

  if (canon->isPointerType()) {
    clang::QualType pointee = canon->getPointeeType();
    clang::QualType pointeeCanon = pointee.getCanonicalType();
    d.isConst = pointee.isConstQualified();
    d.pointee = qualifiedSpelling(s, pointee.getUnqualifiedType());
    if ((isPlainChar(pointeeCanon) || isWideChar(pointeeCanon)) && d.isConst) {
      // d.pointee names the character type (thunks keep the text in a std::basic_string of it).
      d.kind = TypeKind::CString;
      return d;
    }
    if (pointeeCanon->isFunctionType()) {
      d.kind = TypeKind::FunctionPtr;
      if (auto* fpt = pointeeCanon->getAs<clang::FunctionProtoType>()) d.signature = describeSignature(s, fpt);
      return d;
    }
    if (auto* rd = recordOf(pointeeCanon)) {
      if (rd->hasDefinition()) {
        d.kind = TypeKind::ObjectPtr;
        d.record = scopeOf(rd);
        d.pointeeKind = TypeKind::Object;
        return d;
      }
    }
    d.kind = TypeKind::Pointer;
    // A parameter declared as an array (`int v[3]`) keeps its length: a shorter TypedArray is refused.
    if (auto* decayed = type->getAs<clang::DecayedType>())
      if (auto* array = llvm::dyn_cast<clang::ConstantArrayType>(decayed->getOriginalType().getCanonicalType().getTypePtr()))
        d.arrayLength = array->getSize().getZExtValue();
    if (!classifyArithmetic(s, pointeeCanon, d.pointeeKind, d.pointeeBits, d.pointeeSigned)) {
      d.pointeeKind = pointeeCanon->isVoidType() ? TypeKind::Void
                      : pointeeCanon->isPointerType() ? TypeKind::Pointer
                                                      : TypeKind::Unsupported;
    }
    return d;
  }
  if (llvm::isa<clang::ConstantArrayType>(canon.getTypePtr())) {
    // Multi-dimensional arrays are one run of elements, as C lays them out.
    uint64_t length = 1;
    clang::QualType element = canon;
    while (auto* a = llvm::dyn_cast<clang::ConstantArrayType>(element.getCanonicalType().getTypePtr())) {
      length *= a->getSize().getZExtValue();
      element = a->getElementType();
    }
    clang::QualType elementCanon = element.getCanonicalType();
    d.kind = TypeKind::Array;
    d.arrayLength = length;
    d.isConst = element.isConstQualified();
    d.pointee = qualifiedSpelling(s, element.getUnqualifiedType());
    if (!elementCanon->isIncompleteType()) d.elementSize = static_cast<uint64_t>(s.ast().getTypeSizeInChars(elementCanon).getQuantity());
    if (auto* rd = recordOf(elementCanon)) {
      d.pointeeKind = isStdString(rd) ? TypeKind::StdString : TypeKind::Object;
      d.record = scopeOf(rd);
    } else if (!classifyArithmetic(s, elementCanon, d.pointeeKind, d.pointeeBits, d.pointeeSigned)) {
      d.pointeeKind = elementCanon->isPointerType() ? TypeKind::Pointer : TypeKind::Unsupported;
    }
    return d;
  }
  if (canon->isNullPtrType()) {
    d.kind = TypeKind::Pointer;
    d.pointeeKind = TypeKind::Void;
    return d;
  }
  d.kind = TypeKind::Unsupported;
  return d;
}

Result<TypeDesc> Session::parseType(const std::string& spelling) {
  // Let Clang itself parse the spelling: an alias declaration accepts every C++ type-id.
  std::string alias = impl_->nextName("__cppjit_type_");
  auto outcome = impl_->run("using " + alias + " = " + spelling + ";\n");
  if (!outcome.ok()) return Result<TypeDesc>::failure(outcome.status(), outcome.message(), outcome.diagnostics());
  auto& ast = impl_->ast();
  auto lookup = ast.getTranslationUnitDecl()->lookup(clang::DeclarationName(&ast.Idents.get(alias)));
  for (auto* decl : lookup) {
    if (auto* td = llvm::dyn_cast<clang::TypedefNameDecl>(decl)) {
      clang::QualType t = td->getUnderlyingType();
      if (auto* rd = t->getAsCXXRecordDecl()) (void)isUsableRecord(*impl_, rd);  // instantiate on demand
      return describeType(*impl_, t);
    }
  }
  return Result<TypeDesc>::failure(Status::NotFound, "cannot resolve type: " + spelling);
}

Result<uint64_t> Session::sizeOf(const std::string& typeSpelling) {
  std::string alias = impl_->nextName("__cppjit_type_");
  auto outcome = impl_->run("using " + alias + " = " + typeSpelling + ";\n");
  if (!outcome.ok()) return Result<uint64_t>::failure(outcome.status(), outcome.message(), outcome.diagnostics());
  auto& ast = impl_->ast();
  auto lookup = ast.getTranslationUnitDecl()->lookup(clang::DeclarationName(&ast.Idents.get(alias)));
  for (auto* decl : lookup) {
    if (auto* td = llvm::dyn_cast<clang::TypedefNameDecl>(decl)) {
      clang::QualType t = td->getUnderlyingType();
      if (!impl_->sema().isCompleteType(clang::SourceLocation(), t) || t->isVoidType())
        return Result<uint64_t>::failure(Status::Unsupported, "sizeof of an incomplete type: " + typeSpelling);
      return static_cast<uint64_t>(ast.getTypeSizeInChars(t).getQuantity());
    }
  }
  return Result<uint64_t>::failure(Status::NotFound, "cannot resolve type: " + typeSpelling);
}

}  // namespace reflex
