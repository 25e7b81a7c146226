// reflex/src/Pch.h — the on-disk precompiled header of the standard headers: finding, building, feeding codegen.
#pragma once

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/DeclGroup.h>
#include <clang/Frontend/CompilerInstance.h>

#include <functional>
#include <string>
#include <vector>

#include "reflex/Session.h"

namespace reflex::pch {

// Creates a cache directory (0700) if needed; refuses one that others could write into, since
// what it holds is loaded as compiler input or machine code. Returns why it is unusable, or "".
std::string prepareCacheDirectory(const std::string& directory);

// Looks in options.cacheDirectory for a precompiled header that matches `args` (the interpreter's
// compiler arguments) and is intact and up to date. When one is found it is registered with `ci`
// (created from `args`, not yet used) so that the interpreter loads exactly the verified bytes.
// When none is, the build lock is taken if nobody holds it (status.shouldBuild).
PrecompiledHeaderStatus locate(const SessionOptions& options, const std::vector<std::string>& args,
                               clang::CompilerInstance& ci);

// Builds the precompiled header for `args` with clang++ unless a usable one exists; `ci` is created
// from `args` and is only used to check existing files.
Outcome build(const SessionOptions& options, const std::vector<std::string>& args, clang::CompilerInstance& ci);

// The standard PCH for these options if one is usable (without taking the build lock), or "".
std::string usableStandardPch(const SessionOptions& options, const std::vector<std::string>& args,
                              clang::CompilerInstance& ci);

// --- User headers (headers.cpp) ------------------------------------------------------------------

// Looks for the precompiled header of options.headerSequence chained on `standardPch` (already
// verified with `ci`), checks its inputs by content and its options, and leaves it in ci's module cache.
HeaderCacheStatus locateHeaders(const SessionOptions& options, const std::vector<std::string>& args,
                                clang::CompilerInstance& ci, const std::string& standardPch);
// Builds it with clang++ unless a usable one exists; waits for another process building the same.
Outcome buildHeaders(const SessionOptions& options, const std::vector<std::string>& args, clang::CompilerInstance& ci,
                     const std::vector<std::string>& sequence);

// --- Shared by the caches (pch.cpp, headers.cpp, objcache.cpp) ---------------------------------

// A cache file, and when it was last used.
struct CacheFile {
  std::string path;
  int64_t usedNs = 0;
  uint64_t size = 0;
};
// Past maxFiles or maxBytes, has `remove` delete the least recently used files until three
// quarters of both bounds remain; remove returns whether it deleted the file (it may keep one).
void trimLeastRecentlyUsed(std::vector<CacheFile> files, size_t maxFiles, uint64_t maxBytes,
                           const std::function<bool(const CacheFile&)>& remove);

// --- Shared by the standard header's PCH (pch.cpp) and the user headers' (headers.cpp) ---------

// Files of one key in a cache directory: <stem>-<xxh3 of the content>.pch, <stem>.lock, <stem>.*.tmp.
struct Place {
  std::string directory;
  std::string stem;
  std::string prefix() const { return stem + "-"; }
  std::string lock() const { return directory + "/" + stem + ".lock"; }
};

struct Candidate {
  std::string path;
  std::string hash;
  struct timespec modified {};
};

std::string hex(uint64_t value);
bool newer(const struct timespec& a, const struct timespec& b);
std::vector<Candidate> candidates(const Place& place);  // newest first
void removeLeftovers(const Place& place);
bool takeLock(const Place& place);  // only one process builds a key at a time
std::string clangExecutable(const std::string& resourceDir);
// Runs clang++ with `text` on stdin; returns why it failed, or "".
std::string runCompiler(const std::vector<std::string>& argv, const std::string& text);
// Why `candidate` cannot be loaded by `ci` (whose search path, plus extraSearch entries as
// searchEntry() spells them, it must have been built with), or "". On success its bytes stay in
// ci's module cache. checkInputTimes: also reject it when an input is newer than the file.
std::string verify(const Candidate& candidate, clang::CompilerInstance& ci, const std::vector<std::string>& extraSearch,
                   bool checkInputTimes);
std::string searchEntry(const std::string& angledDirectory);  // an -I directory as verify() compares it
std::vector<std::string> recordedInputs(const std::string& path, clang::CompilerInstance& ci);

// Clang 19's interpreter never gives the AST reader a consumer, so definitions that come out of a
// precompiled header (inline functions, templates instantiated while building it) never reach code
// generation, and an input that calls one fails to link. This hands them to the interpreter's own
// consumer, as a normal compilation with a PCH does.
class ReaderFeed : public clang::ASTConsumer {
 public:
  explicit ReaderFeed(clang::CompilerInstance& ci) : ci_(ci) {}
  void HandleInterestingDecl(clang::DeclGroupRef group) override;
  // Code generation ignores declarations while an input has errors: those that arrive then are
  // held back and handed over before the next input.
  void flush();

 private:
  clang::CompilerInstance& ci_;
  std::vector<clang::Decl*> held_;
};

}  // namespace reflex::pch
