// reflex/src/jit.cpp — creates the clang::Interpreter with its JIT's memory carved from one reserved address range.
//
// JIT-linked code reaches earlier JIT-linked data through 32-bit PC-relative relocations (every
// .eh_frame refers to DW.ref.__gxx_personality_v0, defined once by an early input), so everything
// the JIT maps must stay within ±2 GB. Clang's default memory manager maps each input wherever mmap
// places it; with worker threads (each V8 isolate reserves large ranges, and frees them when the
// worker exits) inputs land gigabytes apart and linking fails ("out of range of Delta32 fixup").
#include <clang/Interpreter/Interpreter.h>
#include <llvm/ExecutionEngine/Orc/Debugging/DebuggerSupport.h>
#include <llvm/ExecutionEngine/Orc/EPCEHFrameRegistrar.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/MapperJITLinkMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/MemoryMapper.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>

#include "Internal.h"

namespace reflex {
namespace {

// Address space, not memory: pages are committed as code and data land in them. A process JIT-ing
// more than this gets a second range (which may again be far from the first).
constexpr size_t kReservation = size_t(1) << 30;

// clang::Interpreter::create offers no way to pass a JIT builder in Clang 19; its protected
// constructor does. What create() adds besides (the value-printing runtime, a marker keeping Undo
// away from it) serves clang-repl's `%`-printing, which reflex does not use.
class Interpreter : public clang::Interpreter {
 public:
  Interpreter(std::unique_ptr<clang::CompilerInstance> ci, llvm::Error& err, std::unique_ptr<llvm::orc::LLJITBuilder> jit)
      : clang::Interpreter(std::move(ci), err, std::move(jit)) {}
};

// What LLJIT sets up by default for JITLink (PIC, small code model, .eh_frame registration),
// with the memory manager replaced.
std::unique_ptr<llvm::orc::LLJITBuilder> jitBuilder(llvm::orc::JITTargetMachineBuilder machine) {
  machine.setRelocationModel(llvm::Reloc::PIC_);
  machine.setCodeModel(llvm::CodeModel::Small);
  auto builder = std::make_unique<llvm::orc::LLJITBuilder>();
  builder->setJITTargetMachineBuilder(std::move(machine));
  builder->setObjectLinkingLayerCreator(
      [](llvm::orc::ExecutionSession& session, const llvm::Triple&) -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
        auto memory = llvm::orc::MapperJITLinkMemoryManager::CreateWithMapper<llvm::orc::InProcessMemoryMapper>(kReservation);
        if (!memory) return memory.takeError();
        auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(session, std::move(*memory));
        auto frames = llvm::orc::EPCEHFrameRegistrar::Create(session);
        if (!frames) return frames.takeError();
        layer->addPlugin(std::make_unique<llvm::orc::EHFrameRegistrationPlugin>(session, std::move(*frames)));
        return layer;
      });
  // As Clang's default builder: lets a debugger see JIT-compiled code.
  builder->setPrePlatformSetup([](llvm::orc::LLJIT& jit) {
    llvm::consumeError(llvm::orc::enableDebuggerSupport(jit));
    return llvm::Error::success();
  });
  return builder;
}

}  // namespace

llvm::Expected<std::unique_ptr<clang::Interpreter>> createInterpreter(std::unique_ptr<clang::CompilerInstance> ci) {
  auto machine = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machine) return machine.takeError();
  llvm::Error err = llvm::Error::success();
  auto interpreter = std::make_unique<Interpreter>(std::move(ci), err, jitBuilder(std::move(*machine)));
  if (err) return err;
  return std::unique_ptr<clang::Interpreter>(std::move(interpreter));
}

}  // namespace reflex

#ifdef CPPJIT_STATIC_LLVM
// Clang's backend registers every extension LLVM was configured to link in (llvm/Support/Extension.def).
// Debian's LLVM lists Polly there but ships it only inside libLLVM.so and as a plugin, with no
// archive: linked statically, an extension without its library registers no passes, as in an
// LLVM configured without it. (Polly's passes would only run with -mllvm -polly anyway.)
#include <llvm/Passes/PassPlugin.h>
#define HANDLE_EXTENSION(Ext)                                                                     \
  __attribute__((visibility("hidden"))) llvm::PassPluginLibraryInfo get##Ext##PluginInfo() {     \
    return {LLVM_PLUGIN_API_VERSION, #Ext, LLVM_VERSION_STRING, [](llvm::PassBuilder&) {}};       \
  }
#include <llvm/Support/Extension.def>
#endif
