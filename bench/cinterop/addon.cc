// bench/cinterop/addon.cc — hand-written node-addon-api binding of cfuncs.h (the TypedArray-pointer baseline)
#include <napi.h>

#include "cfuncs.h"

namespace {

// cSum(values: Float64Array, n: number): number -> c_sum(const double*, int), in place
Napi::Value CSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "cSum(values: Float64Array, n: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto array = info[0].As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_float64_array) {
    Napi::TypeError::New(env, "cSum: expected a Float64Array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto values = array.As<Napi::Float64Array>();
  int n = info[1].As<Napi::Number>().Int32Value();
  if (n < 0 || static_cast<size_t>(n) > values.ElementLength()) {
    Napi::RangeError::New(env, "cSum: n exceeds the array").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, c_sum(values.Data(), n));
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cSum", Napi::Function::New<CSum>(env, "cSum"));
  return exports;
}

NODE_API_MODULE(handwritten_c, Init)
