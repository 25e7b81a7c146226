// reflex/Session.h — one embedded Clang interpreter: parsing, reflection queries and JIT compilation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "reflex/Types.h"

namespace reflex {

struct SessionOptions {
  std::string resourceDir;               // Clang's resource dir (builtin headers)
  std::string languageStandard = "c++20";
  std::vector<std::string> extraArgs;    // passed to the compiler as-is
  std::vector<std::string> includePaths;
  std::string optimization = "-O2";      // thunks are tiny; -O2 lets them inline the call
  // Where the precompiled header of the standard headers is kept (created 0700); "" = no cache.
  std::string cacheDirectory;
  // Headers (absolute paths, #pragma once) built into that precompiled header after the standard
  // ones, so that including them later costs nothing: the thunk prelude.
  std::vector<std::string> pchExtraHeaders;
  // A library already loaded in this process (by path) that defines functions the JIT-ed code calls
  // by name; only its symbols whose name contains hostSymbolMarker are visible to the JIT.
  std::string hostLibrary;
  std::string hostSymbolMarker;
  // The include sequence a precompiled header of user headers may exist for (the leading includes
  // of an earlier run: "I:<dir>" for addIncludePath, "H:<header>" for include). When one is found
  // intact and up to date, the session starts with it loaded, speculatively: the include calls must
  // then repeat the sequence, and include() reports Status::Deviates at the first one that does not.
  std::vector<std::string> headerSequence;
};

// The precompiled header of the standard headers, as found when the session started.
struct PrecompiledHeaderStatus {
  std::string path;          // the file loaded, or "" when the standard headers are parsed as usual
  std::string detail;        // why, in a few words (for CPPJIT_DEBUG and diagnostics)
  bool shouldBuild = false;  // none is usable and this process took the build lock: the host
                             // should run buildPrecompiledHeader, preferably in another process
};

// The precompiled header of user headers (headerSequence), and what this session included first.
struct HeaderCacheStatus {
  std::string path;                    // the file loaded, or ""
  std::string detail;                  // why, in a few words
  std::vector<std::string> sequence;   // what it holds (empty when none was loaded)
  bool pending = false;                // loaded, and its sequence not yet all repeated
  std::vector<std::string> leading;    // this session's include calls before any other use
  bool leadingOpen = true;             // no other use yet
  double leadingMs = 0;                // process CPU time the leading includes took
};

// The on-disk cache of thunks' machine code, for this session so far.
struct ObjectCacheStatus {
  std::string directory;  // "" when the cache is off (no usable cache directory)
  unsigned hits = 0;      // compiles served by linking a stored object
  unsigned stored = 0;    // objects written
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> create(const SessionOptions& options);
  ~Session();
  // Builds the precompiled header for these options, unless a usable one exists (runs clang++,
  // about a second): into a temporary file, then renamed into place, then the build lock is released.
  static Outcome buildPrecompiledHeader(const SessionOptions& options);
  // Builds the precompiled header of `sequence` ("I:<dir>", "H:<header>") chained on the standard
  // one (which must exist), unless a usable one exists. Inputs are checked by content when loaded.
  static Outcome buildHeaderCache(const SessionOptions& options, const std::vector<std::string>& sequence);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const PrecompiledHeaderStatus& precompiledHeader() const;
  ObjectCacheStatus objectCache() const;
  HeaderCacheStatus headerCache() const;
  // The host used the session for something other than include/addIncludePath: the leading
  // sequence is over. A pending header cache must be settled (restarted without) before that.
  void endLeading();

  // --- Loading code -------------------------------------------------------
  // "foo.h" (quoted search), "<vector>" (angled search) or "/abs/foo.h". Idempotent per file.
  // While a header cache is pending, a call that does not repeat its sequence returns
  // Status::Deviates and changes nothing (likewise addIncludePath).
  Outcome include(const std::string& header);
  Outcome addIncludePath(const std::string& directory);
  // A path, a soname ("libz.so.1") or a short name ("z"). Symbols become visible to JIT-ed code.
  Outcome loadLibrary(const std::string& nameOrPath);
  Outcome declare(const std::string& code);   // cppdef: declarations and definitions
  // Declarations cppjit generates for itself (helpers, subclasses of JS classes): parsed with the
  // user's macros out of the way (see Impl::shielded).
  Outcome declareGenerated(const std::string& code);
  Outcome execute(const std::string& code);   // cppexec: statements run now
  Outcome executeWrapped(const std::string& code);  // statements run inside a function

  // Compiles generated code and returns the addresses of the requested symbols (extern "C"),
  // in order. A failure rolls the input back and reports Clang's diagnostics.
  // quick: compile without optimisation (thunks); otherwise at the session's level.
  // sealed: the code defines only the symbols asked for and no later input names anything it
  // declares. With quick, it is then compiled at the lowest codegen level and linked as an object,
  // which may come from (and goes to) the on-disk cache, serving a later process that reached the
  // same state (same flags, PCH and earlier inputs).
  Result<std::vector<void*>> compile(const std::string& code, const std::vector<std::string>& symbols,
                                     bool quick = false, bool sealed = false);

  // --- Reflection ---------------------------------------------------------
  ScopeRef globalScope() const;
  bool isGlobalScope(ScopeRef scope) const;  // each input has a translation unit of its own
  MemberDesc lookup(ScopeRef scope, const std::string& name);
  // Names declared in a scope. skipSystemHeaders leaves out what system headers (and the thunk
  // prelude) declare: the global scope of a session holds thousands of C library names.
  std::vector<std::string> memberNames(ScopeRef scope, bool skipSystemHeaders = false);
  // forDerivation: also list baseConstructors and virtuals (for a subclass made in JS).
  Result<ClassDesc> describeClass(ScopeRef record, bool forDerivation = false);
  Result<EnumDesc> describeEnum(ScopeRef enumeration);
  std::string qualifiedName(ScopeRef scope) const;
  // The documentation comment (/// or /** */) of a declaration (a ScopeRef's or FuncRef's decl), formatted; "" if none.
  std::string docComment(const void* decl);
  // Parses a C++ type spelling ("const geo::Point&", "unsigned long").
  Result<TypeDesc> parseType(const std::string& spelling);
  Result<uint64_t> sizeOf(const std::string& typeSpelling);
  // The class whose typeid(...).name() is this mangled name, if it is known to the AST.
  ScopeRef classByTypeinfoName(const std::string& mangledName);
  // --- Templates (templates.cpp) -----------------------------------------------
  // The complete class for a template-id spelling ("std::vector<int>"), instantiated on demand.
  Result<ScopeRef> instantiateClass(const std::string& spelling);
  // The function template specialization C++ overload resolution picks for this call.
  Result<FunctionDesc> resolveTemplateCall(const TemplateCall& call);

  // Whether an object-like macro of this name is defined.
  bool hasObjectMacro(const std::string& name);
  bool isFunctionMacro(const std::string& name);

  struct Impl;

 private:
  explicit Session(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The value of a thrown number (`throw 42`) for messages: " (42)"; empty for anything else.
// Called inside a catch block, where the exception can be rethrown.
std::string thrownNumber();

}  // namespace reflex
