// reflex/src/ObjectCache.h — machine code of sealed inputs (thunks) kept on disk, keyed by everything that shapes it.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace reflex {

// A thunk's object code depends on its text and on every declaration its names find. The latter
// is fixed by the session's history: the compiler, its flags, the precompiled header, and each
// input that could declare something (its text, and the files it made the preprocessor enter).
// A process that replays the same history with the same thunk text gets the same object, so a
// script's second run links its thunks from disk instead of compiling them.
class ObjectCache {
 public:
  // directory is created 0700 (refused when others can write to it); salt names the compiler,
  // flags, PCH and host library. An unusable directory turns the cache off.
  ObjectCache(const std::string& directory, const std::string& salt);
  bool enabled() const { return !directory_.empty(); }
  const std::string& directory() const { return directory_; }
  unsigned hits = 0;
  unsigned stored = 0;

  // The session's history: inputs that may declare names, and files they entered.
  void recordInput(llvm::StringRef text);
  void recordFile(llvm::StringRef path, uint64_t contentHash);

  std::string keyFor(llvm::StringRef code, const std::vector<std::string>& symbols, bool quick) const;
  // The object stored under key, its checksum verified; null when absent or damaged.
  std::unique_ptr<llvm::MemoryBuffer> load(const std::string& key);
  void store(const std::string& key, llvm::StringRef object);
  // A stored object that did not link: never offered again.
  void forget(const std::string& key);

 private:
  std::string path(const std::string& key) const;
  void trimIfLarge();

  std::string directory_;
  uint64_t salt_ = 0;
  uint64_t history_ = 0;
  bool trimmed_ = false;
};

}  // namespace reflex
