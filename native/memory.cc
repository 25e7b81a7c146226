// native/memory.cc — typed reads and writes at C++ addresses: live fields and variables without a thunk.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "Native.h"

extern "C" napi_value cppjit_wide_cstring(napi_env env, const void* text, int width);  // native/prelude.cc

namespace __cppjit {  // native/prelude/cppjit_prelude.hpp, compiled into the addon by native/prelude.cc
void* hold_strings();
void unhold_strings();
void release_strings(void* bucket);
}  // namespace __cppjit

namespace cppjit {
namespace {

template <class T>
T* at(const Napi::CallbackInfo& info) {
  double d = info[0].As<Napi::Number>().DoubleValue();
  if (d == 0) throw Napi::Error::New(info.Env(), "access through a deleted or null object");
  return reinterpret_cast<T*>(static_cast<uintptr_t>(d));
}

template <class T>
Napi::Value numberOut(Napi::Env env, T v) {
  if constexpr (sizeof(T) == 8 && std::is_integral_v<T>) {
    constexpr double safe = 9007199254740991.0;
    if (static_cast<double>(v) <= safe && static_cast<double>(v) >= -safe) return Napi::Number::New(env, static_cast<double>(v));
    if constexpr (std::is_signed_v<T>) return Napi::BigInt::New(env, static_cast<int64_t>(v));
    else return Napi::BigInt::New(env, static_cast<uint64_t>(v));
  } else {
    return Napi::Number::New(env, static_cast<double>(v));
  }
}

template <class T>
T integerIn(const Napi::CallbackInfo& info, const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless = false;
    if constexpr (std::is_signed_v<T>) {
      int64_t x = v.As<Napi::BigInt>().Int64Value(&lossless);
      if (!lossless || x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max())
        throw Napi::RangeError::New(info.Env(), "value out of range");
      return static_cast<T>(x);
    } else {
      uint64_t x = v.As<Napi::BigInt>().Uint64Value(&lossless);
      if (!lossless || x > std::numeric_limits<T>::max()) throw Napi::RangeError::New(info.Env(), "value out of range");
      return static_cast<T>(x);
    }
  }
  if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), "expected an integer");
  double d = v.As<Napi::Number>().DoubleValue();
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
  if (!(d >= lo && d < hi)) throw Napi::RangeError::New(info.Env(), std::to_string(d) + " is out of range");
  if (std::trunc(d) != d) throw Napi::TypeError::New(info.Env(), std::to_string(d) + " is not an integer");
  return static_cast<T>(d);
}

template <class T>
Napi::Value peek(const Napi::CallbackInfo& info) {
  return numberOut(info.Env(), *at<T>(info));
}

template <class T>
Napi::Value poke(const Napi::CallbackInfo& info) {
  T* p = at<T>(info);
  if constexpr (std::is_floating_point_v<T>) {
    if (!info[1].IsNumber()) throw Napi::TypeError::New(info.Env(), "expected a number");
    *p = static_cast<T>(info[1].As<Napi::Number>().DoubleValue());
  } else {
    *p = integerIn<T>(info, info[1]);
  }
  return info.Env().Undefined();
}

Napi::Value peekBool(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), *at<bool>(info)); }
Napi::Value pokeBool(const Napi::CallbackInfo& info) {
  if (!info[1].IsBoolean()) throw Napi::TypeError::New(info.Env(), "expected a boolean");
  *at<bool>(info) = info[1].As<Napi::Boolean>().Value();
  return info.Env().Undefined();
}
// A char reads and writes as one Latin-1 character, as char arguments and results do.
Napi::Value peekChar(const Napi::CallbackInfo& info) {
  napi_value out;
  napi_create_string_latin1(info.Env(), at<char>(info), 1, &out);
  return Napi::Value(info.Env(), out);
}
Napi::Value pokeChar(const Napi::CallbackInfo& info) {
  char* p = at<char>(info);
  if (info[1].IsString()) {
    std::u16string s = info[1].As<Napi::String>().Utf16Value();
    if (s.size() != 1 || s[0] > 0xFF) throw Napi::RangeError::New(info.Env(), "expected a 1-character string (Latin-1)");
    *p = static_cast<char>(s[0]);
  } else {
    *p = integerIn<char>(info, info[1]);
  }
  return info.Env().Undefined();
}
Napi::Value peekPointer(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(*at<void*>(info))));
}
Napi::Value pokePointer(const Napi::CallbackInfo& info) {
  void** p = at<void*>(info);
  if (info[1].IsNull() || info[1].IsUndefined()) *p = nullptr;
  else *p = reinterpret_cast<void*>(integerIn<uintptr_t>(info, info[1]));
  return info.Env().Undefined();
}
// The addon and JIT-ed code share libstdc++ and its ABI, so a std::string is the same object on both sides.
Napi::Value peekStdString(const Napi::CallbackInfo& info) {
  const std::string* s = at<std::string>(info);
  return Napi::String::New(info.Env(), s->data(), s->size());
}
Napi::Value pokeStdString(const Napi::CallbackInfo& info) {
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "expected a string");
  *at<std::string>(info) = info[1].As<Napi::String>().Utf8Value();
  return info.Env().Undefined();
}
// A const char16_t* (width 2) or const wchar_t*/char32_t* (width 4) member: converted as thunks do.
Napi::Value peekWideCString(const Napi::CallbackInfo& info) {
  const void* p = *at<const void*>(info);
  if (!p) return info.Env().Null();
  return Napi::Value(info.Env(), cppjit_wide_cstring(info.Env(), p, info[1].ToNumber().Int32Value() == 2 ? 2 : 4));
}
Napi::Value peekCString(const Napi::CallbackInfo& info) {
  const char* s = *at<const char*>(info);
  if (!s) return info.Env().Null();
  return Napi::String::New(info.Env(), s);
}
Napi::Value typeinfoName(const Napi::CallbackInfo& info) {
  const auto* ti = at<std::type_info>(info);
  return Napi::String::New(info.Env(), ti->name());
}

// ---- raw memory for cppyy.ll and C interop ----

uintptr_t addressArg(const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless = false;
    return static_cast<uintptr_t>(v.As<Napi::BigInt>().Uint64Value(&lossless));
  }
  return static_cast<uintptr_t>(v.As<Napi::Number>().DoubleValue());
}

// Address of the bytes of a TypedArray, DataView, Buffer or ArrayBuffer (what C gets in place).
// V8 never moves an ArrayBuffer's backing store once its address has been asked for.
Napi::Value dataAddress(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  napi_value v = info[0];
  void* data = nullptr;
  bool is = false;
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t length;
    napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  } else if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    size_t length;
    napi_get_dataview_info(env, v, &length, &data, nullptr, nullptr);
  } else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    size_t length;
    napi_get_arraybuffer_info(env, v, &data, &length);
  } else {
    throw Napi::TypeError::New(info.Env(), "expected a TypedArray, DataView, Buffer or ArrayBuffer");
  }
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(data)));
}

// An ArrayBuffer over C memory (no copy, no finalizer: the memory belongs to C).
Napi::Value view(const Napi::CallbackInfo& info) {
  uintptr_t address = addressArg(info[0]);
  size_t length = static_cast<size_t>(info[1].As<Napi::Number>().DoubleValue());
  if (!address && length) throw Napi::Error::New(info.Env(), "cannot view memory at a null address");
  napi_value out;
  // A zero-length view still needs a distinct non-null pointer for V8.
  static char empty;
  if (napi_create_external_arraybuffer(info.Env(), length ? reinterpret_cast<void*>(address) : &empty, length, nullptr,
                                       nullptr, &out) != napi_ok)
    throw Napi::Error::New(info.Env(), "cannot create a view of C memory");
  return Napi::Value(info.Env(), out);
}

// detach(arrayBuffer): a view of memory that was freed keeps no access to it (length 0).
Napi::Value detach(const Napi::CallbackInfo& info) {
  bool detachable = false;
  if (napi_is_detached_arraybuffer(info.Env(), info[0], &detachable) == napi_ok && !detachable)
    napi_detach_arraybuffer(info.Env(), info[0]);
  return info.Env().Undefined();
}

Napi::Value mallocBytes(const Napi::CallbackInfo& info) {
  double size = info[0].As<Napi::Number>().DoubleValue();
  if (!(size >= 0 && size < 1e15)) throw Napi::RangeError::New(info.Env(), "malloc: size out of range");
  void* p = std::calloc(1, size ? static_cast<size_t>(size) : 1);
  if (!p) throw Napi::Error::New(info.Env(), "malloc: out of memory");
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(p)));
}

Napi::Value freeBytes(const Napi::CallbackInfo& info) {
  std::free(reinterpret_cast<void*>(addressArg(info[0])));
  return info.Env().Undefined();
}

Napi::Value copyBytes(const Napi::CallbackInfo& info) {
  auto* dst = reinterpret_cast<void*>(addressArg(info[0]));
  auto* src = reinterpret_cast<const void*>(addressArg(info[1]));
  size_t n = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
  if (n && (!dst || !src)) throw Napi::Error::New(info.Env(), "copy through a null pointer");
  std::memmove(dst, src, n);
  return info.Env().Undefined();
}

// cstring(address, length?): UTF-8 text up to the NUL, or exactly `length` bytes.
Napi::Value cstringAt(const Napi::CallbackInfo& info) {
  const char* p = reinterpret_cast<const char*>(addressArg(info[0]));
  if (!p) return info.Env().Null();
  if (info.Length() > 1 && info[1].IsNumber()) return Napi::String::New(info.Env(), p, static_cast<size_t>(info[1].As<Napi::Number>().DoubleValue()));
  return Napi::String::New(info.Env(), p);
}

// A char array field: text up to the first NUL within `capacity` bytes.
Napi::Value peekCharArray(const Napi::CallbackInfo& info) {
  const char* p = at<char>(info);
  size_t capacity = static_cast<size_t>(info[1].As<Napi::Number>().DoubleValue());
  return Napi::String::New(info.Env(), p, strnlen(p, capacity));
}

// Writes a string into a char array of `capacity` bytes, NUL-terminated and zero-filled; too long is a RangeError.
Napi::Value pokeCharArray(const Napi::CallbackInfo& info) {
  char* p = at<char>(info);
  size_t capacity = static_cast<size_t>(info[2].As<Napi::Number>().DoubleValue());
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "expected a string");
  std::string text = info[1].As<Napi::String>().Utf8Value();
  if (text.size() >= capacity)
    throw Napi::RangeError::New(info.Env(), "a string of " + std::to_string(text.size()) + " bytes does not fit in char[" +
                                                std::to_string(capacity) + "] with its terminating NUL");
  std::memcpy(p, text.data(), text.size());
  std::memset(p + text.size(), 0, capacity - text.size());
  return info.Env().Undefined();
}

// Bit-fields: touch only the bytes the field occupies (little-endian bit order, as Clang lays them out on x86-64/aarch64).
uint64_t loadBits(const unsigned char* p, unsigned bitOffset, unsigned width) {
  unsigned bytes = (bitOffset + width + 7) / 8;
  unsigned __int128 raw = 0;
  for (unsigned i = 0; i < bytes; ++i) raw |= static_cast<unsigned __int128>(p[i]) << (8 * i);
  raw >>= bitOffset;
  uint64_t mask = width == 64 ? ~uint64_t(0) : ((uint64_t(1) << width) - 1);
  return static_cast<uint64_t>(raw) & mask;
}

Napi::Value peekBits(const Napi::CallbackInfo& info) {
  auto* p = at<unsigned char>(info);
  unsigned bitOffset = info[1].As<Napi::Number>().Uint32Value();
  unsigned width = info[2].As<Napi::Number>().Uint32Value();
  bool isSigned = info[3].ToBoolean().Value();
  uint64_t raw = loadBits(p, bitOffset, width);
  if (isSigned) {
    int64_t v = width < 64 && (raw >> (width - 1)) & 1 ? static_cast<int64_t>(raw | (~uint64_t(0) << width)) : static_cast<int64_t>(raw);
    return numberOut<int64_t>(info.Env(), v);
  }
  return numberOut<uint64_t>(info.Env(), raw);
}

// pokeBits(address, bitOffset, width, signed, value): a value outside the field's range is a RangeError.
Napi::Value pokeBits(const Napi::CallbackInfo& info) {
  auto* p = at<unsigned char>(info);
  unsigned bitOffset = info[1].As<Napi::Number>().Uint32Value();
  unsigned width = info[2].As<Napi::Number>().Uint32Value();
  bool isSigned = info[3].ToBoolean().Value();
  uint64_t bits;
  if (isSigned) {
    int64_t v = integerIn<int64_t>(info, info[4]);
    int64_t lo = width == 64 ? std::numeric_limits<int64_t>::min() : -(int64_t(1) << (width - 1));
    int64_t hi = width == 64 ? std::numeric_limits<int64_t>::max() : (int64_t(1) << (width - 1)) - 1;
    if (v < lo || v > hi)
      throw Napi::RangeError::New(info.Env(), std::to_string(v) + " does not fit in a signed " + std::to_string(width) +
                                                  "-bit field (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
    bits = static_cast<uint64_t>(v);
  } else {
    uint64_t v = integerIn<uint64_t>(info, info[4]);
    uint64_t hi = width == 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    if (v > hi)
      throw Napi::RangeError::New(info.Env(), std::to_string(v) + " does not fit in an unsigned " + std::to_string(width) +
                                                  "-bit field (0 to " + std::to_string(hi) + ")");
    bits = v;
  }
  unsigned bytes = (bitOffset + width + 7) / 8;
  unsigned __int128 raw = 0;
  for (unsigned i = 0; i < bytes; ++i) raw |= static_cast<unsigned __int128>(p[i]) << (8 * i);
  unsigned __int128 mask = ((width == 64 ? static_cast<unsigned __int128>(~uint64_t(0)) : ((static_cast<unsigned __int128>(1) << width) - 1))) << bitOffset;
  raw = (raw & ~mask) | ((static_cast<unsigned __int128>(bits) << bitOffset) & mask);
  for (unsigned i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(raw >> (8 * i));
  return info.Env().Undefined();
}

}  // namespace

// C and C++ output written by calls is buffered by stdio; JS flushes it before its own output so
// both appear in program order.
Napi::Value flushStdio(const Napi::CallbackInfo& info) {
  std::fflush(nullptr);
  return info.Env().Undefined();
}

// Strings converted while JS builds a temporary for an enclosing call (see hold_strings in the
// prelude): holdStrings() opens a bucket and returns it, unholdStrings() closes it, releaseStrings(bucket)
// frees it once that call returned.
Napi::Value holdStrings(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(reinterpret_cast<uintptr_t>(__cppjit::hold_strings())));
}

Napi::Value unholdStrings(const Napi::CallbackInfo& info) {
  __cppjit::unhold_strings();
  return info.Env().Undefined();
}

Napi::Value releaseStrings(const Napi::CallbackInfo& info) {
  __cppjit::release_strings(reinterpret_cast<void*>(static_cast<uintptr_t>(info[0].As<Napi::Number>().DoubleValue())));
  return info.Env().Undefined();
}

void registerMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("flushStdio", Napi::Function::New(env, flushStdio));
  exports.Set("holdStrings", Napi::Function::New(env, holdStrings));
  exports.Set("unholdStrings", Napi::Function::New(env, unholdStrings));
  exports.Set("releaseStrings", Napi::Function::New(env, releaseStrings));
  Napi::Object mem = Napi::Object::New(env);
  mem.Set("peek_i8", Napi::Function::New(env, peek<int8_t>));
  mem.Set("peek_u8", Napi::Function::New(env, peek<uint8_t>));
  mem.Set("peek_i16", Napi::Function::New(env, peek<int16_t>));
  mem.Set("peek_u16", Napi::Function::New(env, peek<uint16_t>));
  mem.Set("peek_i32", Napi::Function::New(env, peek<int32_t>));
  mem.Set("peek_u32", Napi::Function::New(env, peek<uint32_t>));
  mem.Set("peek_i64", Napi::Function::New(env, peek<int64_t>));
  mem.Set("peek_u64", Napi::Function::New(env, peek<uint64_t>));
  mem.Set("peek_f32", Napi::Function::New(env, peek<float>));
  mem.Set("peek_f64", Napi::Function::New(env, peek<double>));
  mem.Set("peek_f80", Napi::Function::New(env, peek<long double>));
  mem.Set("poke_i8", Napi::Function::New(env, poke<int8_t>));
  mem.Set("poke_u8", Napi::Function::New(env, poke<uint8_t>));
  mem.Set("poke_i16", Napi::Function::New(env, poke<int16_t>));
  mem.Set("poke_u16", Napi::Function::New(env, poke<uint16_t>));
  mem.Set("poke_i32", Napi::Function::New(env, poke<int32_t>));
  mem.Set("poke_u32", Napi::Function::New(env, poke<uint32_t>));
  mem.Set("poke_i64", Napi::Function::New(env, poke<int64_t>));
  mem.Set("poke_u64", Napi::Function::New(env, poke<uint64_t>));
  mem.Set("poke_f32", Napi::Function::New(env, poke<float>));
  mem.Set("poke_f64", Napi::Function::New(env, poke<double>));
  mem.Set("poke_f80", Napi::Function::New(env, poke<long double>));
  mem.Set("peek_bool", Napi::Function::New(env, peekBool));
  mem.Set("poke_bool", Napi::Function::New(env, pokeBool));
  mem.Set("peek_char", Napi::Function::New(env, peekChar));
  mem.Set("poke_char", Napi::Function::New(env, pokeChar));
  mem.Set("peek_ptr", Napi::Function::New(env, peekPointer));
  mem.Set("poke_ptr", Napi::Function::New(env, pokePointer));
  mem.Set("peek_string", Napi::Function::New(env, peekStdString));
  mem.Set("poke_string", Napi::Function::New(env, pokeStdString));
  mem.Set("peek_cstring", Napi::Function::New(env, peekCString));
  mem.Set("peek_wide_cstring", Napi::Function::New(env, peekWideCString));
  mem.Set("typeinfo_name", Napi::Function::New(env, typeinfoName));
  mem.Set("data_address", Napi::Function::New(env, dataAddress));
  mem.Set("view", Napi::Function::New(env, view));
  mem.Set("detach", Napi::Function::New(env, detach));
  mem.Set("malloc", Napi::Function::New(env, mallocBytes));
  mem.Set("free", Napi::Function::New(env, freeBytes));
  mem.Set("copy", Napi::Function::New(env, copyBytes));
  mem.Set("cstring", Napi::Function::New(env, cstringAt));
  mem.Set("peek_chars", Napi::Function::New(env, peekCharArray));
  mem.Set("poke_chars", Napi::Function::New(env, pokeCharArray));
  mem.Set("peek_bits", Napi::Function::New(env, peekBits));
  mem.Set("poke_bits", Napi::Function::New(env, pokeBits));
  exports.Set("memory", mem);
}

}  // namespace cppjit
