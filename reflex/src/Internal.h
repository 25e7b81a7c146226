// reflex/src/Internal.h — Session::Impl and the helpers shared by reflex's translation units.
#pragma once

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Interpreter/Interpreter.h>
#include <clang/Lex/Preprocessor.h>
#include <clang/Sema/Sema.h>
#include <llvm/Target/TargetMachine.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "Compat.h"
#include "ObjectCache.h"
#include "Pch.h"
#include "reflex/Session.h"

namespace reflex {

// jit.cpp: the interpreter, its JIT's memory in one reserved address range.
llvm::Expected<std::unique_ptr<clang::Interpreter>> createInterpreter(std::unique_ptr<clang::CompilerInstance> ci);

// Collects Clang's diagnostics per input instead of printing them to stderr.
class DiagnosticCollector : public clang::DiagnosticConsumer {
 public:
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic& info) override;
  std::vector<Diagnostic> take();
  void discard() { items_.clear(); }
  bool hasErrors() const;

 private:
  std::vector<Diagnostic> items_;
};

std::string firstError(const std::vector<Diagnostic>& diags, const std::string& fallback);


struct Session::Impl {
  PrecompiledHeaderStatus pch;
  // The user headers' PCH, and how much of its sequence the include calls repeated so far.
  HeaderCacheStatus headers;
  size_t headersMatched = 0;
  std::unique_ptr<pch::ReaderFeed> readerFeed;  // set when a PCH is loaded; outlives the interpreter
  std::unique_ptr<clang::Interpreter> interp;
  DiagnosticCollector diagnostics;
  std::vector<std::string> argStorage;
  std::set<std::string> includedFiles;
  std::vector<std::string> includePaths;
  unsigned uniqueCounter = 0;
  std::chrono::steady_clock::time_point inputStarted{};  // when the input being parsed started (guards.cpp)
  // Declarations of the precompiled header that a failing input loaded into its own unit's lookup
  // table: Clang's clean-up removes them with the input, they are made visible again after it.
  std::vector<clang::NamedDecl*> loadedByFailedInput;
  // The first change the input being parsed made to each macro, with the definition before it
  // (null: undefined): a failed input's #define/#undef are rolled back with it (guards.cpp).
  std::vector<std::pair<clang::IdentifierInfo*, clang::MacroInfo*>> macroChanges;
  std::set<const clang::IdentifierInfo*> macrosChanged;
  std::map<std::string, const clang::CXXRecordDecl*> typeinfoCache;
  std::map<std::string, const clang::NamedDecl*> macroTargets;  // scopes.cpp: what a renaming macro names (or nullptr)
  std::set<std::string> linkableSymbols;
  // Symbols of compiled inputs that failed: compiling them again uses fresh names (see compile).
  std::set<std::string> failedSymbols;
  // The names each finished namespace (or input) redeclaration declares: a redeclaration never
  // changes once its input is parsed, and listing one that came from the PCH deserializes all of
  // it (std: ~50 ms), so namespaces are listed again after every input by their new parts only.
  std::map<const clang::DeclContext*, std::vector<const clang::NamedDecl*>> redeclMembers;  // external symbols already found once (JIT or process)

  // Object code of sealed inputs on disk (objcache.cpp); a sealed input is left out of the history.
  std::unique_ptr<ObjectCache> objects;
  bool sealedInput = false;
  // An input of reflex's own that only completes a type (a sizeof, an alias to find it): left out of
  // the compiled-wrapper cache's history, since whether it is needed depends on what earlier inputs
  // instantiated, and a wrapper linked from the cache instantiates nothing (see objcache.cpp).
  bool queryInput = false;
  // A sealed, unoptimised input's module is compiled here, with a target machine of its own at
  // the lowest codegen level (fast instruction selection and register allocation), and linked as
  // an object (which the cache keeps): the JIT's own compiler runs its full optimising machine
  // pipeline on every module.
  bool quickInput = false;
  std::unique_ptr<llvm::TargetMachine> quickMachine;
  // quickMachine's codegen pass pipeline, built once: building it per object was ~12% of a thunk's
  // compile (llc -run-twice relies on the same reuse).
  struct QuickPipeline;
  std::shared_ptr<QuickPipeline> quickPipeline;
  std::unique_ptr<llvm::MemoryBuffer> quickObject;
  // The module as an object from quickMachine; an error when it must take the JIT's usual path.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> compileQuickly(llvm::Module& module);
  void startObjectCache(const SessionOptions& options);
  // External names an object file needs that nothing provides.
  std::vector<std::string> unresolvedInObject(const llvm::MemoryBuffer& object);
  // Links a cached object and returns the symbols' addresses; nothing when it cannot link here.
  std::optional<std::vector<void*>> linkObject(std::unique_ptr<llvm::MemoryBuffer> object,
                                               const std::vector<std::string>& symbols);

  clang::CompilerInstance& ci() { return compat::compilerInstance(*interp); }
  clang::ASTContext& ast() { return ci().getASTContext(); }
  clang::Sema& sema() { return ci().getSema(); }
  clang::Preprocessor& pp() { return ci().getPreprocessor(); }
  clang::PrintingPolicy policy();

  // Parses and runs one input; on failure the input is rolled back and Clang's
  // diagnostics come back in the Result. `symbols`, the names the caller looks up afterwards,
  // may come back renamed (see run).
  Outcome run(const std::string& code, std::vector<std::string>* symbols = nullptr);
  Outcome runInput(const std::string& code, std::vector<std::string>* symbols);
  // Whether `name` is a macro whose body holds half a pair of brackets (see unbalancedBrackets).
  bool halfBracketMacro(llvm::StringRef name);
  bool comparisonHelpers = false;
  // types.cpp: the name given to each lambda's closure class that generated code has to spell.
  std::map<const clang::CXXRecordDecl*, std::string> closureNames;  // templates.cpp: __cppjit_cmp's helpers for rewritten comparisons are defined
  // Errors LLVM met generating machine code for the input being run (invalid inline asm).
  std::vector<std::string> backendErrors;
  llvm::LLVMContext* diagnosedContext = nullptr;
  Outcome refuseBackendErrors(clang::PartialTranslationUnit& unit, bool executed);
  // External symbols an input's module references that nothing provides. Checked before the
  // module reaches the JIT: a module that fails to link there poisons every later input.
  std::vector<std::string> unresolvedSymbols(llvm::Module& module);
  std::vector<std::string> unresolvedNames(const std::vector<std::string>& names);
  void discardPartialCode();
  void undoInput(clang::TranslationUnitDecl* input);
  void restoreLoadedDeclarations();
  void discardInput(clang::PartialTranslationUnit& unit);
  void forgetExternC(clang::TranslationUnitDecl* input);
  // Instantiated function templates whose code a failed input took with it (llvm #106833):
  // later inputs only declare them. Finds the ones behind these mangled names.
  std::vector<const clang::FunctionDecl*> instantiationsNamed(const std::set<std::string>& mangledNames);
  // `code` between #pragma push_macro/#undef and pop_macro of every macro the user defined (in
  // cppdef input or a non-system header): generated code means the C++ it spells, whatever a user's
  // `#define size_t int` or `#define return throw` says.
  std::string shielded(const std::string& code);
  std::string nextName(const char* prefix) { return std::string(prefix) + std::to_string(++uniqueCounter); }
};

// session.cpp
std::vector<std::string> compilerArguments(const SessionOptions& options);
// guards.cpp: pragma handlers that keep malformed input from crashing Clang; every input ends
// with `#pragma <kInputEndPragma>`.
inline constexpr const char* kInputEndPragma = "cppjit_input_end";
void installInputGuards(Session::Impl& s);
// Before Clang's IncrementalParser::CleanUpPTU drops an input (after it failed, or on Undo): does
// what CleanUpPTU does wrong for it (see guards.cpp).
void prepareCleanUp(Session::Impl& s, clang::TranslationUnitDecl* input);
// session.cpp: the first bracket of `code` that does not close or closes the wrong kind, or an #if
// without #endif (offset, message); found by a raw lexer, so before anything is parsed.
std::optional<std::pair<size_t, std::string>> unbalancedBrackets(llvm::StringRef code, const clang::LangOptions& language,
                                                                const std::function<bool(llvm::StringRef)>& bracketMacro);
// After a failed input: its macro definitions and #undefs undone.
void rollBackMacros(Session::Impl& s);
// types.cpp
TypeDesc describeType(Session::Impl& s, clang::QualType type);
std::string qualifiedSpelling(Session::Impl& s, clang::QualType type);
std::string displaySpelling(Session::Impl& s, clang::QualType type);
std::string functionTypeSpelling(Session::Impl& s, const clang::FunctionProtoType* fpt);
// functions.cpp
FunctionDesc describeFunction(Session::Impl& s, const clang::FunctionDecl* fn);
// scopes.cpp
const clang::DeclContext* asDeclContext(ScopeRef scope);
bool isUsableRecord(Session::Impl& s, const clang::CXXRecordDecl* rd);

inline const clang::Decl* asDecl(ScopeRef scope) { return static_cast<const clang::Decl*>(scope.decl); }
inline ScopeRef scopeOf(const clang::Decl* d) { return ScopeRef{d}; }

}  // namespace reflex
