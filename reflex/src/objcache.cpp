// reflex/src/objcache.cpp — the on-disk cache of thunks' object code: keys, checked reads, atomic writes, trimming.
#include "ObjectCache.h"

#include <clang/Basic/Version.h>
#include <clang/Lex/PPCallbacks.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/xxhash.h>
#include <llvm/TargetParser/Host.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <thread>

#include "Internal.h"
#include "Pch.h"

namespace reflex {
namespace {

// Bump when the file layout or what a key covers changes.
const char kLayout[] = "cppjit-objects-1";
// Each file ends with the xxh3 of the object before it, then this tag.
const char kTrailerTag[8] = {'c', 'p', 'p', 'j', 'i', 't', 'o', '1'};
constexpr size_t kTrailerSize = 16;
// Past either bound, the least recently used objects go until three quarters remain.
constexpr size_t kMaxFiles = 4096;
constexpr uint64_t kMaxBytes = 256ull << 20;

uint64_t mix(uint64_t state, llvm::StringRef text) {
  std::string joined(reinterpret_cast<const char*>(&state), sizeof state);
  joined.append(text.data(), text.size());
  return llvm::xxh3_64bits(joined);
}

std::string hex(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace

ObjectCache::ObjectCache(const std::string& directory, const std::string& salt) {
  if (directory.empty()) return;
  // The parent too: whoever can write there can swap the objects directory.
  std::string objects = directory + "/objects";
  if (!pch::prepareCacheDirectory(directory).empty() || !pch::prepareCacheDirectory(objects).empty()) return;
  directory_ = objects;
  salt_ = mix(0, std::string(kLayout) + '\0' + salt);
  history_ = salt_;
}

void ObjectCache::recordInput(llvm::StringRef text) { history_ = mix(history_, text); }

void ObjectCache::recordFile(llvm::StringRef path, uint64_t contentHash) {
  history_ = mix(history_, "\1file\1" + path.str() + '\0' + hex(contentHash));
}

std::string ObjectCache::keyFor(llvm::StringRef code, const std::vector<std::string>& symbols, bool quick) const {
  std::string text = quick ? "quick\1" : "full\1";
  for (const auto& symbol : symbols) text += symbol + '\1';
  text.append(code.data(), code.size());
  uint64_t first = mix(history_, text);
  // Two 64-bit halves: a collision would link the wrong code, so make it unthinkable.
  return hex(first) + hex(mix(first ^ 0x9e3779b97f4a7c15ull, text));
}

std::string ObjectCache::path(const std::string& key) const { return directory_ + "/" + key + ".o"; }

std::unique_ptr<llvm::MemoryBuffer> ObjectCache::load(const std::string& key) {
  if (!enabled()) return nullptr;
  auto file = llvm::MemoryBuffer::getFile(path(key), /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) return nullptr;
  llvm::StringRef bytes = (*file)->getBuffer();
  if (bytes.size() <= kTrailerSize || std::memcmp(bytes.end() - 8, kTrailerTag, 8) != 0) return nullptr;
  llvm::StringRef object = bytes.drop_back(kTrailerSize);
  uint64_t sum;
  std::memcpy(&sum, bytes.end() - kTrailerSize, sizeof sum);
  if (sum != llvm::xxh3_64bits(object)) return nullptr;
  ::utimensat(AT_FDCWD, path(key).c_str(), nullptr, 0);  // recently used: trimmed last
  return llvm::MemoryBuffer::getMemBufferCopy(object, key);
}

void ObjectCache::store(const std::string& key, llvm::StringRef object) {
  if (!enabled()) return;
  trimIfLarge();
  std::string temporary = directory_ + "/" + key + "." + std::to_string(::getpid()) + ".tmp";
  int fd = ::open(temporary.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return;
  uint64_t sum = llvm::xxh3_64bits(object);
  std::string bytes = object.str();
  bytes.append(reinterpret_cast<const char*>(&sum), sizeof sum);
  bytes.append(kTrailerTag, sizeof kTrailerTag);
  bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  ::close(fd);
  // The rename makes the file appear whole; a reader never sees a partial object.
  if (written && ::rename(temporary.c_str(), path(key).c_str()) == 0) ++stored;
  else ::unlink(temporary.c_str());
}

void ObjectCache::forget(const std::string& key) {
  if (enabled()) ::unlink(path(key).c_str());
}

namespace {
// Keeps the directory under kMaxFiles and kMaxBytes, least recently used first.
void trimDirectory(const std::string& directory) {
  std::vector<pch::CacheFile> files;
  DIR* dir = ::opendir(directory.c_str());
  if (!dir) return;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string full = directory + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    // A temporary older than a minute belongs to a writer that died.
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
      if (::time(nullptr) - st.st_mtim.tv_sec > 60) ::unlink(full.c_str());
      continue;
    }
    files.push_back({full, static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                     static_cast<uint64_t>(st.st_size)});
  }
  ::closedir(dir);
  pch::trimLeastRecentlyUsed(std::move(files), kMaxFiles, kMaxBytes,
                             [](const pch::CacheFile& f) { return ::unlink(f.path.c_str()) == 0; });
}
}  // namespace

void ObjectCache::trimIfLarge() {
  if (trimmed_) return;  // once per process, at its first store
  trimmed_ = true;
  // Listing a full cache (4,096 files) takes milliseconds, which the first call of a new function
  // need not wait for: the listing runs on a thread of its own, which touches nothing but files.
  try {
    std::thread(trimDirectory, directory_).detach();
  } catch (const std::system_error&) {
    trimDirectory(directory_);
  }
}

}  // namespace reflex

// --- The cache's place in the session ------------------------------------------------------

namespace reflex {
namespace {

// Files an input enters are part of the history by content: an edited header is a new history.
class RecordEnteredFiles : public clang::PPCallbacks {
 public:
  explicit RecordEnteredFiles(Session::Impl& session) : session_(session) {}
  void FileChanged(clang::SourceLocation at, FileChangeReason reason, clang::SrcMgr::CharacteristicKind,
                   clang::FileID) override {
    if (reason != EnterFile || session_.sealedInput || !session_.objects) return;
    auto& sources = session_.ci().getSourceManager();
    clang::FileID file = sources.getFileID(at);
    auto entry = sources.getFileEntryRefForID(file);
    if (!entry) return;  // an input's own text, recorded as such
    std::optional<llvm::StringRef> contents = sources.getBufferDataOrNone(file);
    session_.objects->recordFile(entry->getName(), contents ? llvm::xxh3_64bits(*contents) : 0);
  }

 private:
  Session::Impl& session_;
};

std::string hostLibraryIdentity(const std::string& path) {
  struct stat st;
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return path;
  return path + '\0' + std::to_string(st.st_size) + '\0' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

void Session::Impl::startObjectCache(const SessionOptions& options) {
  // What shapes machine code besides the inputs: compiler, target, flags, the PCH (its name holds
  // its checksum) and the host library whose functions thunks call.
  std::string salt = clang::getClangFullVersion() + '\0' + llvm::sys::getProcessTriple() + '\0' +
                     llvm::sys::getHostCPUName().str() + '\0' + (pch.path.empty() ? "no pch" : pch.path) + '\0' + headers.path + '\0' +
                     hostLibraryIdentity(options.hostLibrary) + '\0';
  for (const auto& arg : argStorage) salt += arg + '\0';
  objects = std::make_unique<ObjectCache>(options.cacheDirectory, salt);
  if (!objects->enabled()) return;
  pp().addPPCallbacks(std::make_unique<RecordEnteredFiles>(*this));
}

// An object file's symbols (name, flags); nothing when it cannot be read.
struct ObjectSymbol {
  std::string name;
  uint32_t flags;
};
static std::optional<std::vector<ObjectSymbol>> symbolsOf(const llvm::MemoryBuffer& object) {
  auto file = llvm::object::ObjectFile::createObjectFile(object.getMemBufferRef());
  if (!file) {
    llvm::consumeError(file.takeError());
    return std::nullopt;
  }
  std::vector<ObjectSymbol> out;
  for (const llvm::object::SymbolRef& symbol : (*file)->symbols()) {
    auto name = symbol.getName();
    auto flags = symbol.getFlags();
    if (!name || !flags) {
      if (!name) llvm::consumeError(name.takeError());
      if (!flags) llvm::consumeError(flags.takeError());
      return std::nullopt;
    }
    out.push_back({name->str(), *flags});
  }
  return out;
}

std::vector<std::string> Session::Impl::unresolvedInObject(const llvm::MemoryBuffer& object) {
  auto contents = symbolsOf(object);
  if (!contents) return {"(an unreadable object file)"};
  std::vector<std::string> needed;
  for (const auto& symbol : *contents) {
    if (!(symbol.flags & llvm::object::SymbolRef::SF_Undefined) || (symbol.flags & llvm::object::SymbolRef::SF_Weak)) continue;
    if (symbol.name.empty() || symbol.name == "_GLOBAL_OFFSET_TABLE_") continue;  // the linker's own
    needed.push_back(symbol.name);
  }
  return unresolvedNames(needed);
}

std::optional<std::vector<void*>> Session::Impl::linkObject(std::unique_ptr<llvm::MemoryBuffer> object,
                                                            const std::vector<std::string>& symbols) {
  // Every name it needs must resolve before it reaches the JIT: a failed link would report to
  // stderr and leave its symbols unusable for the compile that replaces it.
  if (!unresolvedInObject(*object).empty()) return std::nullopt;
  auto engine = interp->getExecutionEngine();
  if (!engine) {
    llvm::consumeError(engine.takeError());
    return std::nullopt;
  }
  auto tracker = engine->getMainJITDylib().createResourceTracker();
  if (auto err = engine->addObjectFile(tracker, std::move(object))) {
    llvm::consumeError(std::move(err));
    llvm::consumeError(tracker->remove());
    return std::nullopt;
  }
  std::vector<void*> addresses;
  for (const auto& symbol : symbols) {
    auto address = engine->lookup(symbol);
    if (!address) {
      llvm::consumeError(address.takeError());
      llvm::consumeError(tracker->remove());
      return std::nullopt;
    }
    addresses.push_back(address->toPtr<void*>());
  }
  return addresses;
}

}  // namespace reflex
