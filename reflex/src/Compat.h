// reflex/src/Compat.h — the one place that absorbs differences between LLVM/Clang versions.
#pragma once

#include <clang/Basic/Version.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Interpreter/Interpreter.h>

#if CLANG_VERSION_MAJOR < 19
#error "cppjit's reflex needs Clang 19 or newer (libclang-cpp19-dev)"
#endif

namespace reflex::compat {

// Interpreter only hands out a const CompilerInstance, but Sema/Preprocessor/diagnostic
// state must be mutated for lookups, include paths and diagnostic capture.
inline clang::CompilerInstance& compilerInstance(clang::Interpreter& interp) {
  return const_cast<clang::CompilerInstance&>(*interp.getCompilerInstance());
}

}  // namespace reflex::compat
