// native/fast/v8_fast_11.h — the V8 11.3 (Node 20) fast API call types, declared by hand: Node ships no v8-fast-api-calls.h.
//
// Only what registering a fast C function needs, laid out exactly as V8 11.3 has it (checked
// against node's own fast-call metadata on this machine): CTypeInfo (3 bytes), CFunctionInfo
// (16 bytes) and CFunction, whose two constructors the node binary exports. cppjit's fast entries
// take no FastApiCallbackOptions (they never fall back), so that struct is not declared.
#pragma once
#include <cstdint>

#include <v8.h>

#if V8_MAJOR_VERSION != 11
#error "v8_fast_11.h describes V8 11.x (Node 20) only"
#endif

namespace v8 {

class CTypeInfo {
 public:
  enum class Type : uint8_t {
    kVoid, kBool, kUint8, kInt32, kUint32, kInt64, kUint64, kFloat32,
    kFloat64, kPointer, kV8Value, kSeqOneByteString, kApiObject, kAny,
  };
  enum class SequenceType : uint8_t { kScalar, kIsSequence, kIsTypedArray, kIsArrayBuffer };
  enum class Flags : uint8_t { kNone = 0 };
  explicit constexpr CTypeInfo(Type type, SequenceType sequence = SequenceType::kScalar, Flags flags = Flags::kNone)
      : type_(type), sequence_(sequence), flags_(flags) {}

 private:
  Type type_;
  SequenceType sequence_;
  Flags flags_;
};
static_assert(sizeof(CTypeInfo) == 3, "V8 11.3's CTypeInfo is 3 bytes");

class V8_EXPORT CFunctionInfo {
 public:
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info);

 private:
  const CTypeInfo return_info_;
  const unsigned int arg_count_;
  const CTypeInfo* arg_info_;
};
static_assert(sizeof(CFunctionInfo) == 16, "V8 11.3's CFunctionInfo is 16 bytes");

class V8_EXPORT CFunction {
 public:
  CFunction(const void* address, const CFunctionInfo* type_info);

 private:
  const void* address_;
  const CFunctionInfo* type_info_;
};

}  // namespace v8
