// reflex/src/layout.cpp — class and enum descriptions: bases, fields with offsets, constructors, enumerators.
#include <clang/AST/Mangle.h>
#include <clang/AST/RecordLayout.h>

#include <clang/Sema/Lookup.h>
#include <clang/Sema/Overload.h>

#include "Internal.h"

namespace reflex {
namespace {

bool publicOrProtected(const clang::Decl* d, bool& isProtected) {
  isProtected = d->getAccess() == clang::AS_protected;
  return d->getAccess() != clang::AS_private;
}

// Key of a method's overridable identity: name, parameter types and qualifiers (not the result,
// which an override may change covariantly).
std::string overrideKey(const clang::CXXMethodDecl* m) {
  std::string key = m->getNameAsString() + "(";
  for (const clang::ParmVarDecl* p : m->parameters()) key += p->getType().getCanonicalType().getAsString() + ",";
  key += ")";
  if (m->isConst()) key += "c";
  if (m->isVolatile()) key += "v";
  key += std::to_string(static_cast<int>(m->getRefQualifier()));
  return key;
}

// Virtual methods a class derived from `rd` may override: the most derived declaration of each.
void collectVirtuals(Session::Impl& s, const clang::CXXRecordDecl* rd, std::set<std::string>& seen,
                     std::vector<FunctionDesc>& out) {
  for (const clang::CXXMethodDecl* m : rd->methods()) {
    if (!m->isVirtual() || llvm::isa<clang::CXXDestructorDecl>(m) || !m->getDeclName().isIdentifier()) continue;
    if (m->getDescribedFunctionTemplate()) continue;
    if (!seen.insert(overrideKey(m)).second) continue;
    if (m->hasAttr<clang::FinalAttr>()) continue;  // seen, so the bases' versions are not offered either
    FunctionDesc d = describeFunction(s, m);
    d.isProtected = m->getAccess() == clang::AS_protected;
    d.isPrivate = m->getAccess() == clang::AS_private;
    out.push_back(std::move(d));
  }
  for (const clang::CXXBaseSpecifier& base : rd->bases())
    if (auto* b = base.getType()->getAsCXXRecordDecl(); b && b->hasDefinition()) collectVirtuals(s, b->getDefinition(), seen, out);
}

// Whether Clang can lay the class out: valid, and every base and field type complete and valid.
// getASTRecordLayout has no error path; it crashes on an invalid or incomplete part (seen with
// Eigen's expression templates when listing everything a header declares).
bool hasComputableLayout(const clang::CXXRecordDecl* rd) {
  if (!rd || rd->isInvalidDecl() || !rd->hasDefinition() || rd->isDependentType()) return false;
  rd = rd->getDefinition();
  for (const clang::CXXBaseSpecifier& base : rd->bases()) {
    auto* b = base.getType()->getAsCXXRecordDecl();
    if (!b || !hasComputableLayout(b)) return false;
  }
  for (const clang::FieldDecl* field : rd->fields()) {
    if (field->isInvalidDecl()) return false;
    clang::QualType t = field->getType();
    if (t->isDependentType() || (t->isIncompleteType() && !t->isIncompleteArrayType())) return false;
    if (auto* inner = t->getBaseElementTypeUnsafe()->getAsCXXRecordDecl(); inner && !hasComputableLayout(inner)) return false;
  }
  return true;
}

// Members of anonymous structs and unions are members of the enclosing class, as in C: they are
// flattened into it with their offsets. Offsets and bit positions are Clang's own layout
// (#pragma pack, alignas and bit-field packing included).
void collectFields(Session::Impl& s, const clang::RecordDecl* rd, uint64_t baseBits, std::vector<FieldDesc>& out) {
  const clang::ASTRecordLayout& layout = s.ast().getASTRecordLayout(rd);
  unsigned index = 0;
  for (const clang::FieldDecl* field : rd->fields()) {
    unsigned fieldIndex = index++;
    bool isProtected = false;
    if (!publicOrProtected(field, isProtected)) continue;
    uint64_t bits = baseBits + layout.getFieldOffset(fieldIndex);
    if (field->isAnonymousStructOrUnion()) {
      if (auto* inner = field->getType()->getAsRecordDecl()) collectFields(s, inner, bits, out);
      continue;
    }
    if (field->getName().empty()) continue;  // unnamed bit-fields are padding
    FieldDesc f;
    f.name = field->getName().str();
    f.type = describeType(s, field->getType());
    f.offset = bits / 8;
    f.isBitField = field->isBitField();
    if (f.isBitField) {
      f.bitOffset = static_cast<unsigned>(bits % 8);
      f.bitWidth = field->getBitWidthValue(s.ast());
    }
    f.isConst = field->getType().isConstQualified();
    f.isProtected = isProtected;
    out.push_back(std::move(f));
  }
}

}  // namespace

// Whether range-for over an object of this class uses free begin/end found by argument-dependent
// lookup: the class has no member named begin or end (its own or inherited), and ADL finds a begin.
static bool hasAdlRange(Session::Impl& s, const clang::CXXRecordDecl* rd) {
  auto& sema = s.sema();
  auto* record = const_cast<clang::CXXRecordDecl*>(rd);
  for (const char* member : {"begin", "end"}) {
    clang::LookupResult found(sema, clang::DeclarationName(&s.ast().Idents.get(member)), clang::SourceLocation(),
                              clang::Sema::LookupMemberName);
    sema.LookupQualifiedName(found, record);
    if (!found.empty()) return false;
  }
  // Overload resolution of begin(x) among what ADL finds: namespace std's begin templates are found
  // for every std class, and viable only for those with a begin member.
  clang::OpaqueValueExpr object(clang::SourceLocation(), s.ast().getRecordType(rd), clang::VK_LValue);
  clang::Expr* args[] = {&object};
  clang::OverloadCandidateSet candidates(clang::SourceLocation(), clang::OverloadCandidateSet::CSK_Normal);
  sema.AddArgumentDependentLookupCandidates(clang::DeclarationName(&s.ast().Idents.get("begin")), clang::SourceLocation(), args,
                                            nullptr, candidates);
  clang::OverloadCandidateSet::iterator best;
  return candidates.BestViableFunction(sema, clang::SourceLocation(), best) == clang::OR_Success;
}

Result<ClassDesc> Session::describeClass(ScopeRef scope, bool forDerivation) {
  auto& s = *impl_;
  auto* rd = llvm::dyn_cast_or_null<clang::CXXRecordDecl>(asDecl(scope));
  if (!rd) return Result<ClassDesc>::failure(Status::NotFound, "not a class");
  ClassDesc c;
  c.ref = scope;
  c.name = rd->getName().str();
  c.spelling = qualifiedSpelling(s, s.ast().getRecordType(rd));
  {
    clang::PrintingPolicy p = s.policy();
    p.SuppressDefaultTemplateArgs = true;
    llvm::raw_string_ostream os(c.displayName);
    rd->getNameForDiagnostic(os, p, /*Qualified=*/true);
    os.flush();
    // The one default-argument spelling everybody knows by its typedef.
    for (size_t at; (at = c.displayName.find("std::basic_string<char>")) != std::string::npos;)
      c.displayName.replace(at, 23, "std::string");
  }
  c.isStruct = rd->isStruct();
  if (!isUsableRecord(s, rd) || rd->isDependentType()) {
    c.isComplete = false;
    return c;  // incomplete (opaque) classes are still usable through pointers
  }
  rd = rd->getDefinition();
  if (!hasComputableLayout(rd)) {
    c.isComplete = false;
    return c;  // Clang would crash computing it (an invalid or incomplete part): opaque, like incomplete
  }
  c.ref = scopeOf(rd);
  c.isComplete = true;
  // Implicit special members (default/copy constructors, destructor) exist only once asked for.
  if (!rd->isInvalidDecl()) s.sema().ForceDeclarationOfImplicitMembers(const_cast<clang::CXXRecordDecl*>(rd));

  const clang::ASTRecordLayout& layout = s.ast().getASTRecordLayout(rd);
  c.size = static_cast<uint64_t>(layout.getSize().getQuantity());
  c.align = static_cast<uint64_t>(layout.getAlignment().getQuantity());
  c.isPolymorphic = rd->isPolymorphic();
  c.isAbstract = rd->isAbstract();
  c.isAggregate = rd->isAggregate();
  c.hasTrivialDefaultConstructor = rd->hasTrivialDefaultConstructor();
  if (auto* dtor = rd->getDestructor()) c.hasPublicDestructor = dtor->getAccess() == clang::AS_public && !dtor->isDeleted();

  for (const clang::CXXBaseSpecifier& base : rd->bases()) {
    auto* baseRecord = base.getType()->getAsCXXRecordDecl();
    if (!baseRecord) continue;
    BaseDesc b;
    b.record = scopeOf(baseRecord->getDefinition());
    b.spelling = qualifiedSpelling(s, base.getType());
    b.isVirtual = base.isVirtual();
    b.isPublic = base.getAccessSpecifier() == clang::AS_public;
    b.offset = b.isVirtual ? layout.getVBaseClassOffset(baseRecord).getQuantity()
                           : layout.getBaseClassOffset(baseRecord).getQuantity();
    c.bases.push_back(std::move(b));
  }

  for (const clang::CXXBaseSpecifier& vbase : rd->vbases()) {
    auto* baseRecord = vbase.getType()->getAsCXXRecordDecl();
    if (!baseRecord) continue;
    BaseDesc b;
    b.record = scopeOf(baseRecord->getDefinition());
    b.spelling = qualifiedSpelling(s, vbase.getType());
    b.isVirtual = true;
    b.isPublic = vbase.getAccessSpecifier() == clang::AS_public;
    b.offset = layout.getVBaseClassOffset(baseRecord).getQuantity();
    c.virtualBases.push_back(std::move(b));
  }
  c.isFinal = rd->hasAttr<clang::FinalAttr>();
  if (forDerivation && c.isPolymorphic && !c.isFinal) {
    std::set<std::string> seenVirtuals;
    collectVirtuals(s, rd, seenVirtuals, c.virtuals);
    for (const clang::CXXConstructorDecl* ctor : rd->ctors()) {
      if (ctor->isDeleted() || ctor->getAccess() == clang::AS_private || ctor->isMoveConstructor()) continue;
      if (ctor->getTemplatedKind() == clang::FunctionDecl::TK_FunctionTemplate) continue;
      FunctionDesc d = describeFunction(s, ctor);
      d.isProtected = ctor->getAccess() == clang::AS_protected;
      c.baseConstructors.push_back(std::move(d));
    }
  }

  collectFields(s, rd, 0, c.fields);

  for (const clang::CXXConstructorDecl* ctor : rd->ctors()) {
    if (ctor->isImplicit() && !ctor->isDeleted()) continue;
    const char* why = ctor->isDeleted() ? "deleted" : ctor->getAccess() == clang::AS_private ? "private"
                      : ctor->getAccess() == clang::AS_protected ? "protected" : nullptr;
    if (why && !(ctor->isImplicit() && ctor->isMoveConstructor()))
      c.hiddenConstructors.push_back(describeFunction(s, ctor).signature + " is " + why);
  }
  if (!c.isAbstract) {
    // Constructors inherited with `using Base::Base`: Clang declares the derived class's own
    // (inheriting) constructor only when a construction uses it; declared here, it is described
    // and called like any constructor of the class.
    std::vector<const clang::CXXConstructorDecl*> inherited;
    for (const clang::Decl* d : rd->decls()) {
      auto* shadow = llvm::dyn_cast<clang::ConstructorUsingShadowDecl>(d);
      auto* base = shadow ? llvm::dyn_cast<clang::CXXConstructorDecl>(shadow->getTargetDecl()) : nullptr;
      // Copy, move and default constructors are not inherited; a private one is not reachable.
      if (!base || base->isDeleted() || base->getAccess() == clang::AS_private || base->isCopyOrMoveConstructor() ||
          base->getNumParams() == 0 || base->isInvalidDecl())
        continue;
      if (auto* made = s.sema().findInheritingConstructor(rd->getLocation(), const_cast<clang::CXXConstructorDecl*>(base),
                                                            const_cast<clang::ConstructorUsingShadowDecl*>(shadow)))
        inherited.push_back(made);
    }
    for (const clang::CXXConstructorDecl* ctor : rd->ctors()) {
      if (ctor->isDeleted() || ctor->getAccess() != clang::AS_public) continue;
      if (ctor->isInheritingConstructor()) continue;  // listed below, once
      // Move constructors take std.move(x); an lvalue ranks the copy constructor first.
      c.constructors.push_back(describeFunction(s, ctor));
    }
    for (const clang::CXXConstructorDecl* ctor : inherited)
      if (!ctor->isDeleted() && ctor->getAccess() == clang::AS_public) c.constructors.push_back(describeFunction(s, ctor));
    for (const clang::Decl* d : rd->decls())
      if (auto* ft = llvm::dyn_cast<clang::FunctionTemplateDecl>(d))
        if (llvm::isa<clang::CXXConstructorDecl>(ft->getTemplatedDecl()) && ft->getAccess() == clang::AS_public &&
            !ft->getTemplatedDecl()->isDeleted())
          c.hasConstructorTemplates = true;
  }

  std::set<std::string> seen;
  for (const clang::Decl* d : rd->decls()) {
    auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
    bool isProtected = false;
    if (!nd || nd->isImplicit() || !publicOrProtected(nd, isProtected)) continue;
    const clang::Decl* target = d;
    if (auto* shadow = llvm::dyn_cast<clang::UsingShadowDecl>(d)) target = shadow->getTargetDecl();
    if (auto* tmpl = llvm::dyn_cast<clang::FunctionTemplateDecl>(target)) target = tmpl->getTemplatedDecl();
    if (auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(target)) {
      if (auto* conv = llvm::dyn_cast<clang::CXXConversionDecl>(method); conv && !conv->isDeleted() && !isProtected) {
        std::string name = "operator " + qualifiedSpelling(s, conv->getConversionType());
        if (seen.insert(name).second) c.conversions.emplace_back(name, qualifiedSpelling(s, conv->getConversionType()));
        continue;
      }
      if (llvm::isa<clang::CXXConstructorDecl>(method) || llvm::isa<clang::CXXDestructorDecl>(method) ||
          llvm::isa<clang::CXXConversionDecl>(method) || method->isDeleted())
        continue;
      std::string name;
      llvm::raw_string_ostream os(name);
      method->getNameForDiagnostic(os, s.policy(), false);
      if (seen.insert(os.str()).second) c.methodNames.push_back(os.str());
      continue;
    }
    // The enumerators of an unnamed enum are members of the class (ICU's BreakIterator::DONE).
    if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(target); ed && !ed->isScoped() && !ed->getIdentifier() && !ed->getTypedefNameForAnonDecl()) {
      for (const auto* ec : ed->enumerators())
        if (seen.insert(ec->getName().str()).second) c.staticNames.push_back(ec->getName().str());
      continue;
    }
    if (!nd->getDeclName().isIdentifier() || nd->getName().empty()) continue;
    if (llvm::isa<clang::VarDecl>(target) || llvm::isa<clang::TagDecl>(target) ||
        llvm::isa<clang::TypedefNameDecl>(target) || llvm::isa<clang::ClassTemplateDecl>(target) ||
        llvm::isa<clang::TypeAliasTemplateDecl>(target)) {
      if (seen.insert(nd->getName().str()).second) c.staticNames.push_back(nd->getName().str());
      if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(target); ed && !ed->isScoped())
        for (const auto* ec : ed->enumerators())
          if (seen.insert(ec->getName().str()).second) c.staticNames.push_back(ec->getName().str());
    }
  }

  c.adlRange = hasAdlRange(s, rd);
  if (c.isPolymorphic) {
    std::unique_ptr<clang::MangleContext> mangler(s.ast().createMangleContext());
    std::string mangled;
    llvm::raw_string_ostream os(mangled);
    mangler->mangleCXXRTTIName(s.ast().getRecordType(rd), os);
    os.flush();
    // The symbol is "_ZTS<type>"; typeid(x).name() returns just "<type>".
    c.typeinfoName = mangled.rfind("_ZTS", 0) == 0 ? mangled.substr(4) : mangled;
  }
  return c;
}

Result<EnumDesc> Session::describeEnum(ScopeRef scope) {
  auto& s = *impl_;
  auto* ed = llvm::dyn_cast_or_null<clang::EnumDecl>(asDecl(scope));
  if (!ed) return Result<EnumDesc>::failure(Status::NotFound, "not an enum");
  if (auto* def = ed->getDefinition()) ed = def;
  EnumDesc e;
  e.ref = scopeOf(ed);
  e.spelling = qualifiedSpelling(s, s.ast().getEnumType(ed));
  e.isScoped = ed->isScoped();
  clang::QualType underlying = ed->getIntegerType();
  if (underlying.isNull()) underlying = s.ast().IntTy;
  e.underlying = describeType(s, underlying);
  for (const clang::EnumConstantDecl* ec : ed->enumerators()) {
    EnumConstantDesc c;
    c.name = ec->getName().str();
    const llvm::APSInt& v = ec->getInitVal();
    c.isUnsignedBig = v.isUnsigned() && v.getActiveBits() > 63;
    c.value = c.isUnsignedBig ? static_cast<int64_t>(v.getZExtValue()) : v.getExtValue();
    e.constants.push_back(c);
  }
  return e;
}

}  // namespace reflex
