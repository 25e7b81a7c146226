// native/fast/v8_fast.h — the V8 fast API call types for each V8 cppjit supports (11.3: Node 20, 12.4: Node 22, 13.6: Node 24), declared by hand: Node ships no v8-fast-api-calls.h.
//
// Only what registering a fast C function needs, laid out exactly as each V8 has it: checked
// against each Node binary (disassembly of the exported constructors, and node's own CFunctionInfo
// instances read at run time). fast.cc includes this only for those versions.
// - CTypeInfo: {Type, SequenceType, Flags}, 3 bytes; the Type numbers are the same in all three.
// - CFunctionInfo: 16 bytes. 12.x added `Int64Representation repr_` (one byte) in the padding after
//   the return type and a 4th constructor parameter; the 3-argument constructor is gone from 12.x
//   (an addon built for 11.3 does not link against Node 22).
// - CFunction: {address, type_info}.
// 13.x also dropped typed-array arguments and the callback options' fallback flag; cppjit's fast
// entries use neither (they never fall back), so FastApiCallbackOptions is not declared.
#pragma once
#include <cstdint>

#include <v8.h>

#if !((V8_MAJOR_VERSION == 11 && V8_MINOR_VERSION == 3) || (V8_MAJOR_VERSION == 12 && V8_MINOR_VERSION == 4) || \
      (V8_MAJOR_VERSION == 13 && V8_MINOR_VERSION == 6))
#error "v8_fast.h describes V8 11.3, 12.4 and 13.6 only"
#endif

namespace v8 {

class CTypeInfo {
 public:
  enum class Type : uint8_t {
    kVoid, kBool, kUint8, kInt32, kUint32, kInt64, kUint64, kFloat32,
    kFloat64, kPointer, kV8Value, kSeqOneByteString, kApiObject, kAny,
  };
  enum class SequenceType : uint8_t { kScalar };  // the only one written here
  enum class Flags : uint8_t { kNone = 0 };
  explicit constexpr CTypeInfo(Type type, SequenceType sequence = SequenceType::kScalar, Flags flags = Flags::kNone)
      : type_(type), sequence_(sequence), flags_(flags) {}

 private:
  Type type_;
  SequenceType sequence_;
  Flags flags_;
};
static_assert(sizeof(CTypeInfo) == 3, "CTypeInfo is 3 bytes");

class V8_EXPORT CFunctionInfo {
 public:
#if V8_MAJOR_VERSION == 11
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info);
#else
  // How int64/uint64 arguments and results are represented in JS (cppjit uses neither).
  enum class Int64Representation : uint8_t { kNumber = 0, kBigInt = 1 };
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info,
                Int64Representation repr = Int64Representation::kNumber);
#endif

 private:
  const CTypeInfo return_info_;  // offset 0
#if V8_MAJOR_VERSION != 11
  const Int64Representation repr_;  // offset 3
#endif
  const unsigned int arg_count_;  // offset 4 (the receiver included)
  const CTypeInfo* arg_info_;     // offset 8
};
static_assert(sizeof(CFunctionInfo) == 16, "CFunctionInfo is 16 bytes");

class V8_EXPORT CFunction {
 public:
  CFunction(const void* address, const CFunctionInfo* type_info);

 private:
  const void* address_;             // offset 0
  const CFunctionInfo* type_info_;  // offset 8
};
static_assert(sizeof(CFunction) == 16, "CFunction is 16 bytes");

}  // namespace v8
