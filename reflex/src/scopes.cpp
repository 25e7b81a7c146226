// reflex/src/scopes.cpp — name lookup in namespaces and classes, member listing, scope names.
#include <clang/AST/DeclFriend.h>
#include <clang/AST/RawCommentList.h>
#include <clang/Sema/Lookup.h>
#include <clang/Sema/Sema.h>
#include <llvm/ADT/SmallBitVector.h>

#include <cxxabi.h>

#include <cstdlib>

#include "Internal.h"

namespace reflex {
namespace {

bool isAccessible(const clang::Decl* d, bool& isProtected) {
  isProtected = false;
  switch (d->getAccess()) {
    case clang::AS_private: return false;
    case clang::AS_protected: isProtected = true; return true;
    default: return true;
  }
}

bool isHiddenName(llvm::StringRef name) {
  // Reserved implementation names and cppjit's own generated helpers are resolvable but not listed.
  return name.empty() || name.starts_with("__") || name.starts_with("_GLIBCXX") ;
}

const clang::Decl* stripUsing(const clang::NamedDecl* d) {
  if (auto* shadow = llvm::dyn_cast<clang::UsingShadowDecl>(d)) return shadow->getTargetDecl();
  return d;
}

void addFunction(Session::Impl& s, MemberDesc& m, const clang::FunctionDecl* fn, bool isProtected) {
  if (llvm::isa<clang::CXXConstructorDecl>(fn) || llvm::isa<clang::CXXDestructorDecl>(fn)) return;
  if (fn->isDeleted()) return;
  if (fn->getTemplatedKind() == clang::FunctionDecl::TK_FunctionTemplate) return;
  FunctionDesc desc = describeFunction(s, fn);
  desc.isProtected = isProtected;
  m.functions.push_back(std::move(desc));
}

// Only what a declaration generator needs: dependent types are never described (they have no
// layout), a parameter that is exactly a template type parameter is named by its index.
TemplateShape describeTemplate(Session::Impl& s, const clang::FunctionTemplateDecl* ft) {
  TemplateShape shape;
  const clang::TemplateParameterList* tps = ft->getTemplateParameters();
  for (const clang::NamedDecl* p : *tps) shape.typeParams.push_back(p->getName().str());
  const clang::FunctionDecl* fn = ft->getTemplatedDecl();
  if (auto* md = llvm::dyn_cast<clang::CXXMethodDecl>(fn)) shape.isStatic = md->isStatic();
  bool seenDefault = false;
  for (const clang::ParmVarDecl* p : fn->parameters()) {
    TemplateParamShape ps;
    ps.name = p->getName().str();
    ps.isPack = p->isParameterPack();
    clang::QualType bare = p->getType().getNonReferenceType().getUnqualifiedType();
    auto* tt = bare->getAs<clang::TemplateTypeParmType>();
    if (!ps.isPack && tt && tt->getDepth() == tps->getDepth() && tt->getIndex() < shape.typeParams.size())
      ps.typeParam = static_cast<int>(tt->getIndex());
    else if (p->getType()->isDependentType() || p->getType()->isUndeducedType() || ps.isPack)
      ps.dependent = true;
    else
      ps.type = describeType(s, p->getType());
    if (p->hasDefaultArg() || ps.isPack) seenDefault = true;
    if (!seenDefault) ++shape.minArgs;
    shape.params.push_back(std::move(ps));
  }
  llvm::SmallBitVector deduced;
  clang::Sema::MarkDeducedTemplateParameters(s.ast(), ft, deduced);
  for (unsigned i = 0; i < tps->size(); ++i) {
    const clang::NamedDecl* p = tps->getParam(i);
    bool defaulted = false;
    if (auto* t = llvm::dyn_cast<clang::TemplateTypeParmDecl>(p)) defaulted = t->hasDefaultArgument();
    else if (auto* n = llvm::dyn_cast<clang::NonTypeTemplateParmDecl>(p)) defaulted = n->hasDefaultArgument();
    else if (auto* tt = llvm::dyn_cast<clang::TemplateTemplateParmDecl>(p)) defaulted = tt->hasDefaultArgument();
    if (!defaulted && !p->isTemplateParameterPack() && (i >= deduced.size() || !deduced[i])) shape.needsExplicit = true;
  }
  clang::QualType result = fn->getReturnType();
  shape.resultDependent = result->isDependentType() || result->isUndeducedType();
  if (!shape.resultDependent) shape.result = describeType(s, result);
  return shape;
}

}  // namespace

const clang::DeclContext* asDeclContext(ScopeRef scope) {
  return llvm::dyn_cast_or_null<clang::DeclContext>(const_cast<clang::Decl*>(asDecl(scope)));
}

bool isUsableRecord(Session::Impl& s, const clang::CXXRecordDecl* rd) {
  if (!rd) return false;
  if (rd->hasDefinition()) return true;
  // Class template specializations are only declared until something needs them complete.
  // Complete them inside an input of their own: instantiating from outside a parse leaves
  // members half-instantiated, and a failure is then rolled back like any other input.
  if (!llvm::isa<clang::ClassTemplateSpecializationDecl>(rd)) return false;
  std::string spelling = qualifiedSpelling(s, s.ast().getRecordType(rd));
  s.queryInput = true;
  auto outcome = s.run("constexpr unsigned long " + s.nextName("__cppjit_size_") + " = sizeof(" + spelling + ");\n");
  s.queryInput = false;
  return outcome.ok() && rd->hasDefinition();
}

ScopeRef Session::globalScope() const { return scopeOf(impl_->ast().getTranslationUnitDecl()); }

bool Session::isGlobalScope(ScopeRef scope) const {
  return scope && llvm::isa<clang::TranslationUnitDecl>(static_cast<const clang::Decl*>(scope.decl));
}

std::string Session::qualifiedName(ScopeRef scope) const {
  const clang::Decl* d = asDecl(scope);
  if (!d || llvm::isa<clang::TranslationUnitDecl>(d)) return "";
  if (auto* rd = llvm::dyn_cast<clang::RecordDecl>(d)) return qualifiedSpelling(*impl_, impl_->ast().getRecordType(rd));
  if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(d)) return qualifiedSpelling(*impl_, impl_->ast().getEnumType(ed));
  if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d)) {
    std::string out;
    llvm::raw_string_ostream os(out);
    nd->printQualifiedName(os, impl_->policy());
    return os.str();
  }
  return "";
}

namespace {

// The declaration a global name stands for when a header renames it with an object-like macro (ICU's
// `#define u_isalpha u_isalpha_72`, built by token pasting; GMP's `#define mpz_sizeinbase
// __gmpz_sizeinbase`): C code calls it by that name, and so do cppyy users. The preprocessor expands
// it in a using-declaration; nullptr when the macro does not name a declaration.
const clang::NamedDecl* macroTarget(Session::Impl& s, const std::string& name) {
  auto* ident = s.pp().getIdentifierInfo(name);
  const clang::MacroInfo* info = ident ? s.pp().getMacroInfo(ident) : nullptr;
  if (!info || !info->isObjectLike() || info->getNumTokens() == 0) return nullptr;
  // Only expansions that can spell a name: identifiers, (a, b) of function-like macros, ##.
  for (const clang::Token& t : info->tokens())
    if (!t.isAnyIdentifier() && !t.isOneOf(clang::tok::l_paren, clang::tok::r_paren, clang::tok::comma, clang::tok::hashhash,
                                           clang::tok::coloncolon, clang::tok::numeric_constant))
      return nullptr;
  if (auto known = s.macroTargets.find(name); known != s.macroTargets.end()) return known->second;
  const clang::NamedDecl*& target = s.macroTargets[name];
  std::string ns = s.nextName("__cppjit_alias_");
  if (!s.run("namespace " + ns + " { using ::" + name + "; }\n").ok()) return nullptr;
  clang::LookupResult found(s.sema(), clang::DeclarationName(&s.ast().Idents.get(ns)), clang::SourceLocation(),
                            clang::Sema::LookupNamespaceName);
  s.sema().LookupQualifiedName(found, s.ast().getTranslationUnitDecl());
  auto* space = found.getAsSingle<clang::NamespaceDecl>();
  if (!space) return nullptr;
  for (const clang::Decl* d : space->decls())
    if (auto* shadow = llvm::dyn_cast<clang::UsingShadowDecl>(d)) return target = shadow->getTargetDecl();
  return nullptr;
}

MemberDesc lookupMember(Session::Impl& s, ScopeRef scope, const std::string& name) {
  MemberDesc m;
  m.name = name;
  auto* dc = const_cast<clang::DeclContext*>(asDeclContext(scope));
  if (!dc || name.empty()) return m;
  auto& ast = s.ast();
  bool inClass = llvm::isa<clang::CXXRecordDecl>(dc);
  if (inClass && !isUsableRecord(s, llvm::cast<clang::CXXRecordDecl>(dc))) return m;

  std::vector<const clang::NamedDecl*> found;
  clang::DeclarationName declName;
  if (name.rfind("operator", 0) == 0 && name.size() > 8 && !std::isalnum(static_cast<unsigned char>(name[8])) && name[8] != '_') {
    // "operator+" etc.: find the overloaded operator by its spelling.
    std::string op = name.substr(8);
    while (!op.empty() && op.front() == ' ') op.erase(op.begin());
#define OVERLOADED_OPERATOR(Name, Spelling, Token, Unary, Binary, MemberOnly) \
  if (op == Spelling) declName = ast.DeclarationNames.getCXXOperatorName(clang::OO_##Name);
#include <clang/Basic/OperatorKinds.def>
    if (op == "()") declName = ast.DeclarationNames.getCXXOperatorName(clang::OO_Call);
    if (op == "[]") declName = ast.DeclarationNames.getCXXOperatorName(clang::OO_Subscript);
    if (declName.isEmpty()) return m;
  } else {
    declName = clang::DeclarationName(&ast.Idents.get(name));
  }

  if (inClass) {
    // Only the class's own members: bases are mirrored by the JS prototype chain.
    for (auto* d : dc->getPrimaryContext()->lookup(declName)) found.push_back(d);
  } else {
    // Sema's lookup sees inline namespaces and using-directives, as C++ code would.
    clang::LookupResult result(s.sema(), declName, clang::SourceLocation(), clang::Sema::LookupOrdinaryName);
    s.sema().LookupQualifiedName(result, dc);
    for (auto* d : result) found.push_back(d);
    if (found.empty()) {
      clang::LookupResult tags(s.sema(), declName, clang::SourceLocation(), clang::Sema::LookupTagName);
      s.sema().LookupQualifiedName(tags, dc);
      for (auto* d : tags) found.push_back(d);
    }
  }

  for (const clang::NamedDecl* nd : found) {
    bool isProtected = false;
    if (inClass && !isAccessible(nd, isProtected)) continue;
    const clang::Decl* d = stripUsing(nd);
    if (auto* alias = llvm::dyn_cast<clang::NamespaceAliasDecl>(d)) d = alias->getNamespace();
    if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(d)) {
      m.kind = MemberKind::Namespace;
      m.scope = scopeOf(ns->getCanonicalDecl());
      return m;
    }
    if (auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d)) {
      m.kind = MemberKind::Functions;
      addFunction(s, m, fn, isProtected);
      continue;
    }
    if (auto* ft = llvm::dyn_cast<clang::FunctionTemplateDecl>(d)) {
      if (llvm::isa<clang::CXXConstructorDecl>(ft->getTemplatedDecl())) continue;
      m.kind = MemberKind::Functions;
      m.hasTemplates = true;
      if (!isProtected) m.templates.push_back(describeTemplate(s, ft));
      if (m.qualifiedName.empty()) {
        llvm::raw_string_ostream os(m.qualifiedName);
        ft->printQualifiedName(os, s.policy());
      }
      continue;
    }
    if (llvm::isa<clang::ClassTemplateDecl>(d) || llvm::isa<clang::TypeAliasTemplateDecl>(d)) {
      if (m.kind == MemberKind::Functions) continue;
      m.kind = MemberKind::ClassTemplate;
      llvm::raw_string_ostream os(m.qualifiedName);
      llvm::cast<clang::NamedDecl>(d)->printQualifiedName(os, s.policy());
      return m;
    }
    if (auto* rd = llvm::dyn_cast<clang::CXXRecordDecl>(d)) {
      if (m.kind == MemberKind::Functions) continue;  // a function hides a same-named struct
      m.kind = MemberKind::Class;
      const clang::CXXRecordDecl* def = rd->getDefinition();
      m.scope = scopeOf(def ? def : rd->getCanonicalDecl());
      return m;
    }
    if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(d)) {
      m.kind = MemberKind::Enum;
      const clang::EnumDecl* def = ed->getDefinition();
      m.scope = scopeOf(def ? def : ed);
      return m;
    }
    if (auto* ec = llvm::dyn_cast<clang::EnumConstantDecl>(d)) {
      m.kind = MemberKind::EnumConstant;
      m.type = describeType(s, ast.getEnumType(llvm::cast<clang::EnumDecl>(ec->getDeclContext())));
      const llvm::APSInt& v = ec->getInitVal();
      m.enumConstant.name = name;
      m.enumConstant.isUnsignedBig = v.isUnsigned() && v.getActiveBits() > 63;
      m.enumConstant.value = m.enumConstant.isUnsignedBig ? static_cast<int64_t>(v.getZExtValue()) : v.getExtValue();
      return m;
    }
    if (auto* vd = llvm::dyn_cast<clang::VarDecl>(d)) {
      if (!vd->hasGlobalStorage() && !vd->isStaticDataMember()) continue;
      m.kind = MemberKind::Variable;
      m.variable = VarRef{vd};
      {
        llvm::raw_string_ostream os(m.qualifiedName);
        vd->printQualifiedName(os, s.policy());
      }
      m.type = describeType(s, vd->getType());
      m.isConst = vd->getType().isConstQualified() || vd->isConstexpr();
      return m;
    }
    if (auto* td = llvm::dyn_cast<clang::TypedefNameDecl>(d)) {
      clang::QualType target = td->getUnderlyingType().getCanonicalType();
      if (auto* rd = target->getAsCXXRecordDecl()) {
        if (!isUsableRecord(s, rd)) continue;
        m.kind = MemberKind::Class;
        m.scope = scopeOf(rd->getDefinition());
        return m;
      }
      if (auto* et = target->getAs<clang::EnumType>()) {
        m.kind = MemberKind::Enum;
        m.scope = scopeOf(et->getDecl());
        return m;
      }
      m.kind = MemberKind::Typedef;
      m.type = describeType(s, td->getUnderlyingType());
      return m;
    }
  }
  return m;
}

}  // namespace

MemberDesc Session::lookup(ScopeRef scope, const std::string& name) {
  auto& s = *impl_;
  MemberDesc m = lookupMember(s, scope, name);
  if (m.kind != MemberKind::None || !asDeclContext(scope) || !asDeclContext(scope)->isTranslationUnit() || name.compare(0, 8, "__cppjit") == 0)
    return m;
  // A macro-renamed global (see macroTarget) is the declaration it expands to.
  const clang::NamedDecl* target = macroTarget(s, name);
  if (!target || !target->getDeclName().isIdentifier() || target->getName() == name) return m;
  const clang::DeclContext* home = target->getDeclContext()->getRedeclContext();
  ScopeRef where = home->isTranslationUnit() ? globalScope() : scopeOf(llvm::cast<clang::Decl>(home));
  MemberDesc renamed = lookupMember(s, where, target->getName().str());
  if (renamed.kind != MemberKind::None) renamed.name = name;
  return renamed;
}

std::vector<std::string> Session::memberNames(ScopeRef scope, bool skipSystemHeaders) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  auto* dc = asDeclContext(scope);
  if (!dc) return names;
  auto add = [&](const clang::NamedDecl* nd) {
    if (!nd->getDeclName().isIdentifier()) return;
    std::string n = nd->getName().str();
    if (isHiddenName(n) || !seen.insert(n).second) return;
    names.push_back(n);
  };
  std::function<void(const clang::DeclContext*)> walk = [&](const clang::DeclContext* ctx) {
    bool inClass = llvm::isa<clang::CXXRecordDecl>(ctx);
    for (const clang::Decl* d : ctx->decls()) {
      // extern "C" { ... } blocks (every C header under C++) declare into the enclosing scope.
      if (auto* ls = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {
        walk(ls);
        continue;
      }
      auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
      if (!nd) continue;
      bool isProtected = false;
      if (inClass && !isAccessible(nd, isProtected)) continue;
      if (llvm::isa<clang::CXXConstructorDecl>(nd) || llvm::isa<clang::CXXDestructorDecl>(nd)) continue;
      if (nd->isImplicit()) continue;
      if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(nd); ns && (ns->isInline() || ns->isAnonymousNamespace())) {
        walk(ns);
        continue;
      }
      if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(nd); ed && !ed->isScoped())
        for (const auto* ec : ed->enumerators()) add(ec);
      if (llvm::isa<clang::UsingDirectiveDecl>(nd)) continue;
      add(nd);
    }
  };
  // Namespaces and the global scope: per redeclaration, remembered (see Impl::redeclMembers).
  const clang::SourceManager& sources = impl_->ci().getSourceManager();
  auto walkRedecl = [&](const clang::DeclContext* redecl) {
    // Skipping system headers skips whole redeclarations that come from them (the precompiled
    // header's above all) without deserializing their declarations.
    if (skipSystemHeaders) {
      auto* decl = llvm::cast<clang::Decl>(redecl);
      if (decl->isFromASTFile()) return;
      if (llvm::isa<clang::NamespaceDecl>(decl) && sources.isInSystemHeader(sources.getExpansionLoc(decl->getLocation())))
        return;
      // The first input's translation unit holds the precompiled header's declarations, loaded
      // on demand: only those already loaded are looked at (the header's are all system ones).
      if (redecl->hasExternalLexicalStorage()) {
        for (const clang::Decl* d : redecl->noload_decls())
          if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
              nd && !nd->isImplicit() && !sources.isInSystemHeader(sources.getExpansionLoc(nd->getLocation())))
            add(nd);
        return;
      }
    }
    auto cached = impl_->redeclMembers.find(redecl);
    if (cached == impl_->redeclMembers.end()) {
      std::vector<const clang::NamedDecl*> found;
      std::function<void(const clang::DeclContext*)> collect = [&](const clang::DeclContext* ctx) {
        for (const clang::Decl* d : ctx->decls()) {
          if (auto* ls = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {  // extern "C" { ... }
            collect(ls);
            continue;
          }
          auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
          if (!nd || nd->isImplicit() || llvm::isa<clang::UsingDirectiveDecl>(nd)) continue;
          if (auto* inner = llvm::dyn_cast<clang::NamespaceDecl>(nd); inner && (inner->isInline() || inner->isAnonymousNamespace())) {
            collect(inner);
            continue;
          }
          if (auto* ed = llvm::dyn_cast<clang::EnumDecl>(nd); ed && !ed->isScoped())
            for (const auto* ec : ed->enumerators()) found.push_back(ec);
          found.push_back(nd);
        }
      };
      collect(redecl);
      cached = impl_->redeclMembers.emplace(redecl, std::move(found)).first;
    }
    for (const clang::NamedDecl* nd : cached->second)
      if (!skipSystemHeaders || !sources.isInSystemHeader(sources.getExpansionLoc(nd->getLocation()))) add(nd);
  };
  if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(dc)) {
    for (auto* redecl : ns->redecls()) walkRedecl(redecl);
  } else if (auto* tu = llvm::dyn_cast<clang::TranslationUnitDecl>(dc)) {
    // Each input of the interpreter is its own TranslationUnitDecl; walk them all.
    for (auto* redecl : tu->redecls()) walkRedecl(redecl);
  } else if (auto* rd = llvm::dyn_cast<clang::CXXRecordDecl>(dc)) {
    if (isUsableRecord(*impl_, rd)) walk(rd->getDefinition());
  } else {
    walk(dc);
  }
  return names;
}

ScopeRef Session::classByTypeinfoName(const std::string& mangledName) {
  auto cached = impl_->typeinfoCache.find(mangledName);
  if (cached != impl_->typeinfoCache.end()) return scopeOf(cached->second);
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangledName.c_str(), nullptr, nullptr, &status);
  const clang::CXXRecordDecl* record = nullptr;
  if (status == 0 && demangled) {
    std::string name = demangled;
    std::free(demangled);
    if (name.find("(anonymous namespace)") == std::string::npos) {
      auto parsed = parseType(name);
      if (parsed.ok() && parsed.value().record)
        record = static_cast<const clang::CXXRecordDecl*>(parsed.value().record.decl);
    }
  }
  impl_->typeinfoCache[mangledName] = record;
  return scopeOf(record);
}

std::string Session::docComment(const void* declPtr) {
  auto* d = static_cast<const clang::Decl*>(declPtr);
  if (!d) return "";
  auto& ctx = impl_->ast();
  // A template instantiation carries the comment of the template it was made from.
  if (auto* spec = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(d))
    if (auto* pattern = spec->getSpecializedTemplate()) d = pattern->getTemplatedDecl();
  if (auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d))
    if (auto* pattern = fn->getTemplateInstantiationPattern()) d = pattern;
  const clang::RawComment* rc = ctx.getRawCommentForAnyRedecl(d);
  if (!rc) return "";
  return rc->getFormattedText(ctx.getSourceManager(), ctx.getDiagnostics());
}

}  // namespace reflex
