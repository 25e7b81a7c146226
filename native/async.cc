// native/async.cc — fn.async jobs on the libuv thread pool, and JS callbacks called by other threads run on their env's thread.
//
// A job's arguments are converted by its thunk on the calling JS thread (main or worker); the C++
// call runs on a pool thread; the result is converted (or the exception turned into a CppError) on
// the calling thread again, where the promise settles. The job owns the converted arguments until
// it is destroyed.
//
// A JS callback called on another thread is queued to the thread of its function's env (its
// Home) through a threadsafe function while the calling thread waits. If that thread is itself
// blocked (typically in a synchronous C++ call joining that very thread) nothing would ever run
// it: a request that stays unserved while it sleeps for kDeadlockGrace fails with a C++ exception.
#include <sys/syscall.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <chrono>
#include <csetjmp>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "Native.h"

namespace cppjit {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDeadlockGrace = std::chrono::milliseconds(300);
constexpr auto kPoll = std::chrono::milliseconds(5);

struct Job {
  EnvState* state = nullptr;  // of the env that queued it; alive until the job settles or the env waited for it
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  void* job = nullptr;
  void (*execute)(void*) = nullptr;
  napi_value (*complete)(napi_env, void*, int*) = nullptr;
  void (*destroy)(void*) = nullptr;
};

// Jobs executing on the pool: the interpreter (whose JIT memory they run) and the objects of their
// env must outlive them, so an env's teardown waits for its own.
void executeJob(napi_env, void* data) {
  auto* j = static_cast<Job*>(data);
  EnvState& es = *j->state;
  {
    std::lock_guard<std::mutex> lock(es.jobsMutex);
    if (es.closing) return;  // the env is being torn down: its promise will never settle anyway
    ++es.executing;
  }
  j->execute(j->job);
  std::lock_guard<std::mutex> lock(es.jobsMutex);
  if (--es.executing == 0) es.jobsDone.notify_all();
}

napi_value errorValue(napi_env env, const char* text) {
  napi_value message, error;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, nullptr, message, &error);
  return error;
}

void completeJob(napi_env env, napi_status status, void* data) {
  auto* j = static_cast<Job*>(data);
  napi_value value = nullptr;
  int failed = 0;
  if (status == napi_ok) {
    value = j->complete(env, j->job, &failed);
  } else {
    failed = 1;
    value = errorValue(env, "cppjit: the asynchronous call was cancelled");
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_get_and_clear_last_exception(env, &value);
    failed = 1;
  } else if (!value) {
    failed = 1;
    value = errorValue(env, "cppjit: the asynchronous call failed without an error");
  }
  if (failed) napi_reject_deferred(env, j->deferred, value);
  else napi_resolve_deferred(env, j->deferred, value);
  // Argument temporaries (strings, std::functions holding JS functions) die here, on the env's thread.
  j->destroy(j->job);
  napi_delete_async_work(env, j->work);
  delete j;
}

napi_value queueAsyncHook(napi_env env, void* job, void (*execute)(void*), napi_value (*complete)(napi_env, void*, int*),
                          void (*destroy)(void*)) {
  auto* j = new Job{&envState(env), nullptr, nullptr, job, execute, complete, destroy};
  napi_value promise = nullptr, name = nullptr;
  napi_create_string_utf8(env, "cppjit.async", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, nullptr, name, executeJob, completeJob, j, &j->work) != napi_ok ||
      napi_queue_async_work(env, j->work) != napi_ok) {
    if (j->work) napi_delete_async_work(env, j->work);
    if (j->deferred) napi_reject_deferred(env, j->deferred, errorValue(env, "cppjit: cannot queue an asynchronous call"));
    destroy(job);
    delete j;
    napi_throw_error(env, nullptr, "cppjit: cannot queue an asynchronous call");
    return nullptr;
  }
  return promise;
}

// ---- callbacks from other threads ----

}  // namespace

struct Request {
  void (*fn)(void*) = nullptr;
  void* data = nullptr;
  std::mutex m;
  std::condition_variable cv;
  enum { Queued, Running, Done, Refused, Abandoned } state = Queued;
};

namespace {

const char* const kShutdown =
    "cppjit: a JS callback was called on another thread while its thread (the main thread or a worker) is shutting "
    "down; it cannot run";
const char* const kDeadlockMain =
    "cppjit: a JS callback was called on another thread while the main thread is blocked (most likely in a "
    "synchronous C++ call waiting for that thread), so it could never run; call that C++ function with "
    "fn.async(...) to keep the main thread free";
const char* const kDeadlockWorker =
    "cppjit: a JS callback was called on another thread while the worker thread owning it is blocked (most likely in "
    "a synchronous C++ call waiting for that thread), so it could never run; call that C++ function with "
    "fn.async(...) to keep the worker free";

void runRequest(napi_env env, napi_value, void*, void* data) {
  auto* holder = static_cast<std::shared_ptr<Request>*>(data);
  std::shared_ptr<Request> r = std::move(*holder);
  delete holder;
  {
    std::lock_guard<std::mutex> lock(r->m);
    if (r->state == Request::Abandoned) return;
    r->state = env ? Request::Running : Request::Refused;  // no env: the function is being torn down
  }
  if (env) r->fn(r->data);
  {
    std::lock_guard<std::mutex> lock(r->m);
    if (r->state == Request::Running) r->state = Request::Done;
  }
  r->cv.notify_all();
}

// Whether a thread sleeps (waits on a lock, a join, I/O) rather than runs, from /proc.
bool threadSleeping(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%d/stat", static_cast<int>(tid));
  FILE* f = std::fopen(path, "r");
  if (!f) return false;
  char buffer[512];
  size_t n = std::fread(buffer, 1, sizeof buffer - 1, f);
  std::fclose(f);
  buffer[n] = '\0';
  const char* close = std::strrchr(buffer, ')');  // the command name may contain spaces
  if (!close || close[1] != ' ') return false;
  return close[2] == 'S' || close[2] == 'D';
}

const char* runOnHook(void* target, void (*fn)(void*), void* data) {
  std::shared_ptr<Home> home = targetHome(target);
  if (!home) return kShutdown;
  if (home->here()) {
    fn(data);
    return nullptr;
  }
  auto r = std::make_shared<Request>();
  r->fn = fn;
  r->data = data;
  {
    std::lock_guard<std::mutex> lock(home->mutex);
    if (!home->marshal || !home->open.load()) return kShutdown;
    auto* holder = new std::shared_ptr<Request>(r);
    if (napi_call_threadsafe_function(home->marshal, holder, napi_tsfn_nonblocking) != napi_ok) {
      delete holder;
      return kShutdown;
    }
    home->waiting.push_back(r);
  }
  struct Unlist {
    Home& home;
    std::shared_ptr<Request>& r;
    ~Unlist() {
      std::lock_guard<std::mutex> lock(home.mutex);
      home.waiting.erase(std::remove(home.waiting.begin(), home.waiting.end(), r), home.waiting.end());
    }
  } unlist{*home, r};
  std::unique_lock<std::mutex> lock(r->m);
  bool sleeping = false;
  Clock::time_point since;
  for (;;) {
    if (r->cv.wait_for(lock, kPoll, [&] { return r->state == Request::Done || r->state == Request::Refused; })) break;
    if (r->state == Request::Running) continue;  // the home thread is on it
    if (!threadSleeping(home->tid)) {
      sleeping = false;
      continue;
    }
    if (!sleeping) {
      sleeping = true;
      since = Clock::now();
    } else if (Clock::now() - since >= kDeadlockGrace) {
      r->state = Request::Abandoned;
      return home->processMain ? kDeadlockMain : kDeadlockWorker;
    }
  }
  return r->state == Request::Refused ? kShutdown : nullptr;
}

// ---- exceptions that no handler on a thread would catch ----

thread_local std::jmp_buf* probe = nullptr;
std::terminate_handler previousTerminate = nullptr;

// std::terminate, called because an exception found no handler: back to rethrowIfCaughtHook when it
// is probing on this thread; otherwise as before.
[[noreturn]] void probingTerminate() {
  if (std::jmp_buf* to = probe) {
    probe = nullptr;
    std::longjmp(*to, 1);
  }
  if (previousTerminate) previousTerminate();
  std::abort();
}

// Throws *error on this thread, as std::rethrow_exception does, when a handler up the stack catches
// it. When none would (the unwinder's search ends without one, before anything is unwound), the
// C++ runtime calls std::terminate: that comes back here instead, and the caller delivers it to JS.
void rethrowIfCaughtHook(std::exception_ptr* error) {
  static std::once_flag installed;
  std::call_once(installed, [] { previousTerminate = std::set_terminate(probingTerminate); });
  struct Unset {
    ~Unset() { probe = nullptr; }  // also when a handler catches it: this frame is unwound then
  } unset;
  std::jmp_buf here;
  if (setjmp(here) == 0) {
    probe = &here;
    std::rethrow_exception(*error);
  }
  // The runtime began a catch of it before calling std::terminate: end that catch.
  __cxxabiv1::__cxa_end_catch();
}

ThunkHooks* hooks() { return static_cast<ThunkHooks*>(cppjit_prelude_hooks()); }

}  // namespace

// On the home thread: each uncaught exception waiting there, as process 'uncaughtException' (by default
// Node prints it and exits with status 1).
void raiseUncaught(napi_env env, Home& home) {
  std::vector<std::pair<void*, std::string>> list;
  {
    std::lock_guard<std::mutex> lock(home.mutex);
    list.swap(home.uncaught);
  }
  for (auto& [jsError, message] : list) {
    napi_value error = nullptr;
    if (jsError) {
      hooks()->rethrow(env, jsError);
      napi_get_and_clear_last_exception(env, &error);
      hooks()->errorRef(jsError, -1);
    } else {
      napi_value text;
      napi_create_string_utf8(env, message.c_str(), message.size(), &text);
      napi_create_error(env, nullptr, text, &error);
    }
    if (error) napi_fatal_exception(env, error);
  }
}

namespace {

void raiseUncaughtRequest(void* data) {
  auto* home = static_cast<Home*>(data);
  raiseUncaught(home->env, *home);
}

// A thread without a handler for a JS callback's exception (or for the error that the callback
// could not run) hands it to the callback's own thread, to be raised there as uncaught; the thread
// that called goes on with a zero result. Also raised at 'beforeExit' (native.ts), since a
// delivery queued while the event loop has nothing else to do might otherwise never run.
void deliverHook(void* target, void* jsError, const char* message) {
  std::shared_ptr<Home> home = targetHome(target);
  if (!home) return;
  if (jsError) hooks()->errorRef(jsError, 1);
  std::lock_guard<std::mutex> lock(home->mutex);
  home->uncaught.emplace_back(jsError, jsError ? "" : message);
  if (!home->marshal || !home->open.load()) return;
  auto r = std::make_shared<Request>();
  r->fn = raiseUncaughtRequest;
  r->data = home.get();  // alive: the marshal function is released (teardown) before the Home goes
  auto* holder = new std::shared_ptr<Request>(std::move(r));
  if (napi_call_threadsafe_function(home->marshal, holder, napi_tsfn_nonblocking) != napi_ok) delete holder;
}

}  // namespace

void installAsyncHooks(ThunkHooks& hooks) {
  hooks.queueAsync = &queueAsyncHook;
  hooks.runOn = &runOnHook;
  hooks.rethrowIfCaught = &rethrowIfCaughtHook;
  hooks.deliver = &deliverHook;
}

void openAsync(EnvState& es) {
  es.home->tid = static_cast<pid_t>(syscall(SYS_gettid));
  napi_value name;
  napi_create_string_utf8(es.env, "cppjit callback from another thread", NAPI_AUTO_LENGTH, &name);
  napi_threadsafe_function marshal = nullptr;
  if (napi_create_threadsafe_function(es.env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr, runRequest, &marshal) !=
      napi_ok)
    return;
  napi_unref_threadsafe_function(es.env, marshal);  // a waiting thread is served; an idle one keeps nothing alive
  std::lock_guard<std::mutex> lock(es.home->mutex);
  es.home->marshal = marshal;
}

void closeAsync(EnvState& es) {
  {
    std::lock_guard<std::mutex> lock(es.home->mutex);
    es.home->open.store(false);
    if (es.home->marshal) napi_release_threadsafe_function(es.home->marshal, napi_tsfn_abort);
    es.home->marshal = nullptr;
    for (auto& r : es.home->waiting) {
      std::lock_guard<std::mutex> requestLock(r->m);
      if (r->state == Request::Queued) r->state = Request::Refused;
      r->cv.notify_all();
    }
  }
  // Jobs still running JIT-compiled code (on this env's objects) finish before the env goes.
  std::unique_lock<std::mutex> lock(es.jobsMutex);
  es.closing = true;
  es.jobsDone.wait(lock, [&] { return es.executing == 0; });
}

}  // namespace cppjit
