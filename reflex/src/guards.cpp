// reflex/src/guards.cpp — keeps malformed input from crashing the interpreter: pragmas that assume a file, and Clang's clean-up after a failed input.
#include <clang/AST/DeclContextInternals.h>
#include <clang/Lex/LexDiagnostic.h>
#include <clang/Basic/DiagnosticSema.h>
#include <clang/Lex/Pragma.h>
#include <clang/Sema/TemplateInstCallback.h>
#include <llvm/Config/abi-breaking.h>

#include <chrono>

#include "Internal.h"

namespace reflex {
namespace {

// Clang 19's IncrementalParser::CleanUpPTU, which drops a failed input's declarations from the
// translation unit's lookup table, removes them from a name's list while iterating over that same
// list (list nodes freed under the iterator when the input declared a name twice), and then reads
// the identifier of each of the input's named declarations, null for unnamed ones: `struct A {};
// struct A {};` (the invalid redefinition becomes anonymous) or an error followed by an #include of
// a header with anonymous enums crashed. Every input ends with this pragma; when the input had
// errors, its handler does that work safely first, leaving CleanUpPTU nothing it trips on.
class InputEndPragma : public clang::PragmaHandler {
 public:
  explicit InputEndPragma(Session::Impl& s) : clang::PragmaHandler(kInputEndPragma), s_(s) {}

  void HandlePragma(clang::Preprocessor& pp, clang::PragmaIntroducer, clang::Token& token) override {
    pp.LexUnexpandedToken(token);
    while (token.isNot(clang::tok::eod) && token.isNot(clang::tok::eof)) pp.LexUnexpandedToken(token);
    if (s_.diagnostics.hasErrors()) prepareCleanUp(s_, s_.ast().getTranslationUnitDecl());
  }

 private:
  Session::Impl& s_;
};

// `#pragma once` and `#pragma GCC system_header` mark the current file, and crashed when that was
// an input's memory buffer, which has none: there they are ignored (with a warning), in headers
// they do what they always do. Replaces Clang's handlers (PragmaNamespace::AddPragma overwrites an
// existing name when assertions are off, as in release builds of LLVM).
class FilePragma : public clang::PragmaHandler {
 public:
  enum Kind { Once, SystemHeader };
  FilePragma(const char* name, Kind kind) : clang::PragmaHandler(name), kind_(kind) {}

  void HandlePragma(clang::Preprocessor& pp, clang::PragmaIntroducer, clang::Token& token) override {
    clang::PreprocessorLexer* lexer = pp.getCurrentFileLexer();
    if (lexer && lexer->getFileEntry()) {  // as Clang's own handlers do
      if (kind_ == Once) {
        pp.CheckEndOfDirective("pragma once");
        pp.HandlePragmaOnce(token);
      } else {
        pp.HandlePragmaSystemHeader(token);
        pp.CheckEndOfDirective("pragma");
      }
      return;
    }
    pp.Diag(token, kind_ == Once ? clang::diag::pp_pragma_once_in_main_file : clang::diag::pp_pragma_sysheader_in_main_file);
    pp.DiscardUntilEndOfDirective();
  }

 private:
  Kind kind_;
};

// Template instantiation that never ends in reasonable time: Clang bounds its depth (1024), not its
// breadth, and `template <class... T> struct E : E<T..., T...> {};` doubles a pack at every level
// (gigabytes within seconds). A fatal error stops further instantiation (Sema refuses to instantiate
// once a fatal error and an uncompilable one occurred), so the input ends with a CppCompileError.
class InstantiationBudget : public clang::TemplateInstantiationCallback {
 public:
  explicit InstantiationBudget(Session::Impl& s) : s_(s) {}
  void initialize(const clang::Sema&) override {}
  void finalize(const clang::Sema&) override {}
  void atTemplateEnd(const clang::Sema&, const clang::Sema::CodeSynthesisContext&) override {}

  void atTemplateBegin(const clang::Sema&, const clang::Sema::CodeSynthesisContext& context) override {
    // A class's instantiation names its arguments through the specialization; others carry them.
    llvm::ArrayRef<clang::TemplateArgument> given = context.template_arguments();
    if (auto* spec = llvm::dyn_cast_or_null<clang::ClassTemplateSpecializationDecl>(context.Entity))
      given = spec->getTemplateArgs().asArray();
    size_t arguments = 0;
    for (const clang::TemplateArgument& a : given) arguments += a.getKind() == clang::TemplateArgument::Pack ? a.pack_size() : 1;
    const char* why = nullptr;
    if (arguments > kMostArguments) why = "a template was instantiated with more than 65536 arguments";
    else if (s_.inputStarted.time_since_epoch().count() && std::chrono::steady_clock::now() - s_.inputStarted > kMostTime)
      why = "template instantiation ran for over 60 seconds";
    auto& diags = s_.sema().getDiagnostics();
    if (!why || diags.hasFatalErrorOccurred()) return;
    // Clang's own fatal error for runaway instantiation (it stops instantiating after one), then why.
    s_.sema().Diag(context.PointOfInstantiation, clang::diag::err_template_recursion_depth_exceeded)
        << static_cast<unsigned>(s_.sema().CodeSynthesisContexts.size());
    unsigned id = diags.getCustomDiagID(clang::DiagnosticsEngine::Note, "cppjit stopped it: %0");
    s_.sema().Diag(context.PointOfInstantiation, id) << why;
  }

 private:
  static constexpr size_t kMostArguments = 65536;
  static constexpr std::chrono::seconds kMostTime{60};
  Session::Impl& s_;
};

}  // namespace

void prepareCleanUp(Session::Impl& s, clang::TranslationUnitDecl* input) {
  if (!input) return;
  // CleanUpPTU reads the identifier of each of the input's named declarations, and an unnamed one
  // (an anonymous namespace and its using-directive, an anonymous enum or union, a lambda's class,
  // a class whose invalid redefinition Clang made anonymous, those of a header the input included)
  // has none: a null dereference. The input is going away anyway.
  llvm::SmallVector<clang::NamedDecl*, 8> unnamed;
  for (clang::Decl* d : input->noload_decls())
    if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d)) {
      clang::DeclarationName name = nd->getDeclName();
      if ((name.isIdentifier() && !name.getAsIdentifierInfo()) || name.getNameKind() == clang::DeclarationName::CXXUsingDirective)
        unnamed.push_back(nd);
    }
  for (clang::NamedDecl* nd : unnamed) input->removeDecl(nd);
  // And it removes the input's declarations from the lookup table while iterating over each
  // name's list: done here first, safely.
  clang::StoredDeclsMap* map = input->getFirstDecl()->getPrimaryContext()->getLookupPtr();
  if (!map) return;
  for (auto& entry : *map) {
    clang::StoredDeclsList& list = entry.second;
    llvm::SmallVector<clang::NamedDecl*, 4> all;
    for (clang::NamedDecl* d : list.getLookupResult()) all.push_back(d);
    for (clang::NamedDecl* d : all)
      if (d->getTranslationUnitDecl() == input) list.remove(d);
  }
}

void installInputGuards(Session::Impl& s) {
  auto& pp = s.pp();
  pp.AddPragmaHandler(new InputEndPragma(s));
  s.sema().TemplateInstCallbacks.push_back(std::make_unique<InstantiationBudget>(s));
#if !LLVM_ENABLE_ABI_BREAKING_CHECKS
  pp.AddPragmaHandler(new FilePragma("once", FilePragma::Once));
  pp.AddPragmaHandler("GCC", new FilePragma("system_header", FilePragma::SystemHeader));
  pp.AddPragmaHandler("clang", new FilePragma("system_header", FilePragma::SystemHeader));
#endif
}

}  // namespace reflex

#ifdef CPPJIT_STATIC_LLVM
// Clang 19 parses a statement at namespace scope as a top-level statement (clang-repl's extension)
// even inside a namespace or a linkage specification (`extern "C" 4;`, `extern "C" { x++; }`), and
// then restores the declaration context to the translation unit instead of where the statement
// stood: the enclosing context was left dangling, and the next declaration crashed. These replace
// Clang's two functions (made weak in the archive scripts/llvm.mjs links): the same steps, with the
// statement's lexical context kept, and an error there, as C++ has no statements at that scope.
namespace clang {

TopLevelStmtDecl* Sema::ActOnStartTopLevelStmtDecl(Scope* S) {
  auto* New = TopLevelStmtDecl::Create(Context, /*Statement=*/nullptr);
  if (!CurContext->isTranslationUnit()) {
    New->setLexicalDeclContext(CurContext);
    unsigned id = getDiagnostics().getCustomDiagID(
        DiagnosticsEngine::Error, "a statement cannot stand inside a namespace or a linkage specification (run statements with cppexec)");
    Diag(SourceLocation(), id);
  }
  CurContext->addDecl(New);
  CurContext = New;
  S->setEntity(New);
  PushFunctionScope();
  PushCompoundScope(false);
  return New;
}

void Sema::ActOnFinishTopLevelStmtDecl(TopLevelStmtDecl* D, Stmt* Statement) {
  D->setStmt(Statement);
  PopCompoundScope();
  PopFunctionScopeInfo();
  PopDeclContext();
}

}  // namespace clang
#endif
