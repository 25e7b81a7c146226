// reflex/src/guards.cpp — keeps malformed input from crashing the interpreter: pragmas that assume a file, and Clang's clean-up after a failed input.
#include <clang/AST/DeclContextInternals.h>
#include <clang/Lex/LexDiagnostic.h>
#include <clang/Lex/Lexer.h>
#include <clang/Basic/DiagnosticSema.h>
#include <clang/Lex/MacroInfo.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Pragma.h>
#include <clang/Sema/Scope.h>
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
    clang::SourceLocation where = token.getLocation();
    pp.LexUnexpandedToken(token);
    while (token.isNot(clang::tok::eod) && token.isNot(clang::tok::eof)) pp.LexUnexpandedToken(token);
    // Once per input: when the parser is skipping tokens (error recovery) it also skips the closing
    // ones, and closing again would loop forever.
    if (s_.inputStarted != closedFor_) {
      closedFor_ = s_.inputStarted;
      if (closeOpenScopes(pp, where)) return;  // the pragma comes again after the closing tokens
    }
    if (s_.diagnostics.hasErrors()) prepareCleanUp(s_, s_.ast().getTranslationUnitDecl());
  }

 private:
  // An input (or a header it includes) that ends inside a brace — `namespace n {`, `struct S {`,
  // `extern "C" {`, a function body: clang-repl's parser meets the end-of-input token there and
  // parses it as a statement forever (Parser::ParseInnerNamespace does not stop at it). The parser's
  // open scopes are closed here with an error, and the pragma comes once more after them.
  bool closeOpenScopes(clang::Preprocessor& pp, clang::SourceLocation where) {
    std::vector<clang::Token> tokens;
    std::string inside;
    clang::SourceLocation opened = where;
    auto punct = [&](clang::tok::TokenKind kind) {
      clang::Token t;
      t.startToken();
      t.setKind(kind);
      t.setLocation(where);
      t.setLength(1);
      tokens.push_back(t);
    };
    for (clang::Scope* scope = s_.sema().getCurScope(); scope && scope->getParent(); scope = scope->getParent()) {
      auto* entity = scope->getEntity();
      if (scope->isClassScope() || (scope->getFlags() & clang::Scope::EnumScope)) {
        punct(clang::tok::r_brace);
        punct(clang::tok::semi);
      } else if (scope->getFlags() & clang::Scope::CompoundStmtScope) {
        punct(clang::tok::r_brace);
      } else if (scope->isFunctionPrototypeScope()) {
        punct(clang::tok::r_paren);
      } else if (entity && (llvm::isa<clang::NamespaceDecl>(entity) ||
                            (llvm::isa<clang::LinkageSpecDecl>(entity) && llvm::cast<clang::LinkageSpecDecl>(entity)->hasBraces()))) {
        punct(clang::tok::r_brace);
      } else {
        continue;
      }
      if (inside.empty() && entity) {
        clang::Decl* decl = clang::Decl::castFromDeclContext(entity);
        if (auto* tag = llvm::dyn_cast_or_null<clang::TagDecl>(decl)) {
          inside = tag->getKindName().str() + " '" + tag->getQualifiedNameAsString() + "'";
        } else if (auto* ns = llvm::dyn_cast_or_null<clang::NamespaceDecl>(decl)) {
          inside = ns->isAnonymousNamespace() ? "an anonymous namespace" : "namespace '" + ns->getQualifiedNameAsString() + "'";
        } else if (auto* fn = llvm::dyn_cast_or_null<clang::FunctionDecl>(decl)) {
          inside = "the body of '" + fn->getQualifiedNameAsString() + "'";
        } else if (llvm::isa_and_nonnull<clang::LinkageSpecDecl>(decl)) {
          inside = "an extern \"C\" { block";
        }
        if (!inside.empty() && decl->getLocation().isValid()) opened = decl->getLocation();
      }
    }
    if (tokens.empty()) return false;
    if (inside.empty()) inside = "a bracket";
    unsigned id = s_.sema().getDiagnostics().getCustomDiagID(
        clang::DiagnosticsEngine::Error, "the input ends inside %0 opened here: a closing '}' or ')' is missing");
    s_.sema().Diag(opened, id) << inside;
    // `_Pragma("cppjit_input_end")` after the closing tokens brings this handler back at top level.
    clang::Token pragma;
    pragma.startToken();
    pragma.setKind(clang::tok::identifier);
    pragma.setIdentifierInfo(pp.getIdentifierInfo("_Pragma"));
    pragma.setLocation(where);
    tokens.push_back(pragma);
    punct(clang::tok::l_paren);
    clang::Token text;
    text.startToken();
    std::string literal = std::string("\"") + kInputEndPragma + "\"";
    pp.CreateString(literal, text, where, where);
    text.setKind(clang::tok::string_literal);
    tokens.push_back(text);
    punct(clang::tok::r_paren);
    auto owned = std::make_unique<clang::Token[]>(tokens.size());  // the preprocessor keeps them
    std::copy(tokens.begin(), tokens.end(), owned.get());
    pp.EnterTokenStream(std::move(owned), tokens.size(), /*DisableMacroExpansion=*/false, /*IsReinject=*/false);
    return true;
  }

  Session::Impl& s_;
  std::chrono::steady_clock::time_point closedFor_{};
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

// Records the first change each input makes to a macro, for rollBackMacros.
class MacroLog : public clang::PPCallbacks {
 public:
  explicit MacroLog(Session::Impl& s) : s_(s) {}

  void MacroDefined(const clang::Token& name, const clang::MacroDirective* directive) override {
    const clang::MacroDirective* previous = directive ? directive->getPrevious() : nullptr;
    note(name.getIdentifierInfo(), previous ? const_cast<clang::MacroInfo*>(previous->getDefinition().getMacroInfo()) : nullptr);
  }
  void MacroUndefined(const clang::Token& name, const clang::MacroDefinition& definition, const clang::MacroDirective*) override {
    note(name.getIdentifierInfo(), definition.getMacroInfo());
  }

  // A header of the user's (not a system header, checked like an input) whose brackets do not
  // balance would leave the parser at the end of the input inside a block, where it never stops:
  // it is refused with an error where the bracket opened, and its lexing cut off.
  void FileChanged(clang::SourceLocation where, FileChangeReason reason, clang::SrcMgr::CharacteristicKind kind,
                   clang::FileID) override {
    if (reason != EnterFile || kind != clang::SrcMgr::C_User || where.isInvalid()) return;
    clang::SourceManager& sm = s_.ci().getSourceManager();
    clang::FileID file = sm.getFileID(where);
    if (sm.getBufferName(where).starts_with("input_line_")) return;  // checked before parsing
    std::optional<llvm::MemoryBufferRef> buffer = sm.getBufferOrNone(file);
    auto* lexer = static_cast<clang::Lexer*>(s_.pp().getCurrentLexer());
    if (!buffer || !lexer || s_.pp().getCurrentLexer() != s_.pp().getCurrentFileLexer()) return;
    auto open = unbalancedBrackets(buffer->getBuffer(), s_.ast().getLangOpts(),
                                   [this](llvm::StringRef name) { return s_.halfBracketMacro(name); });
    if (!open) return;
    unsigned id = s_.pp().getDiagnostics().getCustomDiagID(clang::DiagnosticsEngine::Error, "%0 (in this header, which is not parsed)");
    s_.pp().Diag(sm.getLocForStartOfFile(file).getLocWithOffset(open->first), id) << open->second;
    lexer->seek(static_cast<unsigned>(buffer->getBufferSize()), /*IsAtStartOfLine=*/true);
  }

 private:
  void note(clang::IdentifierInfo* ident, clang::MacroInfo* before) {
    if (ident && s_.macrosChanged.insert(ident).second) s_.macroChanges.emplace_back(ident, before);
  }
  Session::Impl& s_;
};

}  // namespace

void rollBackMacros(Session::Impl& s) {
  clang::Preprocessor& pp = s.pp();
  for (auto it = s.macroChanges.rbegin(); it != s.macroChanges.rend(); ++it) {
    auto [ident, before] = *it;
    clang::MacroInfo* now = pp.getMacroInfo(ident);
    if (now == before) continue;
    if (before) {
      pp.appendDefMacroDirective(ident, before, before->getDefinitionLoc());
    } else if (now) {
      pp.appendMacroDirective(ident, new (pp.getPreprocessorAllocator()) clang::UndefMacroDirective(now->getDefinitionLoc()));
    }
  }
  s.macroChanges.clear();
  s.macrosChanged.clear();
}

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
    for (clang::NamedDecl* d : all) {
      if (d->getTranslationUnitDecl() != input) continue;
      // Loaded from the precompiled header while this input was parsed (`::nope` loads every
      // global name it is compared with): not the input's, and never loaded again once removed.
      if (d->isFromASTFile()) s.loadedByFailedInput.push_back(d);
      list.remove(d);
    }
  }
}

void installInputGuards(Session::Impl& s) {
  auto& pp = s.pp();
  pp.AddPragmaHandler(new InputEndPragma(s));
  pp.addPPCallbacks(std::make_unique<MacroLog>(s));
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
