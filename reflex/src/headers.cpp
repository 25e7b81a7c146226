// reflex/src/headers.cpp — precompiled headers of user headers, chained on the standard one: found by include sequence, checked by content.
#include "Pch.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/xxhash.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <sstream>
#include <thread>

namespace reflex::pch {
namespace {

// Bump when the file layout or the way the header is built changes.
const char* const kLayout = "cppjit-headers-1";
// Each file is tens of megabytes (nlohmann/json + Eigen: 22 MB): past either bound, the least
// recently used go until three quarters remain.
constexpr uint64_t kMaxBytes = 2ull << 30;
constexpr size_t kMaxFiles = 48;
// A file that was loaded or superseded this recently may still be opened by a process that chose it.
constexpr time_t kGraceSeconds = 60;
constexpr time_t kLockExpirySeconds = 600;

std::string directoryOf(const SessionOptions& options) { return options.cacheDirectory + "/headers"; }

std::vector<std::string> includeDirectories(const std::vector<std::string>& sequence) {
  std::vector<std::string> dirs;
  for (const auto& action : sequence)
    if (action.rfind("I:", 0) == 0) dirs.push_back(action.substr(2));
  return dirs;
}

// What the build compiles: the includes in order, spelled as Session::include spells them.
std::string headerText(const std::vector<std::string>& sequence) {
  std::string text;
  for (const auto& action : sequence)
    if (action.rfind("H:", 0) == 0) text += "#include " + action.substr(2) + "\n";
  return text;
}

// The standard PCH's file name holds its own key (compiler, flags, environment) and checksum.
std::string cacheKey(const std::string& standardPch, const std::vector<std::string>& args,
                     const std::vector<std::string>& sequence) {
  std::string text = std::string(kLayout) + '\0' + llvm::sys::path::filename(standardPch).str() + '\0';
  for (const auto& arg : args) text += arg + '\0';
  text += '\1';
  for (const auto& action : sequence) text += action + '\0';
  return hex(llvm::xxh3_64bits(text));
}

std::string manifestOf(const std::string& pchPath) { return pchPath.substr(0, pchPath.size() - 4) + ".inputs"; }

int64_t nanoseconds(const struct timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; }

std::optional<std::string> contentHash(const std::string& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buffer) return std::nullopt;
  return hex(llvm::xxh3_64bits((*buffer)->getBuffer()));
}

// One input file as it was when the PCH was built.
struct Input {
  uint64_t size = 0;
  int64_t mtime = 0;
  int64_t ctime = 0;
  uint64_t inode = 0;
  std::string hash;
  std::string path;
};

std::string manifestText(const std::string& standardPch, uint64_t standardSize, const std::vector<Input>& inputs) {
  std::ostringstream out;
  out << kLayout << "\nbase " << standardSize << " " << standardPch << "\n";
  for (const auto& in : inputs)
    out << in.size << " " << in.mtime << " " << in.ctime << " " << in.inode << " " << in.hash << " " << in.path << "\n";
  std::string body = out.str();
  return body + "end " + hex(llvm::xxh3_64bits(body)) + "\n";
}

// Why the PCH's inputs are not what they were when it was built, or "". A file whose size,
// times and inode are unchanged is taken as unchanged (its change time cannot be set back);
// any other is read and compared by content, so an edit is seen whatever its times say.
std::string checkInputs(const std::string& pchPath, const std::string& standardPch) {
  auto buffer = llvm::MemoryBuffer::getFile(manifestOf(pchPath), /*IsText=*/true);
  if (!buffer) return "its list of inputs is missing";
  llvm::StringRef text = (*buffer)->getBuffer();
  size_t endAt = text.rfind("end ");
  if (endAt == llvm::StringRef::npos || text.substr(endAt) != "end " + hex(llvm::xxh3_64bits(text.substr(0, endAt))) + "\n")
    return "its list of inputs is damaged";
  std::istringstream in(text.substr(0, endAt).str());
  std::string line;
  if (!std::getline(in, line) || line != kLayout) return "its list of inputs has another layout";
  std::getline(in, line);
  {
    std::istringstream base(line);
    std::string word, path;
    uint64_t size = 0;
    base >> word >> size;
    std::getline(base >> std::ws, path);
    struct stat st;
    if (word != "base" || path != standardPch || ::stat(path.c_str(), &st) != 0 || static_cast<uint64_t>(st.st_size) != size)
      return "built on another standard-header PCH";
  }
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Input was;
    fields >> was.size >> was.mtime >> was.ctime >> was.inode >> was.hash;
    std::getline(fields >> std::ws, was.path);
    if (was.path.empty()) return "its list of inputs is damaged";
    struct stat st;
    if (::stat(was.path.c_str(), &st) != 0) return "stale (" + was.path + " is gone)";
    if (static_cast<uint64_t>(st.st_size) != was.size) return "stale (" + was.path + " changed)";
    if (nanoseconds(st.st_mtim) == was.mtime && nanoseconds(st.st_ctim) == was.ctime && st.st_ino == was.inode) continue;
    auto now = contentHash(was.path);
    if (!now || *now != was.hash) return "stale (" + was.path + " changed)";
  }
  return "";
}

std::vector<std::string> searchEntries(const std::vector<std::string>& sequence) {
  std::vector<std::string> entries;
  for (const auto& dir : includeDirectories(sequence)) entries.push_back(searchEntry(dir));
  return entries;
}

void removePair(const std::string& pchPath) {
  ::unlink(pchPath.c_str());
  ::unlink(manifestOf(pchPath).c_str());
}

// Keeps the directory under kMaxFiles and kMaxBytes. A PCH's last use is its list's time (touched
// when it is loaded); one used in the last minute stays.
void trimDirectory(const std::string& directory) {
  std::vector<CacheFile> files;
  DIR* dir = ::opendir(directory.c_str());
  if (!dir) return;
  while (struct dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".pch") != 0) continue;
    std::string full = directory + "/" + name;
    struct stat st, list;
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    files.push_back({full, ::stat(manifestOf(full).c_str(), &list) == 0 ? nanoseconds(list.st_mtim) : 0,
                     static_cast<uint64_t>(st.st_size)});
  }
  ::closedir(dir);
  trimLeastRecentlyUsed(std::move(files), kMaxFiles, kMaxBytes, [](const CacheFile& f) {
    if (std::time(nullptr) - f.usedNs / 1000000000 < kGraceSeconds) return false;
    removePair(f.path);
    return true;
  });
}

std::string checkCandidate(const Candidate& candidate, const std::string& standardPch,
                           const std::vector<std::string>& sequence, clang::CompilerInstance& ci) {
  std::string why = checkInputs(candidate.path, standardPch);
  if (why.empty()) why = verify(candidate, ci, searchEntries(sequence), /*checkInputTimes=*/false);
  return why;
}

}  // namespace

HeaderCacheStatus locateHeaders(const SessionOptions& options, const std::vector<std::string>& args,
                                clang::CompilerInstance& ci, const std::string& standardPch) {
  HeaderCacheStatus status;
  if (options.headerSequence.empty()) {
    status.detail = "no include sequence recorded";
    return status;
  }
  if (standardPch.empty()) {
    status.detail = "the standard headers' precompiled header is not loaded";
    return status;
  }
  Place place{directoryOf(options), "h-" + cacheKey(standardPch, args, options.headerSequence)};
  auto list = candidates(place);
  if (list.empty()) {
    status.detail = "not built yet";
    return status;
  }
  status.detail = checkCandidate(list[0], standardPch, options.headerSequence, ci);
  if (!status.detail.empty()) return status;
  // Older files of this key are superseded once this one has existed long enough for any process
  // that chose one of them to have opened it.
  if (std::time(nullptr) - list[0].modified.tv_sec > kGraceSeconds)
    for (size_t i = 1; i < list.size(); ++i) removePair(list[i].path);
  // Its last use, for the least-recently-used bound.
  ::utimensat(AT_FDCWD, manifestOf(list[0].path).c_str(), nullptr, 0);
  status.path = list[0].path;
  status.sequence = options.headerSequence;
  status.pending = true;
  status.detail = "loaded " + status.path;
  return status;
}

Outcome buildHeaders(const SessionOptions& options, const std::vector<std::string>& args, clang::CompilerInstance& ci,
                     const std::vector<std::string>& sequence) {
  if (headerText(sequence).empty()) return Outcome::failure(Status::Failed, "no header to precompile");
  std::string standardPch = usableStandardPch(options, args, ci);
  if (standardPch.empty())
    return Outcome::failure(Status::Failed, "the standard headers' precompiled header is not built yet (start cppjit once)");
  std::string directory = directoryOf(options);
  std::string unusable = prepareCacheDirectory(directory);
  if (!unusable.empty()) return Outcome::failure(Status::Failed, "cache directory unusable: " + unusable);
  Place place{directory, "h-" + cacheKey(standardPch, args, sequence)};
  // Another process building the same: wait for it (it may fail; then build here).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kLockExpirySeconds);
  while (true) {
    auto list = candidates(place);
    if (!list.empty() && checkCandidate(list[0], standardPch, sequence, ci).empty()) return success();
    if (takeLock(place)) break;
    if (std::chrono::steady_clock::now() > deadline) return Outcome::failure(Status::Failed, "another process holds " + place.lock());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  removeLeftovers(place);
  std::string temporary = directory + "/" + place.stem + "." + std::to_string(::getpid()) + ".tmp";
  std::vector<std::string> argv = {clangExecutable(options.resourceDir), "-x", "c++-header"};
  argv.insert(argv.end(), args.begin(), args.end());
  for (const auto& dir : includeDirectories(sequence)) argv.push_back("-I" + dir);
  // Chained on the standard PCH; -fno-pch-timestamp: inputs are checked by content (checkInputs),
  // so a header touched but unchanged does not make Clang refuse the file.
  for (const char* arg : {"-Xclang", "-fincremental-extensions", "-fpch-instantiate-templates", "-Xclang",
                          "-fno-pch-timestamp", "-include-pch"})
    argv.push_back(arg);
  argv.push_back(standardPch);
  for (const char* arg : {"-", "-o"}) argv.push_back(arg);
  argv.push_back(temporary);
  struct timespec began;
  ::clock_gettime(CLOCK_REALTIME, &began);
  std::string failed = runCompiler(argv, headerText(sequence));
  std::vector<Input> inputs;
  if (failed.empty()) {
    for (const auto& path : recordedInputs(temporary, ci)) {
      Input in;
      struct stat st;
      auto hash = contentHash(path);
      if (::stat(path.c_str(), &st) != 0 || !hash) {
        failed = "cannot read " + path;
        break;
      }
      // Changed while clang++ read it: what was compiled is unknown.
      if (nanoseconds(st.st_ctim) >= nanoseconds(began)) {
        failed = path + " changed during the build";
        break;
      }
      in.size = st.st_size, in.mtime = nanoseconds(st.st_mtim), in.ctime = nanoseconds(st.st_ctim), in.inode = st.st_ino;
      in.hash = *hash, in.path = path;
      inputs.push_back(std::move(in));
    }
    if (failed.empty() && inputs.empty()) failed = "cannot read the inputs of " + temporary;
  }
  std::string final;
  if (failed.empty()) {
    auto built = contentHash(temporary);
    struct stat base;
    if (!built || ::stat(standardPch.c_str(), &base) != 0) {
      failed = "cannot read " + temporary;
    } else {
      final = directory + "/" + place.prefix() + *built + ".pch";
      // The list first: a reader that finds the PCH finds its list.
      std::string list = manifestText(standardPch, base.st_size, inputs);
      std::string listTemporary = temporary + ".inputs.tmp";
      int fd = ::open(listTemporary.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
      bool written = fd >= 0 && ::write(fd, list.data(), list.size()) == static_cast<ssize_t>(list.size());
      if (fd >= 0) ::close(fd);
      if (!written || ::rename(listTemporary.c_str(), manifestOf(final).c_str()) != 0) {
        ::unlink(listTemporary.c_str());
        failed = "cannot write " + manifestOf(final);
      } else if (::rename(temporary.c_str(), final.c_str()) != 0) {
        failed = "cannot rename into " + final + ": " + std::strerror(errno);
      }
    }
  }
  if (!failed.empty()) {
    ::unlink(temporary.c_str());
    // The lock stays until it expires, so a failing build is not retried by every process.
    return Outcome::failure(Status::Failed, "cannot precompile the headers: " + failed);
  }
  trimDirectory(directory);
  ::unlink(place.lock().c_str());
  return success();
}

}  // namespace reflex::pch
