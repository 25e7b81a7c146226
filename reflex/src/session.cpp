// reflex/src/session.cpp — creating the interpreter, loading headers/libraries and compiling inputs.
#include <clang/AST/DeclContextInternals.h>
#include <clang/AST/Mangle.h>
#include <clang/Basic/FileManager.h>
#include <clang/Lex/HeaderSearch.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/PreprocessorOptions.h>
#include <clang/Serialization/ASTReader.h>
#include <llvm/Demangle/Demangle.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/DiagnosticHandler.h>
#include <llvm/IR/DiagnosticInfo.h>
#include <llvm/IR/DiagnosticPrinter.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/Module.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>

#include <cxxabi.h>
#include <dlfcn.h>
#include <pthread.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <functional>
#include <optional>
#include <algorithm>

#include "Internal.h"

namespace reflex {
namespace {

std::string errorText(llvm::Error err) {
  std::string text;
  llvm::handleAllErrors(std::move(err), [&](const llvm::ErrorInfoBase& e) {
    if (!text.empty()) text += "; ";
    text += e.message();
  });
  return text;
}

bool isFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string realPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer)) return buffer;
  return path;
}

std::string currentDirectory() {
  char buffer[PATH_MAX];
  if (::getcwd(buffer, sizeof buffer)) return buffer;
  return ".";
}

}  // namespace

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

clang::PrintingPolicy Session::Impl::policy() {
  clang::PrintingPolicy p(ast().getLangOpts());
  p.SuppressTagKeyword = true;
  p.FullyQualifiedName = true;
  p.SuppressScope = false;
  p.SuppressUnwrittenScope = true;  // no "std::__cxx11::" / "(anonymous namespace)::"
  p.Bool = true;
  return p;
}

// Clang 19 rolls a failed input back by dropping its declarations from the global lookup table;
// when one of them redeclared an earlier declaration (a redefinition error, or a namespace the
// input reopened), the earlier one vanishes from lookup with it. Make those earlier declarations
// visible again. Declarations that came from headers the input included stay: the header's include
// guard is still defined, so including it again would not bring them back.
static void restoreShadowedDeclarations(clang::TranslationUnitDecl* failed, const clang::SourceManager& sources) {
  if (!failed) return;
  auto fromHeader = [&](const clang::Decl* d) {
    clang::SourceLocation at = sources.getExpansionLoc(d->getLocation());
    if (at.isInvalid()) return false;
    llvm::StringRef file = sources.getBufferName(at);
    return !file.starts_with("input_line_") && !file.empty();
  };
  auto makeVisible = [](clang::NamedDecl* decl) {
    clang::DeclContext* home = decl->getDeclContext()->getRedeclContext();
    for (auto* found : home->lookup(decl->getDeclName()))
      if (found->getCanonicalDecl() == decl->getCanonicalDecl()) return;
    home->makeDeclVisibleInContext(decl);
  };
  std::function<void(clang::DeclContext*)> repair = [&](clang::DeclContext* dc) {
    std::vector<clang::Decl*> decls(dc->noload_decls_begin(), dc->noload_decls_end());
    for (clang::Decl* d : decls) {
      if (d->isFromASTFile()) continue;  // the precompiled header's, loaded into this unit on demand
      if (auto* spec = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) {
        repair(spec);
        continue;
      }
      auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
      if (!nd || !nd->getDeclName()) continue;
      if (fromHeader(nd)) {
        makeVisible(nd);
        if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(nd)) repair(ns);
        continue;
      }
      if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(nd)) {
        // A namespace the input reopened: its earlier declaration is the one lookup must find.
        if (auto* earlier = ns->getPreviousDecl()) {
          while (earlier && earlier->getTranslationUnitDecl() == failed) earlier = earlier->getPreviousDecl();
          if (earlier) makeVisible(earlier);
        }
        repair(ns);
        continue;
      }
      clang::NamedDecl* previous = llvm::dyn_cast_or_null<clang::NamedDecl>(nd->getPreviousDecl());
      while (previous && previous->getTranslationUnitDecl() == failed)
        previous = llvm::dyn_cast_or_null<clang::NamedDecl>(previous->getPreviousDecl());
      clang::DeclContext* home = nd->getDeclContext()->getRedeclContext();
      if (!llvm::isa<clang::TranslationUnitDecl>(home)) {
        // Namespace lookup tables are not cleaned by the rollback: drop the failed declaration.
        nd->getLexicalDeclContext()->removeDecl(nd);
      }
      if (previous) makeVisible(previous);
    }
  };
  repair(failed);
}

// Interpreter::Undo drops an input's names from the translation unit's lookup table, but
// extern "C" functions and variables are also registered in the ASTContext's extern "C" context,
// where a later input defining the same name would find them and report a redefinition.
// Rolls back an input that parsed but must not run, without Interpreter::Undo: with a precompiled
// header loaded, Undo's cleanup crashes in Clang 19 (IncrementalParser::CleanUpPTU). The input's
// declarations leave lookup (earlier ones they shadowed come back) and its module is dropped
// unexecuted; the partial translation unit itself stays in the interpreter's list, empty of effect.
void Session::Impl::discardInput(clang::PartialTranslationUnit& unit) {
  clang::TranslationUnitDecl* input = unit.TUPart;
  if (input) {
    input->setHasExternalLexicalStorage(false);
    forgetExternC(input);
    clang::DeclContext* global = ast().getTranslationUnitDecl()->getPrimaryContext();
    if (clang::StoredDeclsMap* map = global->getLookupPtr()) {
      for (clang::Decl* d : input->noload_decls()) {
        auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
        if (!nd || !nd->getDeclName() || llvm::isa<clang::NamespaceDecl>(nd) || d->isFromASTFile()) continue;
        auto found = map->find(nd->getDeclName());
        // An entry emptied by an earlier rollback of the same input stays in the map, empty.
        if (found != map->end() && !found->second.isNull()) found->second.remove(nd);
      }
    }
    restoreShadowedDeclarations(input, ci().getSourceManager());
  }
  unit.TheModule.reset();
}

void Session::Impl::undoInput(clang::TranslationUnitDecl* input) {
  // With a precompiled header every input's translation unit can load the header's top-level
  // declarations on demand; Undo walks the input's declarations, which would load them all into
  // the dying unit (and crash on some). The input's own declarations are already loaded.
  if (input) input->setHasExternalLexicalStorage(false);
  forgetExternC(input);
  prepareCleanUp(*this, input);
  if (auto err = interp->Undo()) llvm::consumeError(std::move(err));
  restoreLoadedDeclarations();
}

void Session::Impl::restoreLoadedDeclarations() {
  std::vector<clang::NamedDecl*> loaded;
  loaded.swap(loadedByFailedInput);
  for (clang::NamedDecl* decl : loaded) {
    clang::DeclContext* home = decl->getDeclContext()->getRedeclContext()->getPrimaryContext();
    bool visible = false;
    for (auto* found : home->noload_lookup(decl->getDeclName())) visible |= found == decl;
    if (!visible) home->makeDeclVisibleInContext(decl);
  }
}

void Session::Impl::forgetExternC(clang::TranslationUnitDecl* input) {
  if (input) {
    clang::ExternCContextDecl* externC = ast().getExternCContextDecl();
    clang::StoredDeclsMap* map = externC ? externC->getLookupPtr() : nullptr;
    std::function<void(clang::DeclContext*)> forget = [&](clang::DeclContext* dc) {
      for (clang::Decl* d : dc->noload_decls()) {
        if (d->isFromASTFile()) continue;
        if (auto* inner = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) forget(inner);
        else if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(d)) forget(ns);
        auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
        bool isExternC = false;
        if (auto* fn = llvm::dyn_cast_or_null<clang::FunctionDecl>(nd)) isExternC = fn->isExternC();
        if (auto* var = llvm::dyn_cast_or_null<clang::VarDecl>(nd)) isExternC = var->isExternC();
        if (!isExternC || !map) continue;
        auto found = map->find(nd->getDeclName());
        // An entry emptied by an earlier rollback of the same input stays in the map, empty.
        if (found != map->end() && !found->second.isNull()) found->second.remove(nd);
      }
    };
    forget(input);
  }
}

// Clang 19 keeps the IR that CodeGen already produced for a failed input (a function whose body
// parsed before a later error, such as a failing template instantiation) in its current module,
// and the next input's module would carry it, with its unresolved references. An empty input
// releases that module; undoing it throws the leftovers away.
void Session::Impl::discardPartialCode() {
  auto flush = interp->Parse("");
  if (!flush) {
    llvm::consumeError(flush.takeError());
  } else {
    undoInput(flush->TUPart);
  }
  diagnostics.discard();
}

std::vector<const clang::FunctionDecl*> Session::Impl::instantiationsNamed(const std::set<std::string>& wanted) {
  std::vector<const clang::FunctionDecl*> found;
  std::unique_ptr<clang::MangleContext> mangler(ast().createMangleContext());
  std::set<const clang::Decl*> seen;
  auto consider = [&](const clang::FunctionDecl* fn) {
    // An invalid one (its instantiation failed) must not reach CodeGen: its errors there would
    // leave the interpreter without a module to generate into.
    if (!fn || !fn->doesThisDeclarationHaveABody() || fn->isDependentContext() || fn->isInvalidDecl()) return;
    // Implicit instantiations, and inline functions of headers that a failed input included.
    if (fn->getTemplateSpecializationKind() != clang::TSK_ImplicitInstantiation && !fn->isInlined()) return;
    std::vector<clang::GlobalDecl> variants;
    if (auto* ctor = llvm::dyn_cast<clang::CXXConstructorDecl>(fn)) {
      variants = {clang::GlobalDecl(ctor, clang::Ctor_Complete), clang::GlobalDecl(ctor, clang::Ctor_Base)};
    } else if (auto* dtor = llvm::dyn_cast<clang::CXXDestructorDecl>(fn)) {
      variants = {clang::GlobalDecl(dtor, clang::Dtor_Complete), clang::GlobalDecl(dtor, clang::Dtor_Base)};
    } else {
      variants = {clang::GlobalDecl(fn)};
    }
    for (const auto& gd : variants) {
      std::string name;
      llvm::raw_string_ostream os(name);
      mangler->mangleName(gd, os);
      if (wanted.count(os.str())) {
        found.push_back(fn);
        return;
      }
    }
  };
  std::function<void(const clang::DeclContext*)> walk = [&](const clang::DeclContext* dc) {
    for (const clang::Decl* d : dc->decls()) {
      if (!seen.insert(d).second) continue;
      if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(d)) walk(ns);
      else if (auto* spec = llvm::dyn_cast<clang::LinkageSpecDecl>(d)) walk(spec);
      else if (auto* ct = llvm::dyn_cast<clang::ClassTemplateDecl>(d)) {
        for (auto* cs : ct->specializations())
          if (cs->hasDefinition() && seen.insert(cs->getDefinition()).second) walk(cs->getDefinition());
      } else if (auto* ft = llvm::dyn_cast<clang::FunctionTemplateDecl>(d)) {
        for (auto* fs : ft->specializations()) consider(fs);
      } else if (auto* rd = llvm::dyn_cast<clang::CXXRecordDecl>(d)) {
        if (rd->isThisDeclarationADefinition() && !rd->isDependentContext()) walk(rd);
      } else if (auto* fn = llvm::dyn_cast<clang::FunctionDecl>(d)) {
        consider(fn);
      }
    }
  };
  for (auto* tu : ast().getTranslationUnitDecl()->redecls()) walk(tu);
  return found;
}

// Whether a macro's body holds half a pair of brackets (`#define NS_BEGIN namespace n {`): an input
// using it cannot be checked by counting its own brackets. `((x) * (x))` is whole.
static bool halfBrackets(llvm::ArrayRef<clang::tok::TokenKind> body) {
  int depth = 0;
  for (clang::tok::TokenKind k : body) {
    if (k == clang::tok::l_brace || k == clang::tok::l_paren || k == clang::tok::l_square) ++depth;
    else if ((k == clang::tok::r_brace || k == clang::tok::r_paren || k == clang::tok::r_square) && --depth < 0) return true;
  }
  return depth != 0;
}

// Brackets that do not close, or close the wrong kind (`namespace a { int f( }`), and an #if without
// its #endif: clang-repl's parser meets the end of such an input inside a block, where it never
// stops looking for the closing token (gigabytes within seconds). Found before parsing, by a raw
// lexer: directive lines are skipped (a macro's body may hold half a pair), the branches of an
// #if/#else are counted as alternatives (each may open its own `{`), and an input that uses a
// macro whose body holds half a pair (`NS_BEGIN ... NS_END`) is left to the parser.
std::optional<std::pair<size_t, std::string>> unbalancedBrackets(llvm::StringRef code, const clang::LangOptions& language,
                                                                const std::function<bool(llvm::StringRef)>& bracketMacro) {
  clang::Lexer lexer(clang::SourceLocation(), language, code.data(), code.data(), code.data() + code.size());
  struct Open {
    clang::tok::TokenKind kind;
    size_t offset;
  };
  std::vector<Open> open;
  struct Conditional {
    size_t offset;
    std::vector<Open> before;                    // brackets open at the #if
    std::optional<std::vector<Open>> firstBranch;  // and at the end of its first branch
  };
  std::vector<Conditional> conditionals;
  std::set<std::string> definedWithBrackets;
  bool macroBrackets = false;
  using Found = std::pair<size_t, std::string>;
  std::optional<Found> mismatch;
  auto at = [&](size_t offset, const std::string& message) { return Found(std::min(offset, code.size()), message); };
  auto closer = [](clang::tok::TokenKind k) { return k == clang::tok::l_brace ? '}' : k == clang::tok::l_paren ? ')' : ']'; };
  auto isBracket = [](const clang::Token& t) {
    return t.isOneOf(clang::tok::l_brace, clang::tok::l_paren, clang::tok::l_square) ||
           t.isOneOf(clang::tok::r_brace, clang::tok::r_paren, clang::tok::r_square);
  };
  clang::Token token;
  bool pending = false;  // `token` was read ahead (the first token after a directive's line)
  for (;;) {
    if (!pending) lexer.LexFromRawLexer(token);
    pending = false;
    if (token.is(clang::tok::eof)) break;
    // Raw locations of a lexer without a SourceManager are offsets into the buffer.
    size_t offset = token.getLocation().getRawEncoding();
    if (token.is(clang::tok::hash) && token.isAtStartOfLine()) {
      lexer.LexFromRawLexer(token);
      if (token.is(clang::tok::eof) || token.isAtStartOfLine()) {
        pending = true;
        continue;
      }
      std::string directive = token.is(clang::tok::raw_identifier) ? token.getRawIdentifier().str() : "";
      if (directive == "if" || directive == "ifdef" || directive == "ifndef") {
        conditionals.push_back({offset, open, std::nullopt});
      } else if ((directive == "else" || directive == "elif" || directive == "elifdef" || directive == "elifndef") &&
                 !conditionals.empty()) {
        if (!conditionals.back().firstBranch) conditionals.back().firstBranch = open;
        open = conditionals.back().before;
      } else if (directive == "endif" && !conditionals.empty()) {
        if (conditionals.back().firstBranch) open = *conditionals.back().firstBranch;
        conditionals.pop_back();
      }
      std::string defined;
      std::vector<clang::tok::TokenKind> body;
      bool afterName = false;   // the token right after the macro's name
      bool parameters = false;  // inside a function-like macro's parameter list
      for (;;) {
        lexer.LexFromRawLexer(token);
        if (token.is(clang::tok::eof) || token.isAtStartOfLine()) break;
        if (directive != "define") continue;
        if (defined.empty()) {
          if (token.is(clang::tok::raw_identifier)) defined = token.getRawIdentifier().str();
          afterName = true;
          continue;
        }
        // `#define F(a, b) ...`: a parenthesis touching the name opens parameters, not the body.
        if (afterName && token.is(clang::tok::l_paren) && !token.hasLeadingSpace()) parameters = true;
        afterName = false;
        if (parameters) {
          if (token.is(clang::tok::r_paren)) parameters = false;
          continue;
        }
        if (isBracket(token)) body.push_back(token.getKind());
      }
      if (halfBrackets(body) && !defined.empty()) definedWithBrackets.insert(defined);
      pending = true;
      continue;
    }
    if (token.is(clang::tok::raw_identifier)) {
      llvm::StringRef name = token.getRawIdentifier();
      if (definedWithBrackets.count(name.str()) || bracketMacro(name)) macroBrackets = true;
    } else if (token.isOneOf(clang::tok::l_brace, clang::tok::l_paren, clang::tok::l_square)) {
      open.push_back({token.getKind(), offset});
    } else if (token.isOneOf(clang::tok::r_brace, clang::tok::r_paren, clang::tok::r_square)) {
      clang::tok::TokenKind expected = token.is(clang::tok::r_brace) ? clang::tok::l_brace
                                       : token.is(clang::tok::r_paren) ? clang::tok::l_paren : clang::tok::l_square;
      if (!open.empty() && open.back().kind != expected && !mismatch)
        mismatch = at(offset, std::string("expected '") + closer(open.back().kind) + "' before this: the bracket opened earlier is not closed");
      if (!open.empty()) open.pop_back();
    }
  }
  if (!conditionals.empty()) return at(conditionals.back().offset, "unterminated conditional directive: #endif missing");
  if (macroBrackets) return std::nullopt;
  if (mismatch) return mismatch;
  if (!open.empty())
    return at(open.back().offset, std::string("expected '") + closer(open.back().kind) + "': the input ends inside the bracket opened here");
  return std::nullopt;
}

// A C++20 module declaration (`module m;`, `export module m;`, `module;`) at namespace scope: the
// interpreter is one translation unit that cannot become a module, and Clang 19 left every later
// input failing ("Duplicate definition of symbol '_ZGIW1m'"). Refused before parsing.
static std::optional<Diagnostic> moduleDeclaration(const std::string& code, const clang::LangOptions& language) {
  clang::Lexer lexer(clang::SourceLocation(), language, code.data(), code.data(), code.data() + code.size());
  clang::Token token;
  int depth = 0;
  bool atStart = true;  // at the start of a declaration
  bool afterExport = false;
  for (;;) {
    lexer.LexFromRawLexer(token);
    if (token.is(clang::tok::eof)) return std::nullopt;
    if (token.is(clang::tok::raw_identifier) && depth == 0 && (atStart || afterExport) && token.getRawIdentifier() == "module") {
      size_t offset = std::min<size_t>(token.getLocation().getRawEncoding(), code.size());
      Diagnostic d;
      d.file = "input_line";
      d.line = 1 + std::count(code.begin(), code.begin() + offset, '\n');
      d.severity = "error";
      d.message = "a module declaration cannot be given to the interpreter (it is one translation unit, not a module)";
      return d;
    }
    afterExport = token.is(clang::tok::raw_identifier) && depth == 0 && atStart && token.getRawIdentifier() == "export";
    if (token.is(clang::tok::l_brace)) ++depth;
    else if (token.is(clang::tok::r_brace) && depth > 0) --depth;
    atStart = token.isOneOf(clang::tok::semi, clang::tok::r_brace, clang::tok::l_brace) && depth == 0;
  }
}

// `code` with each of `symbols` (and the names it prefixes, such as a thunk's `_body`) given a
// suffix: an input parsed again after a rollback must not reuse the discarded input's names.
// CodeGen remembers the functions of internal linkage that input emitted, and emits those again
// where their names are used: the same names would be defined twice.
static std::string renamed(const std::string& code, std::vector<std::string>& symbols, const std::string& suffix) {
  std::string text = code;
  for (auto& symbol : symbols) {
    std::string out;
    size_t from = 0;
    for (size_t at; (at = text.find(symbol, from)) != std::string::npos; from = at + symbol.size()) {
      size_t end = at + symbol.size();
      bool whole = end >= text.size() || !std::isdigit(static_cast<unsigned char>(text[end]));
      out.append(text, from, end - from);
      if (whole) out += suffix;
    }
    out.append(text, from, std::string::npos);
    text = std::move(out);
    symbol += suffix;
  }
  return text;
}

// Clang parses and checks expressions recursively: `int x = ------...1;` fifty thousand deep
// overflowed the caller's stack (a JS thread's, 8 MB at most). Every input is parsed on a thread of
// its own with a stack of 1 GB (address space; only the pages used are committed) while the caller
// waits, as clang itself moves deep work to a thread with a larger stack.
static llvm::Expected<clang::PartialTranslationUnit&> parseOnLargeStack(clang::Interpreter& interp, const std::string& text) {
  struct Job {
    clang::Interpreter* interp;
    const std::string* text;
    std::optional<llvm::Expected<clang::PartialTranslationUnit&>> result;
  } job{&interp, &text, std::nullopt};
  pthread_attr_t attr;
  pthread_t thread;
  bool started = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, size_t(1) << 30) == 0 &&
                 pthread_create(&thread, &attr, [](void* p) -> void* {
                   auto* j = static_cast<Job*>(p);
                   j->result.emplace(j->interp->Parse(*j->text));
                   return nullptr;
                 }, &job) == 0;
  pthread_attr_destroy(&attr);
  if (!started) return interp.Parse(text);  // no thread to be had: parse here
  pthread_join(thread, nullptr);
  return std::move(*job.result);
}

namespace {
bool hasInlineAsm(const llvm::Module& module) {
  if (!module.getModuleInlineAsm().empty()) return true;
  for (const llvm::Function& fn : module)
    for (const llvm::BasicBlock& block : fn)
      for (const llvm::Instruction& inst : block)
        if (auto* call = llvm::dyn_cast<llvm::CallBase>(&inst); call && call->isInlineAsm()) return true;
  return false;
}

// LLVM's default for an error met while generating machine code (`asm("bogus")`: "invalid
// instruction mnemonic") prints it and exits the process. Recorded instead, and the input refused.
class BackendDiagnostics : public llvm::DiagnosticHandler {
 public:
  explicit BackendDiagnostics(std::vector<std::string>& errors) : errors_(errors) {}
  bool handleDiagnostics(const llvm::DiagnosticInfo& info) override {
    if (info.getSeverity() != llvm::DS_Error) return true;
    std::string text;
    llvm::raw_string_ostream os(text);
    llvm::DiagnosticPrinterRawOStream printer(os);
    info.print(printer);
    errors_.push_back(os.str());
    return true;
  }

 private:
  std::vector<std::string>& errors_;
};
}  // namespace

// See Session.h.
std::string thrownNumber() {
  try {
    throw;
  } catch (int v) {
    return " (" + std::to_string(v) + ")";
  } catch (long v) {
    return " (" + std::to_string(v) + ")";
  } catch (long long v) {
    return " (" + std::to_string(v) + ")";
  } catch (unsigned v) {
    return " (" + std::to_string(v) + ")";
  } catch (unsigned long v) {
    return " (" + std::to_string(v) + ")";
  } catch (unsigned long long v) {
    return " (" + std::to_string(v) + ")";
  } catch (double v) {
    return " (" + std::to_string(v) + ")";
  } catch (...) {
    return "";
  }
}

Outcome Session::Impl::refuseBackendErrors(clang::PartialTranslationUnit& unit, bool executed) {
  auto diags = diagnostics.take();
  if (executed) undoInput(unit.TUPart);
  else discardInput(unit);
  std::string text;
  for (const std::string& error : backendErrors) {
    text += (text.empty() ? "" : "\n") + error;
    Diagnostic d;
    d.severity = "error";
    d.message = error;
    diags.push_back(d);
  }
  backendErrors.clear();
  return Outcome::failure(Status::CompileError, "cannot generate code: " + text, std::move(diags));
}

bool Session::Impl::halfBracketMacro(llvm::StringRef name) {
  auto found = pp().getIdentifierTable().find(name);
  if (found == pp().getIdentifierTable().end() || !found->getValue()->hasMacroDefinition()) return false;
  const clang::MacroInfo* macro = pp().getMacroInfo(found->getValue());
  if (!macro) return false;
  std::vector<clang::tok::TokenKind> body;
  for (const clang::Token& t : macro->tokens()) body.push_back(t.getKind());
  return halfBrackets(body);
}

Outcome Session::Impl::run(const std::string& code, std::vector<std::string>* symbols) {
  macroChanges.clear();
  macrosChanged.clear();
  Outcome outcome = runInput(code, symbols);
  if (!outcome.ok()) rollBackMacros(*this);
  macroChanges.clear();
  macrosChanged.clear();
  return outcome;
}

Outcome Session::Impl::runInput(const std::string& code, std::vector<std::string>* symbols) {
  if (auto open = unbalancedBrackets(code, ast().getLangOpts(), [this](llvm::StringRef name) { return halfBracketMacro(name); })) {
    auto [offset, message] = *open;
    Diagnostic d;
    d.file = "input_line";
    d.line = 1 + std::count(code.begin(), code.begin() + offset, '\n');
    size_t lineStart = code.rfind('\n', offset == 0 ? 0 : offset - 1);
    d.column = 1 + offset - (lineStart == std::string::npos || offset == 0 ? 0 : lineStart + 1);
    d.severity = "error";
    d.message = message;
    return Outcome::failure(Status::CompileError, message, {d});
  }
  if (auto module = moduleDeclaration(code, ast().getLangOpts()))
    return Outcome::failure(Status::CompileError, module->message, {*module});
  if (readerFeed) readerFeed->flush();
  if (objects && !sealedInput && !queryInput) objects->recordInput(code);
  diagnostics.discard();
  loadedByFailedInput.clear();
  inputStarted = std::chrono::steady_clock::now();
  // The end of every input: an empty declaration, then the pragma whose handler cleans up after a
  // failed input before Clang does (see guards.cpp).
  const std::string ending = std::string("\n;\n#pragma ") + kInputEndPragma + "\n";
  auto unit = parseOnLargeStack(*interp, code + ending);
  const std::vector<std::string> original = symbols ? *symbols : std::vector<std::string>();
  // The input may need code that an earlier, failed input instantiated: hand those functions
  // to CodeGen again (emitted where referenced) and compile the input once more. Their own
  // callees may be in the same state, hence the rounds.
  std::vector<const clang::FunctionDecl*> orphans;
  for (int round = 0; round < 16 && unit && unit->TheModule; ++round) {
    auto missing = unresolvedSymbols(*unit->TheModule);
    if (missing.empty()) break;
    auto more = instantiationsNamed(std::set<std::string>(missing.begin(), missing.end()));
    if (more.empty()) break;
    orphans.insert(orphans.end(), more.begin(), more.end());
    discardInput(*unit);
    for (const clang::FunctionDecl* fn : orphans)
      ci().getASTConsumer().HandleTopLevelDecl(clang::DeclGroupRef(const_cast<clang::FunctionDecl*>(fn)));
    diagnostics.discard();
    if (symbols && !symbols->empty()) {
      // The discarded input's extern "C" names stay declared too (inside extern "C", out of
      // reach of discardInput's lookup cleanup).
      *symbols = original;
      unit = parseOnLargeStack(*interp, renamed(code, *symbols, "_r" + std::to_string(round + 1)) + ending);
      continue;
    }
    unit = parseOnLargeStack(*interp, code + ending);
  }
  if (!unit) {
    std::string text = errorText(unit.takeError());
    auto diags = diagnostics.take();
    // Parse starts every input in a new TranslationUnitDecl, which is still current after a failure.
    restoreShadowedDeclarations(ast().getTranslationUnitDecl(), ci().getSourceManager());
    restoreLoadedDeclarations();
    // After a fatal error Sema leaves the input's implicit instantiations pending and remembers
    // them as used but undefined (`call<lambda>` of a function that is gone): the flush below
    // would fail on them, leaving the input's code for the next input to emit.
    sema().PendingInstantiations.clear();
    sema().PendingLocalImplicitInstantiations.clear();
    sema().UndefinedButUsed.clear();
    forgetExternC(ast().getTranslationUnitDecl());
    discardPartialCode();
    std::string message = firstError(diags, text);
    return Outcome::failure(Status::CompileError, message, std::move(diags));
  }
  auto refuseUndefined = [&](const std::vector<std::string>& missing) {
    auto diags = diagnostics.take();
    discardInput(*unit);
    std::string text = "undefined symbol" + std::string(missing.size() > 1 ? "s: " : ": ");
    for (size_t i = 0; i < missing.size(); ++i) text += (i ? ", " : "") + llvm::demangle(missing[i]);
    text += " (not defined by any earlier input, nor by the process or a library given to loadLibrary)";
    Diagnostic d;
    d.severity = "error";
    d.message = text;
    diags.push_back(d);
    return Outcome::failure(Status::CompileError, text, std::move(diags));
  };
  if (unit->TheModule) {
    auto missing = unresolvedSymbols(*unit->TheModule);
    if (!missing.empty()) return refuseUndefined(missing);
  }
  // Static initialisers are run by the JIT's platform for compiled modules only, not for objects
  // compiled quickly (or linked from the cache): such an input takes the usual path, uncached.
  backendErrors.clear();
  if (unit->TheModule && diagnosedContext != &unit->TheModule->getContext()) {
    diagnosedContext = &unit->TheModule->getContext();
    diagnosedContext->setDiagnosticHandler(std::make_unique<BackendDiagnostics>(backendErrors));
  }
  bool initialises = unit->TheModule && (unit->TheModule->getNamedGlobal("llvm.global_ctors") ||
                                         unit->TheModule->getNamedGlobal("llvm.global_dtors"));
  // Compiled to an object here: refused for errors in code generation (invalid inline asm) and
  // for names nothing defines, which the module's check misses when only the object has them
  // (available_externally constants, symbols named by inline asm).
  std::optional<Outcome> refused;
  auto checkedObject = [&](llvm::Module& module) -> std::unique_ptr<llvm::MemoryBuffer> {
    auto object = compileQuickly(module);
    if (!backendErrors.empty()) {
      if (!object) llvm::consumeError(object.takeError());
      refused = refuseBackendErrors(*unit, false);
      return nullptr;
    }
    if (!object) {
      llvm::consumeError(object.takeError());
      return nullptr;
    }
    auto missing = unresolvedInObject(**object);
    if (!missing.empty()) refused = refuseUndefined(missing);
    return missing.empty() ? std::move(*object) : nullptr;
  };
  if (quickInput && unit->TheModule && !initialises) {
    auto object = checkedObject(*unit->TheModule);
    if (refused) return std::move(*refused);
    if (object) {
      quickObject = std::move(object);
      unit->TheModule.reset();
      diagnostics.discard();
      return success();
    }
  }
  // Inline asm may name symbols that nothing defines, which only the linker sees; a failed link
  // inside the JIT leaves it unusable. Such a module is compiled once to an object first (a copy:
  // code generation changes the IR) and checked like a quickly compiled one.
  if (unit->TheModule && hasInlineAsm(*unit->TheModule)) {
    std::unique_ptr<llvm::Module> copy = llvm::CloneModule(*unit->TheModule);
    checkedObject(*copy);
    if (refused) return std::move(*refused);
  }
  // A function the input defines, looked up after it runs: code generation and linking happen
  // now, so that an error there (invalid inline asm, asm naming a symbol nobody defines) refuses
  // this input instead of surfacing at a later call, after the input was accepted.
  // Executing runs the input's static initialisers, whose exceptions (`int t = []{ throw 42; return
  // 0; }();`) reach here through the JIT's frames: a CppError for the caller, not std::terminate.
  std::string defined;
  if (unit->TheModule)
    for (const llvm::Function& fn : *unit->TheModule)
      if (!fn.isDeclaration() && !fn.hasLocalLinkage() && !fn.hasAvailableExternallyLinkage()) {
        defined = fn.getName().str();
        break;
      }
  llvm::Error executed = llvm::Error::success();
  std::string thrown;
  try {
    executed = interp->Execute(*unit);
  } catch (const std::exception& e) {
    thrown = std::string(typeid(e).name()) + "\n" + e.what();
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    thrown = std::string(type ? type->name() : "") + thrownNumber() + "\n";
  }
  if (!executed && thrown.empty() && !defined.empty()) {
    auto address = interp->getSymbolAddress(defined);
    if (!address && backendErrors.empty()) backendErrors.push_back(errorText(address.takeError()));
    else if (!address) llvm::consumeError(address.takeError());
  }
  if (!backendErrors.empty()) {
    llvm::consumeError(std::move(executed));
    return refuseBackendErrors(*unit, true);
  }
  if (!thrown.empty()) {
    llvm::consumeError(std::move(executed));
    diagnostics.discard();
    undoInput(unit->TUPart);
    return Outcome::failure(Status::CppException, thrown);
  }
  if (auto err = std::move(executed)) {
    std::string text = errorText(std::move(err));
    auto diags = diagnostics.take();
    // The input parsed but could not be linked or run: drop it so later inputs do not
    // inherit its unresolved symbols.
    undoInput(unit->TUPart);
    Diagnostic d;
    d.severity = "error";
    d.message = text;
    diags.push_back(d);
    return Outcome::failure(Status::CompileError, text, std::move(diags));
  }
  diagnostics.discard();
  return success();
}

std::vector<std::string> Session::Impl::unresolvedSymbols(llvm::Module& module) {
  std::vector<std::string> names;
  for (llvm::GlobalValue& value : module.global_values()) {
    if (!value.isDeclaration() || value.hasExternalWeakLinkage() || value.use_empty()) continue;
    if (auto* fn = llvm::dyn_cast<llvm::Function>(&value); fn && fn->isIntrinsic()) continue;
    names.push_back(value.getName().str());
  }
  return unresolvedNames(names);
}

std::vector<std::string> Session::Impl::unresolvedNames(const std::vector<std::string>& names) {
  std::vector<std::string> missing;
  auto engine = interp->getExecutionEngine();
  if (!engine) {
    llvm::consumeError(engine.takeError());
    return missing;
  }
  llvm::orc::LLJIT& jit = *engine;
  llvm::orc::JITDylibSearchOrder order;
  jit.getMainJITDylib().withLinkOrderDo([&](const llvm::orc::JITDylibSearchOrder& links) { order = links; });
  bool hasMain = false;
  for (auto& entry : order) hasMain |= entry.first == &jit.getMainJITDylib();
  if (!hasMain) order.insert(order.begin(), {&jit.getMainJITDylib(), llvm::orc::JITDylibLookupFlags::MatchAllSymbols});
  for (const std::string& name : names) {
    if (name.empty() || linkableSymbols.count(name)) continue;
    // The lookup the linker will do, minus the materialisation failure it would leave behind.
    auto found = jit.getExecutionSession().lookup(order, jit.mangleAndIntern(name));
    if (found) {
      linkableSymbols.insert(name);
    } else {
      llvm::consumeError(found.takeError());
      missing.push_back(name);
    }
  }
  return missing;
}

namespace {
// Exposes the named symbols of a library loaded RTLD_LOCAL (a Node addon) to the JIT: the process
// search that clang-repl installs only sees global symbols, and loading the library again with
// RTLD_GLOBAL would leak all its names into every later library.
class HostSymbols : public llvm::orc::DefinitionGenerator {
 public:
  HostSymbols(void* handle, std::string marker) : handle_(handle), marker_(std::move(marker)) {}
  ~HostSymbols() override { dlclose(handle_); }

  llvm::Error tryToGenerate(llvm::orc::LookupState&, llvm::orc::LookupKind, llvm::orc::JITDylib& dylib,
                            llvm::orc::JITDylibLookupFlags, const llvm::orc::SymbolLookupSet& names) override {
    llvm::orc::SymbolMap found;
    for (const auto& [name, flags] : names) {
      llvm::StringRef text = *name;
      if (text.find(marker_) == llvm::StringRef::npos) continue;
      if (void* address = dlsym(handle_, text.str().c_str()))
        found[name] = {llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported};
    }
    if (found.empty()) return llvm::Error::success();
    return dylib.define(llvm::orc::absoluteSymbols(std::move(found)));
  }

 private:
  void* handle_;
  std::string marker_;
};

// A library given to loadLibrary: the symbols it defines itself come from it (as koffi's and
// dlsym(handle)'s lookups give them: zlibVersion of the libz.so.1 loaded, not of a zlib built into
// node), and everything else from the process's global scope. A symbol a library merely reaches
// through its dependencies is not its own: the libstdc++.so.6 a C++ library pulls in holds a
// std::cout that is never constructed, because the process's copy interposes it.
class LibrarySymbols : public llvm::orc::DefinitionGenerator {
 public:
  explicit LibrarySymbols(void* handle) : handle_(handle) {
    struct link_map* map = nullptr;
    if (dlinfo(handle_, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name) file_ = map->l_name;
  }

  llvm::Error tryToGenerate(llvm::orc::LookupState&, llvm::orc::LookupKind, llvm::orc::JITDylib& dylib,
                            llvm::orc::JITDylibLookupFlags, const llvm::orc::SymbolLookupSet& names) override {
    llvm::orc::SymbolMap found;
    for (const auto& [name, flags] : names) {
      void* address = dlsym(handle_, (*name).str().c_str());
      Dl_info info;
      if (!address || !dladdr(address, &info) || !info.dli_fname || file_ != info.dli_fname) continue;
      found[name] = {llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported};
    }
    if (found.empty()) return llvm::Error::success();
    return dylib.define(llvm::orc::absoluteSymbols(std::move(found)));
  }

 private:
  void* handle_;  // kept open: the library stays loaded for the process
  std::string file_;
};

llvm::Error exposeHostLibrary(clang::Interpreter& interp, const SessionOptions& options) {
  if (options.hostLibrary.empty()) return llvm::Error::success();
  void* handle = dlopen(options.hostLibrary.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (!handle)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "cannot reach the host library " +
                                                                       options.hostLibrary + ": " + dlerror());
  auto engine = interp.getExecutionEngine();
  if (!engine) {
    dlclose(handle);
    return engine.takeError();
  }
  engine->getMainJITDylib().addGenerator(std::make_unique<HostSymbols>(handle, options.hostSymbolMarker));
  return llvm::Error::success();
}
}  // namespace

std::vector<std::string> compilerArguments(const SessionOptions& options) {
  std::vector<std::string> args = {"-resource-dir", options.resourceDir, "-std=" + options.languageStandard,
                                   options.optimization, "-fexceptions", "-fcxx-exceptions", "-Wno-unused-value",
                                   "-Wno-unused-result"};
  for (const auto& dir : options.includePaths) args.push_back("-I" + dir);
  for (const auto& extra : options.extraArgs) args.push_back(extra);
  return args;
}

static llvm::Expected<std::unique_ptr<clang::CompilerInstance>> createCompilerInstance(const std::vector<std::string>& args) {
  static std::once_flag targetsReady;
  std::call_once(targetsReady, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // Inline asm in JIT-ed code is assembled by the target's asm parser (without it, LLVM aborts).
    llvm::InitializeNativeTargetAsmParser();
  });
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  clang::IncrementalCompilerBuilder builder;
  builder.SetCompilerArgs(argv);
  return builder.CreateCpp();
}

void bridgeThreadLocals(llvm::orc::LLJIT& jit);  // tls.cpp: libstdc++'s thread_locals for JIT-compiled code

// JIT-ed code reaches the C++ runtime (operator new, std::cout, __cxa_throw) by name through the
// process's global scope. Node exports its own copy; Bun and Deno export none, so the libstdc++ and
// libgcc_s this library was loaded with are made global (a no-op under Node, whose copy stays first).
static void exposeCxxRuntime() {
  for (const char* runtime : {"libstdc++.so.6", "libgcc_s.so.1"}) ::dlopen(runtime, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

Result<std::unique_ptr<Session>> Session::create(const SessionOptions& options) {
  exposeCxxRuntime();
  auto impl = std::make_unique<Impl>();
  impl->argStorage = compilerArguments(options);
  impl->includePaths = options.includePaths;
  auto ci = createCompilerInstance(impl->argStorage);
  if (!ci) return Result<std::unique_ptr<Session>>::failure(Status::Failed, errorText(ci.takeError()));
  impl->pch = pch::locate(options, impl->argStorage, **ci);
  impl->headers = pch::locateHeaders(options, impl->argStorage, **ci, impl->pch.path);
  // A user headers' PCH chains the standard one: loading it loads both.
  const std::string& loaded = impl->headers.path.empty() ? impl->pch.path : impl->headers.path;
  if (!loaded.empty()) (*ci)->getPreprocessorOpts().ImplicitPCHInclude = loaded;
  auto interp = createInterpreter(std::move(*ci));
  if (!interp && !impl->headers.path.empty()) {
    llvm::consumeError(interp.takeError());
    SessionOptions without = options;
    without.headerSequence.clear();
    return create(without);
  }
  if (!interp)
    return Result<std::unique_ptr<Session>>::failure(Status::Failed, errorText(interp.takeError()));
  impl->interp = std::move(*interp);
  if (auto err = exposeHostLibrary(*impl->interp, options))
    return Result<std::unique_ptr<Session>>::failure(Status::Failed, errorText(std::move(err)));
  impl->startObjectCache(options);
  if (auto engine = impl->interp->getExecutionEngine()) bridgeThreadLocals(*engine);
  else llvm::consumeError(engine.takeError());
  impl->ci().getDiagnostics().setClient(&impl->diagnostics, /*ShouldOwnClient=*/false);
  if (auto reader = impl->ci().getASTReader()) {
    impl->readerFeed = std::make_unique<pch::ReaderFeed>(impl->ci());
    reader->StartTranslationUnit(impl->readerFeed.get());
  }
  installInputGuards(*impl);
  // The interpreter is one translation unit that never becomes a named module: `module m;` in an
  // included header is then an ordinary (erroneous) declaration, not a module purview that Clang 19
  // carried into every later input ("Duplicate definition of symbol '_ZGIW1m'").
  impl->ci().getLangOpts().CPlusPlusModules = 0;
  // What reflex's own generated code (cppexec wrappers) relies on.
  auto base = impl->run("#include <exception>\n#include <typeinfo>\n#include <cxxabi.h>\n"
                         "template <class T> T&& __cppjit_declval() noexcept;\n"
                         "template <class T> struct __cppjit_noref { using type = T; };\n"
                         "template <class T> struct __cppjit_noref<T&> { using type = T; };\n"
                         "template <class T> struct __cppjit_noref<T&&> { using type = T; };\n"
                         // The argument type of a JS function for a parameter that explicit template
                         // arguments already fix (fn['std::function<int(int)>'](jsFunction)).
                         "struct __cppjit_any { template <class T> operator T() const; };\n");
  if (!base.ok()) return Result<std::unique_ptr<Session>>::failure(base.status(), base.message(), base.diagnostics());
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

Outcome Session::buildPrecompiledHeader(const SessionOptions& options) {
  auto args = compilerArguments(options);
  auto ci = createCompilerInstance(args);
  if (!ci) return Outcome::failure(Status::Failed, errorText(ci.takeError()));
  return pch::build(options, args, **ci);
}

Outcome Session::buildHeaderCache(const SessionOptions& options, const std::vector<std::string>& sequence) {
  auto args = compilerArguments(options);
  auto ci = createCompilerInstance(args);
  if (!ci) return Outcome::failure(Status::Failed, errorText(ci.takeError()));
  return pch::buildHeaders(options, args, **ci, sequence);
}

HeaderCacheStatus Session::headerCache() const { return impl_->headers; }

void Session::endLeading() { impl_->headers.leadingOpen = false; }

namespace {
// Process time: inputs are parsed on a thread with a large stack.
double cpuMs() {
  struct timespec t;
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// An include call repeated what the loaded user headers' PCH holds, or it did not.
bool repeats(Session::Impl& impl, const std::string& action) {
  auto& h = impl.headers;
  if (!h.pending) return true;
  if (impl.headersMatched >= h.sequence.size() || h.sequence[impl.headersMatched] != action) return false;
  if (++impl.headersMatched == h.sequence.size()) h.pending = false;
  return true;
}

void noteLeading(Session::Impl& impl, const std::string& action, double ms) {
  auto& h = impl.headers;
  if (!h.leadingOpen) return;
  h.leading.push_back(action);
  h.leadingMs += ms;
}
}  // namespace

const PrecompiledHeaderStatus& Session::precompiledHeader() const { return impl_->pch; }

ObjectCacheStatus Session::objectCache() const {
  ObjectCacheStatus status;
  if (!impl_->objects) return status;
  status.directory = impl_->objects->directory();
  status.hits = impl_->objects->hits;
  status.stored = impl_->objects->stored;
  return status;
}

Outcome Session::include(const std::string& header) {
  std::string spelled = header;
  bool angled = header.size() > 2 && header.front() == '<' && header.back() == '>';
  std::string key;
  if (angled) {
    key = header;
  } else {
    // Resolve quoted names the way a user expects: absolute, then the include paths, then cwd.
    if (!header.empty() && header.front() == '/') {
      if (isFile(header)) key = realPath(header);
    } else {
      for (const auto& dir : impl_->includePaths) {
        if (isFile(dir + "/" + header)) {
          key = realPath(dir + "/" + header);
          break;
        }
      }
      if (key.empty() && isFile(currentDirectory() + "/" + header)) key = realPath(currentDirectory() + "/" + header);
    }
    if (!key.empty()) spelled = "\"" + key + "\"";
    else spelled = "\"" + header + "\"";  // let Clang report it with its own search
    if (key.empty()) key = header;
  }
  if (impl_->includedFiles.count(key)) return success();
  std::string action = "H:" + spelled;
  if (impl_->headers.pending) {
    if (!repeats(*impl_, action))
      return Outcome::failure(Status::Deviates, "include " + header + " is not next in the precompiled include sequence");
    // Its declarations came with the PCH: including it again would re-read a header without guards.
    impl_->includedFiles.insert(key);
    noteLeading(*impl_, action, 0);
    return success();
  }
  double began = cpuMs();
  auto outcome = impl_->run("#include " + spelled + "\n");
  if (outcome.ok()) {
    impl_->includedFiles.insert(key);
    noteLeading(*impl_, action, cpuMs() - began);
  } else {
    impl_->headers.leadingOpen = false;  // a sequence that fails is not worth precompiling
  }
  return outcome;
}

Outcome Session::addIncludePath(const std::string& directory) {
  if (!isDirectory(directory))
    return Outcome::failure(Status::NotFound, "include path is not a directory: " + directory);
  std::string dir = realPath(directory);
  for (const auto& known : impl_->includePaths)
    if (known == dir) return success();
  std::string action = "I:" + dir;
  if (impl_->headers.pending && impl_->headers.sequence[impl_->headersMatched] != action)
    return Outcome::failure(Status::Deviates, "include path " + dir + " is not next in the precompiled include sequence");
  auto& headerSearch = impl_->pp().getHeaderSearchInfo();
  auto entry = impl_->ci().getFileManager().getOptionalDirectoryRef(dir);
  if (!entry) return Outcome::failure(Status::NotFound, "cannot open include path: " + dir);
  // Quoted and angled includes both search user paths, as -I does.
  headerSearch.AddSearchPath(clang::DirectoryLookup(*entry, clang::SrcMgr::C_User, false), /*isAngled=*/true);
  impl_->includePaths.push_back(dir);
  repeats(*impl_, action);
  noteLeading(*impl_, action, 0);
  return success();
}

Outcome Session::loadLibrary(const std::string& nameOrPath) {
  std::vector<std::string> candidates;
  if (nameOrPath.find('/') != std::string::npos) {
    candidates.push_back(nameOrPath);
  } else if (nameOrPath.rfind("lib", 0) == 0 || nameOrPath.find(".so") != std::string::npos) {
    candidates.push_back(nameOrPath);
    if (nameOrPath.find(".so") == std::string::npos) candidates.push_back(nameOrPath + ".so");
  } else {
    candidates.push_back("lib" + nameOrPath + ".so");
    // Without the -dev package only the versioned soname exists.
    for (int version = 0; version < 10; ++version)
      candidates.push_back("lib" + nameOrPath + ".so." + std::to_string(version));
    candidates.push_back(nameOrPath);
  }
  std::string tried;
  for (const auto& candidate : candidates) {
    // RTLD_GLOBAL: what the library needs from others resolves as usual; JIT-ed code gets the
    // library's own definitions, and the rest through the process's global scope (LibrarySymbols).
    void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (handle) {
      if (auto engine = impl_->interp->getExecutionEngine())
        engine->getMainJITDylib().addGenerator(std::make_unique<LibrarySymbols>(handle));
      else
        llvm::consumeError(engine.takeError());
      return success();
    }
    const char* why = ::dlerror();
    if (!tried.empty()) tried += "; ";
    tried += candidate + ": " + (why ? why : "not found");
  }
  return Outcome::failure(Status::NotFound, "cannot load library '" + nameOrPath + "' (tried " + tried + ")");
}

// The #include lines an input starts with, up to its first other line (blank and // comment
// lines may come between). Rolling back a failed input cannot un-include a header (its include
// guard stays defined), so the headers are parsed as an input of their own and stay when the
// code after them fails.
static size_t leadingIncludesEnd(const std::string& code) {
  size_t pos = 0, end = 0;
  bool any = false;
  while (pos < code.size()) {
    size_t next = code.find('\n', pos);
    if (next == std::string::npos) next = code.size();
    llvm::StringRef line = llvm::StringRef(code).slice(pos, next).trim();
    if (line.consume_front("#")) {
      if (!line.ltrim().starts_with("include")) break;
      any = true;
    } else if (!line.empty() && !line.starts_with("//")) {
      break;
    }
    pos = next + 1;
    end = std::min(pos, code.size());
  }
  return any ? end : 0;
}

// The end of every cppdef input: an empty declaration, so that a top-level expression left without
// its ';' (`std::cout << 1`) never reaches the interpreter's value printing, which needs a runtime
// cppjit does not load (and crashed).
static const char* const kInputEnd = "\n;\n";

Outcome Session::declare(const std::string& code) {
  size_t split = leadingIncludesEnd(code);
  if (split == 0 || split >= code.size()) return impl_->run(code + kInputEnd);
  auto headers = impl_->run(code.substr(0, split));
  if (!headers.ok()) return headers;
  // Blank lines in place of the includes keep Clang's line numbers those of the whole input.
  std::string rest(static_cast<size_t>(std::count(code.begin(), code.begin() + split, '\n')), '\n');
  return impl_->run(rest + code.substr(split) + kInputEnd);
}

std::string Session::Impl::shielded(const std::string& code) {
  auto& sm = ci().getSourceManager();
  std::vector<std::string> names;
  for (const auto& entry : pp().macros(/*IncludeExternalMacros=*/false)) {
    const clang::IdentifierInfo* ident = entry.first;
    const clang::MacroInfo* info = ident->hasMacroDefinition() ? pp().getMacroInfo(ident) : nullptr;
    if (!info || info->isBuiltinMacro() || ident->getName().starts_with("__cppjit")) continue;
    clang::SourceLocation where = info->getDefinitionLoc();
    // Command-line definitions (-D in CPPJIT_EXTRA_ARGS) configure the headers, and system headers'
    // macros are their API: only what the user's own code defined.
    if (where.isInvalid() || sm.isInSystemHeader(where) || sm.isWrittenInBuiltinFile(where) || sm.isWrittenInCommandLineFile(where))
      continue;
    names.push_back(ident->getName().str());
  }
  if (names.empty()) return code;
  std::string before, after;
  for (const auto& name : names) {
    before += "#pragma push_macro(\"" + name + "\")\n#undef " + name + "\n";
    after += "#pragma pop_macro(\"" + name + "\")\n";
  }
  return before + code + "\n" + after;
}

namespace {
// `#pragma GCC poison size_t` in the user's code makes every later use of the name an error, also
// in cppjit's generated wrappers: their names are unpoisoned while they are parsed (Clang's own
// __VA_ARGS__/__VA_OPT__ stay as they are: Clang toggles them itself).
class Unpoisoned {
 public:
  explicit Unpoisoned(clang::Preprocessor& pp) {
    for (auto& entry : pp.getIdentifierTable()) {
      clang::IdentifierInfo* ident = entry.getValue();
      if (!ident->isPoisoned() || ident->getName().starts_with("__VA_")) continue;
      ident->setIsPoisoned(false);
      names_.push_back(ident);
    }
  }
  ~Unpoisoned() {
    for (clang::IdentifierInfo* ident : names_) ident->setIsPoisoned(true);
  }
  Unpoisoned(const Unpoisoned&) = delete;
  Unpoisoned& operator=(const Unpoisoned&) = delete;

 private:
  std::vector<clang::IdentifierInfo*> names_;
};
}  // namespace

Outcome Session::declareGenerated(const std::string& code) {
  Unpoisoned unpoisoned(impl_->pp());
  return impl_->run(impl_->shielded(code));
}

Outcome Session::execute(const std::string& code) {
  // As in cppyy (Cling), statements run at the top level, so that what they declare stays
  // declared (`int x = f();` makes a global x). Their exceptions are caught where the input's
  // initialisers run (see runInput). What cannot stand at the top level (`return;`, a label) runs
  // inside a function instead; when neither compiles, the top-level diagnostics are the ones shown.
  Outcome topLevel = declare(code + "\n;");
  if (topLevel.ok() || topLevel.status() != Status::CompileError) return topLevel;
  Outcome wrapped = executeWrapped(code);
  return wrapped.ok() || wrapped.status() != Status::CompileError ? wrapped : topLevel;
}

Outcome Session::executeWrapped(const std::string& code) {
  // Wrapping statements in a function keeps their locals out of the global scope and lets
  // C++ exceptions thrown by them be reported instead of terminating the process.
  std::string name = impl_->nextName("__cppjit_exec_");
  // The statements are a void function's body (`return;` ends them), called inside the try.
  std::string text = "static void " + name + "_body() {\n" + code + "\n;}\n"
                     "extern \"C\" int " + name + "(char* type, char* what, unsigned long size) {\n"
                     "try { " + name + "_body(); }\n"
                     "catch (const std::exception& e) { __builtin_snprintf(type, size, \"%s\", typeid(e).name());"
                     " __builtin_snprintf(what, size, \"%s\", e.what()); return 1; }\n"
                     "catch (...) { const std::type_info* t = abi::__cxa_current_exception_type();"
                     " __builtin_snprintf(type, size, \"%s\", t ? t->name() : \"\");"
                     // A thrown number's value follows the type's name: `i (43)` (see CppException).
                     " char* at = type + __builtin_strlen(type); unsigned long left = size - (at - type);"
                     " try { throw; }"
                     " catch (int v) { __builtin_snprintf(at, left, \" (%d)\", v); }"
                     " catch (long v) { __builtin_snprintf(at, left, \" (%ld)\", v); }"
                     " catch (long long v) { __builtin_snprintf(at, left, \" (%lld)\", v); }"
                     " catch (unsigned v) { __builtin_snprintf(at, left, \" (%u)\", v); }"
                     " catch (unsigned long v) { __builtin_snprintf(at, left, \" (%lu)\", v); }"
                     " catch (unsigned long long v) { __builtin_snprintf(at, left, \" (%llu)\", v); }"
                     " catch (double v) { __builtin_snprintf(at, left, \" (%f)\", v); }"
                     " catch (...) {}"
                     " return 2; }\n"
                     "return 0; }\n";
  auto compiled = compile(text, {name});
  if (!compiled.ok()) return Outcome::failure(compiled.status(), compiled.message(), compiled.diagnostics());
  auto fn = reinterpret_cast<int (*)(char*, char*, unsigned long)>(compiled.value()[0]);
  char type[2048] = {0};
  char what[2048] = {0};
  if (fn(type, what, sizeof type) != 0) return Outcome::failure(Status::CppException, std::string(type) + "\n" + what);
  return success();
}

Result<std::vector<void*>> Session::compile(const std::string& code, const std::vector<std::string>& symbols,
                                            bool quick, bool sealed) {
  std::string key;
  auto& objects = impl_->objects;
  if (sealed && quick && objects && !symbols.empty()) {
    key = objects->keyFor(code, symbols, quick);
    if (auto object = objects->load(key)) {
      if (auto addresses = impl_->linkObject(std::move(object), symbols)) {
        ++objects->hits;
        return std::move(*addresses);
      }
      objects->forget(key);
    }
  }
  struct SealedScope {
    Impl& impl;
    ~SealedScope() {
      impl.sealedInput = false;
      impl.quickInput = false;
      impl.quickObject.reset();
    }
  } scope{*impl_};
  impl_->sealedInput = sealed;
  impl_->quickInput = sealed && quick && !symbols.empty();
  // Thunks are a few lines of calls: compiling them without optimisation (optnone, fast
  // instruction selection) costs a fraction of the optimising backend and loses almost nothing.
  auto& codegen = impl_->ci().getCodeGenOpts();
  unsigned savedLevel = codegen.OptimizationLevel;
  if (quick) codegen.OptimizationLevel = 0;
  std::vector<std::string> names = symbols;
  // Code that failed before under these names (a batch of wrappers compiled again one by one)
  // gets fresh ones, for the reason renamed gives.
  bool retried = std::any_of(symbols.begin(), symbols.end(), [&](const std::string& s) { return impl_->failedSymbols.count(s) > 0; });
  std::string text = impl_->shielded(retried ? renamed(code, names, "_a" + std::to_string(++impl_->uniqueCounter)) : code);
  std::vector<std::string> fresh = names;
  std::optional<Unpoisoned> unpoisoned;
  unpoisoned.emplace(impl_->pp());
  auto outcome = impl_->run(text, &names);
  unpoisoned.reset();
  codegen.OptimizationLevel = savedLevel;
  // Parsed under other names (see renamed): the cache key names the original ones.
  if (names != symbols) key.clear();
  if (!outcome.ok()) impl_->failedSymbols.insert(fresh.begin(), fresh.end());
  if (!outcome.ok())
    return Result<std::vector<void*>>::failure(outcome.status(), outcome.message(), outcome.diagnostics());
  if (impl_->quickObject) {
    std::string bytes = key.empty() ? "" : impl_->quickObject->getBuffer().str();
    auto addresses = impl_->linkObject(std::move(impl_->quickObject), names);
    if (!addresses) return Result<std::vector<void*>>::failure(Status::Failed, "cannot link the compiled code of " + names[0]);
    if (!key.empty()) objects->store(key, bytes);
    return std::move(*addresses);
  }
  std::vector<void*> addresses;
  for (const auto& symbol : names) {
    if (quick) codegen.OptimizationLevel = 0;
    auto address = impl_->interp->getSymbolAddress(symbol);
    codegen.OptimizationLevel = savedLevel;
    if (!address)
      return Result<std::vector<void*>>::failure(Status::Failed, "symbol not found after compilation: " + symbol +
                                                                     " (" + errorText(address.takeError()) + ")");
    addresses.push_back(address->toPtr<void*>());
  }
  return addresses;
}

struct Session::Impl::QuickPipeline {
  llvm::legacy::PassManager passes;
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream{buffer};
  llvm::MCContext* context = nullptr;
};

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Session::Impl::compileQuickly(llvm::Module& module) {
  if (!quickMachine) {
    auto engine = interp->getExecutionEngine();
    if (!engine) return engine.takeError();
    llvm::orc::JITTargetMachineBuilder builder(engine->getTargetTriple());
    // Relocation and code models stay the target's defaults, as for the JIT's own compiler: with
    // PIC, exceptions no longer unwound out of these objects into the addon's frames.
    builder.setCodeGenOptLevel(llvm::CodeGenOptLevel::None);
    builder.addFeatures(ci().getTargetOpts().Features);
    auto machine = builder.createTargetMachine();
    if (!machine) return machine.takeError();
    quickMachine = std::move(*machine);
  }
  if (module.getDataLayout() != quickMachine->createDataLayout())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "the module's data layout is not the target's");
  if (!quickPipeline) {
    auto pipeline = std::make_shared<QuickPipeline>();
    if (quickMachine->addPassesToEmitMC(pipeline->passes, pipeline->context, pipeline->stream))
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "the target cannot emit objects");
    quickPipeline = std::move(pipeline);
  }
  auto& pipeline = *quickPipeline;
  pipeline.buffer.clear();
  pipeline.passes.run(module);
  if (pipeline.buffer.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no object was emitted");
  llvm::SmallVector<char, 0> object(pipeline.buffer.begin(), pipeline.buffer.end());
  return std::make_unique<llvm::SmallVectorMemoryBuffer>(std::move(object), module.getModuleIdentifier() + "-object",
                                                         /*RequiresNullTerminator=*/false);
}

bool Session::hasObjectMacro(const std::string& name) {
  auto& pp = impl_->pp();
  auto* ident = pp.getIdentifierInfo(name);
  const clang::MacroInfo* info = ident ? pp.getMacroInfo(ident) : nullptr;
  return info && info->isObjectLike();
}

bool Session::isFunctionMacro(const std::string& name) {
  auto& pp = impl_->pp();
  auto* ident = pp.getIdentifierInfo(name);
  const clang::MacroInfo* info = ident ? pp.getMacroInfo(ident) : nullptr;
  return info && info->isFunctionLike();
}

}  // namespace reflex
