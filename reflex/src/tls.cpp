// reflex/src/tls.cpp — lets JIT-compiled code reach libstdc++'s own thread_local state (std::call_once, hence std::async and std::future).
//
// The JIT compiles thread_local access as emulated TLS: a call to __emutls_get_address with the
// variable's control object __emutls_v.<name>. libstdc++ itself uses native TLS, so the control
// objects of its variables exist nowhere and code using them (std::call_once sets
// std::__once_callable, which libstdc++'s __once_proxy reads) could not be linked. Here those
// control objects are defined, and __emutls_get_address answers them with this thread's native
// variable (the one libstdc++ reads); every other variable goes to libgcc's implementation.
#include <dlfcn.h>

#include <mutex>

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>

#include <cstddef>

namespace reflex {
namespace {

// libgcc's layout of an emulated-TLS control object.
struct EmutlsObject {
  size_t size;
  size_t align;
  void* loc;
  void* templ;
};

EmutlsObject onceCallable{sizeof(void*), alignof(void*), nullptr, nullptr};
EmutlsObject onceCall{sizeof(void (*)()), alignof(void (*)()), nullptr, nullptr};
void* (*libgccGetAddress)(void*) = nullptr;

void* getAddress(void* object) {
#ifdef _GLIBCXX_HAVE_TLS
  if (object == &onceCallable) return &std::__once_callable;
  if (object == &onceCall) return reinterpret_cast<void*>(&std::__once_call);
#endif
  return libgccGetAddress(object);
}

}  // namespace

void bridgeThreadLocals(llvm::orc::LLJIT& jit) {
#ifdef _GLIBCXX_HAVE_TLS
  libgccGetAddress = reinterpret_cast<void* (*)(void*)>(dlsym(RTLD_DEFAULT, "__emutls_get_address"));
  if (!libgccGetAddress) return;  // no emulated TLS runtime in this process: nothing to bridge
  llvm::orc::SymbolMap symbols;
  auto add = [&](const char* name, void* address) {
    symbols[jit.mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported};
  };
  add("__emutls_get_address", reinterpret_cast<void*>(&getAddress));
  add("__emutls_v._ZSt15__once_callable", &onceCallable);
  add("__emutls_v._ZSt11__once_call", &onceCall);
  // Failing leaves std::call_once unusable from JIT-compiled code, as without the bridge.
  llvm::consumeError(jit.getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))));
#else
  (void)jit;
#endif
}

}  // namespace reflex
