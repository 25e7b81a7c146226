// native/memory.cc — typed reads and writes at C++ addresses: live fields and variables without a thunk.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "Native.h"

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
Napi::Value peekChar(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), at<char>(info), 1); }
Napi::Value pokeChar(const Napi::CallbackInfo& info) {
  char* p = at<char>(info);
  if (info[1].IsString()) {
    std::string s = info[1].As<Napi::String>().Utf8Value();
    if (s.size() != 1) throw Napi::RangeError::New(info.Env(), "expected a 1-character string");
    *p = s[0];
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
Napi::Value peekCString(const Napi::CallbackInfo& info) {
  const char* s = *at<const char*>(info);
  if (!s) return info.Env().Null();
  return Napi::String::New(info.Env(), s);
}
Napi::Value typeinfoName(const Napi::CallbackInfo& info) {
  const auto* ti = at<std::type_info>(info);
  return Napi::String::New(info.Env(), ti->name());
}

}  // namespace

// C and C++ output written by calls is buffered by stdio; JS flushes it before its own output so
// both appear in program order.
Napi::Value flushStdio(const Napi::CallbackInfo& info) {
  std::fflush(nullptr);
  return info.Env().Undefined();
}

void registerMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("flushStdio", Napi::Function::New(env, flushStdio));
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
  mem.Set("typeinfo_name", Napi::Function::New(env, typeinfoName));
  exports.Set("memory", mem);
}

}  // namespace cppjit
