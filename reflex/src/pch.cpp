// reflex/src/pch.cpp — the precompiled header of the standard headers, cached on disk: lookup, checks, build.
#include "Pch.h"

#include <clang/AST/Decl.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/Version.h>
#include <clang/Lex/HeaderSearchOptions.h>
#include <clang/Serialization/ASTReader.h>
#include <clang/Serialization/InMemoryModuleCache.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/xxhash.h>
#include <llvm/TargetParser/Host.h>

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <ios>

extern char** environ;

namespace reflex::pch {
namespace {

// What `include('<vector>')` and friends should find already parsed. Changing the list changes the key.
const char* const kHeaders[] = {
    "vector", "string", "map", "unordered_map", "set", "memory", "functional", "utility", "tuple",
    "optional", "string_view", "array", "deque", "list", "span", "iostream", "sstream", "stdexcept",
    "exception", "typeinfo", "cxxabi.h", "cstdint", "cstring", "cmath", "algorithm",
    // What the thunk prelude includes besides.
    "cstddef", "limits", "new", "type_traits"};

// Bump when the file layout or the way the header is built changes.
const char* const kLayout = "cppjit-pch-1";
// A build lock older than this belongs to a build that died (or failed): try again.
constexpr time_t kLockExpirySeconds = 600;
// An older file of the same key is deleted once the newer one has existed this long: a process
// that chose the older one just before the newer appeared has long since loaded it.
constexpr time_t kSupersededGraceSeconds = 60;

std::string headerText(const SessionOptions& options) {
  std::string text;
  for (const char* header : kHeaders) text += std::string("#include <") + header + ">\n";
  for (const auto& header : options.pchExtraHeaders) text += "#include \"" + header + "\"\n";
  return text;
}

// Everything that decides what the PCH contains: the compiler and its version, the target, the
// header list, every compiler argument (standard, -O level, -I, CPPJIT_EXTRA_ARGS, resource dir),
// and the environment variables the driver turns into include paths.
std::string cacheKey(const SessionOptions& options, const std::vector<std::string>& args) {
  std::string text = std::string(kLayout) + '\0' + clang::getClangFullVersion() + '\0' +
                     llvm::sys::getProcessTriple() + '\0' + headerText(options) + '\0';
  for (const char* variable : {"CPATH", "CPLUS_INCLUDE_PATH", "C_INCLUDE_PATH"}) {
    const char* value = std::getenv(variable);
    text += std::string(variable) + '=' + (value ? value : "") + '\0';
  }
  for (const auto& arg : args) text += arg + '\0';
  return hex(llvm::xxh3_64bits(text));
}

}  // namespace

std::string hex(uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

bool newer(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec != b.tv_sec ? a.tv_sec > b.tv_sec : a.tv_nsec > b.tv_nsec;
}

// The files built for this key, newest first.
std::vector<Candidate> candidates(const Place& place) {
  std::vector<Candidate> found;
  DIR* dir = ::opendir(place.directory.c_str());
  if (!dir) return found;
  const std::string prefix = place.prefix();
  const std::string suffix = ".pch";
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() != prefix.size() + 16 + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    Candidate c;
    c.path = place.directory + "/" + name;
    c.hash = name.substr(prefix.size(), 16);
    struct stat st;
    if (::stat(c.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    c.modified = st.st_mtim;
    found.push_back(c);
  }
  ::closedir(dir);
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) { return newer(a.modified, b.modified); });
  return found;
}

void removeSuperseded(const std::vector<Candidate>& list) {
  if (list.size() < 2 || std::time(nullptr) - list[0].modified.tv_sec < kSupersededGraceSeconds) return;
  for (size_t i = 1; i < list.size(); ++i) ::unlink(list[i].path.c_str());
}

// Temporary files of builds that died (clang++ writes its own "<output>-*.tmp" next to ours).
void removeLeftovers(const Place& place) {
  DIR* dir = ::opendir(place.directory.c_str());
  if (!dir) return;
  const std::string prefix = place.stem + ".";
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0 || name.find(".tmp") == std::string::npos) continue;
    std::string path = place.directory + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && std::time(nullptr) - st.st_mtim.tv_sec > kLockExpirySeconds)
      ::unlink(path.c_str());
  }
  ::closedir(dir);
}

// Where the interpreter or a PCH looks for headers, directories resolved: clang++ and the
// interpreter's driver (named after the host executable) spell the same directories differently.
std::vector<std::string> searchPath(const clang::HeaderSearchOptions& options) {
  std::vector<std::string> entries;
  for (const auto& entry : options.UserEntries) {
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(entry.Path, real)) {  // missing: compare the spelling, minus ".."
      real = entry.Path;
      llvm::sys::path::remove_dots(real, /*remove_dot_dot=*/true);
    }
    entries.push_back(std::to_string(entry.Group) + (entry.IsFramework ? "F:" : ":") + real.str().str());
  }
  return entries;
}

std::string searchEntry(const std::string& angledDirectory) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(angledDirectory, real)) real = angledDirectory;
  return std::to_string(clang::frontend::Angled) + ":" + real.str().str();
}

// What a PCH records about how it was made: its input files and its header search path.
class Recorded : public clang::ASTReaderListener {
 public:
  bool needsInputFileVisitation() override { return true; }
  bool needsSystemInputFileVisitation() override { return true; }
  bool visitInputFile(llvm::StringRef name, bool, bool overridden, bool) override {
    if (!overridden) inputs.push_back(name.str());  // the main file came from stdin
    return true;
  }
  bool ReadHeaderSearchPaths(const clang::HeaderSearchOptions& options, bool) override {
    search = searchPath(options);
    return false;
  }
  std::vector<std::string> inputs;
  std::vector<std::string> search;
};

std::vector<std::string> recordedInputs(const std::string& path, clang::CompilerInstance& ci) {
  clang::FileManager files{clang::FileSystemOptions{}};
  Recorded recorded;
  if (clang::ASTReader::readASTFileControlBlock(path, files, ci.getModuleCache(), ci.getPCHContainerReader(),
                                                /*FindModuleFileExtensions=*/false, recorded,
                                                /*ValidateDiagnosticOptions=*/false))
    return {};
  return recorded.inputs;
}

// Why the file cannot be used with `ci`'s options, or "" when it can. Clang reports a mismatched,
// corrupt or out-of-date PCH as a fatal error that Clang 19's interpreter does not survive, so
// everything it would check is checked here first. The verified bytes are left in `ci`'s module
// cache, where the interpreter's AST reader takes them from.
std::string verify(const Candidate& candidate, clang::CompilerInstance& ci, const std::vector<std::string>& extraSearch,
                   bool checkInputTimes) {
  auto buffer = llvm::MemoryBuffer::getFile(candidate.path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return "cannot read " + candidate.path + ": " + buffer.getError().message();
  if (hex(llvm::xxh3_64bits((*buffer)->getBuffer())) != candidate.hash) return "corrupt (checksum mismatch)";

  auto& cache = ci.getModuleCache();
  cache.addPCM(candidate.path, std::move(*buffer));
  auto reject = [&](std::string why) {
    cache.tryToDropPCM(candidate.path);
    return why;
  };
  clang::FileManager files{clang::FileSystemOptions{}};
  if (!clang::ASTReader::isAcceptableASTFile(candidate.path, files, cache, ci.getPCHContainerReader(), ci.getLangOpts(),
                                             ci.getTargetOpts(), ci.getPreprocessorOpts(),
                                             ci.getHeaderSearchOpts().ModuleCachePath, /*RequireStrictOptionMatches=*/true))
    return reject("built by another compiler version or with other options");
  Recorded recorded;
  if (clang::ASTReader::readASTFileControlBlock(candidate.path, files, cache, ci.getPCHContainerReader(),
                                                /*FindModuleFileExtensions=*/false, recorded,
                                                /*ValidateDiagnosticOptions=*/false))
    return reject("unreadable");
  // Clang does not compare header search paths: the same flags could still find other headers.
  // The -I directories of a user headers' PCH are the session's only once its includes repeat them.
  for (const auto& extra : extraSearch) {
    auto found = std::find(recorded.search.begin(), recorded.search.end(), extra);
    if (found == recorded.search.end()) return reject("built with another header search path");
    recorded.search.erase(found);
  }
  if (recorded.search != searchPath(ci.getHeaderSearchOpts())) return reject("built with another header search path");
  // Clang itself does not check system headers: an upgraded libstdc++ would go unnoticed.
  for (const auto& name : checkInputTimes ? recorded.inputs : std::vector<std::string>{}) {
    struct stat st;
    if (::stat(name.c_str(), &st) != 0) return reject("stale (" + name + " is gone)");
    if (newer(st.st_mtim, candidate.modified)) return reject("stale (" + name + " is newer)");
  }
  return "";
}

// Only one process builds at a time; the others carry on without a PCH meanwhile.
bool takeLock(const Place& place) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(place.lock().c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
      std::string pid = std::to_string(::getpid()) + "\n";
      if (::write(fd, pid.data(), pid.size()) < 0) { /* the pid is only informative */ }
      ::close(fd);
      return true;
    }
    struct stat st;
    if (errno != EEXIST || ::stat(place.lock().c_str(), &st) != 0) return false;
    if (std::time(nullptr) - st.st_mtim.tv_sec < kLockExpirySeconds) return false;
    ::unlink(place.lock().c_str());
  }
  return false;
}

std::string clangExecutable(const std::string& resourceDir) {
  // The resource dir is <prefix>/lib/clang/<major>; the matching driver is <prefix>/bin/clang++.
  std::string beside = resourceDir + "/../../../bin/clang++";
  if (::access(beside.c_str(), X_OK) == 0) return beside;
  return "clang++-" + std::to_string(CLANG_VERSION_MAJOR);
}

// Runs clang++ with the header text on stdin; returns why it failed, or "".
std::string runCompiler(const std::vector<std::string>& argv, const std::string& text) {
  int pipeEnds[2];
  if (::pipe2(pipeEnds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  // The text is far below the pipe's capacity: writing it all before clang++ starts cannot block,
  // nor raise SIGPIPE.
  bool written = ::write(pipeEnds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(pipeEnds[1]);
  if (!written) {
    ::close(pipeEnds[0]);
    return "cannot write the header list to clang++";
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipeEnds[0]);
  if (spawned != 0) return "cannot run " + argv[0] + ": " + std::strerror(spawned);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::string("waitpid: ") + std::strerror(errno);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  return argv[0] + (WIFEXITED(status) ? " exited with status " + std::to_string(WEXITSTATUS(status))
                                      : " was killed by signal " + std::to_string(WTERMSIG(status)));
}

std::string prepareCacheDirectory(const std::string& directory) {
  if (auto err = llvm::sys::fs::create_directories(directory, /*IgnoreExisting=*/true, llvm::sys::fs::owner_all))
    return "cannot create " + directory + ": " + err.message();
  struct stat st;
  if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return directory + " is not a directory";
  if (st.st_uid != ::geteuid()) return directory + " belongs to another user";
  if (st.st_mode & (S_IWGRP | S_IWOTH)) return directory + " is writable by other users";
  if (::access(directory.c_str(), W_OK | X_OK) != 0) return directory + " is not writable";
  return "";
}

PrecompiledHeaderStatus locate(const SessionOptions& options, const std::vector<std::string>& args,
                               clang::CompilerInstance& ci) {
  PrecompiledHeaderStatus status;
  if (options.cacheDirectory.empty()) {
    status.detail = "no cache directory";
    return status;
  }
  std::string unusable = prepareCacheDirectory(options.cacheDirectory);
  if (!unusable.empty()) {
    status.detail = "cache directory unusable: " + unusable;
    return status;
  }
  Place place{options.cacheDirectory, "std-" + cacheKey(options, args)};
  auto list = candidates(place);
  if (list.empty()) {
    status.detail = "not built yet";
  } else {
    status.detail = verify(list[0], ci, {}, /*checkInputTimes=*/true);
    if (status.detail.empty()) {
      status.path = list[0].path;
      status.detail = "loaded " + status.path;
      removeSuperseded(list);
      return status;
    }
  }
  status.shouldBuild = takeLock(place);
  status.detail += status.shouldBuild ? "; a build is needed" : "; another process is building it";
  return status;
}

void trimLeastRecentlyUsed(std::vector<CacheFile> files, size_t maxFiles, uint64_t maxBytes,
                           const std::function<bool(const CacheFile&)>& remove) {
  uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  if (files.size() <= maxFiles && total <= maxBytes) return;
  std::sort(files.begin(), files.end(), [](const CacheFile& a, const CacheFile& b) { return a.usedNs < b.usedNs; });
  size_t count = files.size();
  for (const auto& f : files) {
    if (count <= maxFiles * 3 / 4 && total <= maxBytes * 3 / 4) break;
    if (!remove(f)) continue;
    --count;
    total -= f.size;
  }
}

std::string usableStandardPch(const SessionOptions& options, const std::vector<std::string>& args,
                              clang::CompilerInstance& ci) {
  if (options.cacheDirectory.empty()) return "";
  auto list = candidates(Place{options.cacheDirectory, "std-" + cacheKey(options, args)});
  return !list.empty() && verify(list[0], ci, {}, true).empty() ? list[0].path : "";
}

Outcome build(const SessionOptions& options, const std::vector<std::string>& args, clang::CompilerInstance& ci) {
  if (options.cacheDirectory.empty()) return Outcome::failure(Status::Failed, "no cache directory");
  std::string unusable = prepareCacheDirectory(options.cacheDirectory);
  if (!unusable.empty()) return Outcome::failure(Status::Failed, "cache directory unusable: " + unusable);
  Place place{options.cacheDirectory, "std-" + cacheKey(options, args)};
  auto list = candidates(place);
  if (!list.empty() && verify(list[0], ci, {}, true).empty()) {
    ::unlink(place.lock().c_str());
    return success();
  }

  removeLeftovers(place);
  std::string temporary = place.directory + "/" + place.stem + "." + std::to_string(::getpid()) + ".tmp";
  std::vector<std::string> argv = {clangExecutable(options.resourceDir), "-x", "c++-header"};
  argv.insert(argv.end(), args.begin(), args.end());
  // -fincremental-extensions: the interpreter refuses a PCH built without it. Instantiating the
  // headers' pending templates here saves every process doing it on load.
  for (const char* arg : {"-Xclang", "-fincremental-extensions", "-fpch-instantiate-templates", "-", "-o"})
    argv.push_back(arg);
  argv.push_back(temporary);
  std::string failed = runCompiler(argv, headerText(options));
  if (failed.empty()) {
    auto built = llvm::MemoryBuffer::getFile(temporary, /*IsText=*/false, /*RequiresNullTerminator=*/false);
    if (!built) {
      failed = "cannot read " + temporary + ": " + built.getError().message();
    } else {
      // Named by its checksum, so a reader can tell a damaged file; the rename makes it appear whole.
      std::string final = place.directory + "/" + place.prefix() + hex(llvm::xxh3_64bits((*built)->getBuffer())) + ".pch";
      if (::rename(temporary.c_str(), final.c_str()) != 0) failed = "cannot rename into " + final + ": " + std::strerror(errno);
    }
  }
  if (!failed.empty()) {
    ::unlink(temporary.c_str());
    // The lock stays until it expires, so a failing build is not retried by every process start.
    return Outcome::failure(Status::Failed, "cannot build the precompiled header: " + failed);
  }
  ::unlink(place.lock().c_str());
  return success();
}

namespace {

// libstdc++ before GCC 13 gives each translation unit that includes <iostream> a static
// std::ios_base::Init (std::__ioinit), whose constructor sets up the standard streams. Emitted from
// the precompiled header, it made the first input of every process a static initialiser: the JIT's
// atexit support compiled and linked, then the initialiser run, ~9 ms of each start. The host's
// own Init below has set the streams up before any JIT-ed code runs.
bool isStreamInitialiser(const clang::Decl* decl) {
  const auto* var = llvm::dyn_cast<clang::VarDecl>(decl);
  if (!var || var->getStorageClass() != clang::SC_Static || !var->getIdentifier() || var->getName() != "__ioinit")
    return false;
  const auto* scope = llvm::dyn_cast<clang::NamespaceDecl>(var->getDeclContext());
  return scope && scope->getName() == "std";
}

const std::ios_base::Init hostStreams;

}  // namespace

void ReaderFeed::HandleInterestingDecl(clang::DeclGroupRef group) {
  if (group.isSingleDecl() && isStreamInitialiser(group.getSingleDecl())) return;
  if (ci_.getDiagnostics().hasUnrecoverableErrorOccurred()) {
    held_.insert(held_.end(), group.begin(), group.end());
    return;
  }
  ci_.getASTConsumer().HandleTopLevelDecl(group);
}

void ReaderFeed::flush() {
  if (held_.empty() || ci_.getDiagnostics().hasUnrecoverableErrorOccurred()) return;
  auto held = std::move(held_);
  held_.clear();
  for (clang::Decl* d : held) ci_.getASTConsumer().HandleTopLevelDecl(clang::DeclGroupRef(d));
}

}  // namespace reflex::pch
