// reflex/src/Pch.h — the on-disk precompiled header of the standard headers: finding, building, feeding codegen.
#pragma once

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/DeclGroup.h>
#include <clang/Frontend/CompilerInstance.h>

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
