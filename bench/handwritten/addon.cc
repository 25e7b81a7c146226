// bench/handwritten/addon.cc — hand-written node-addon-api binding of bench/cases.h (the baseline to beat)
#include <napi.h>

#include <climits>
#include <cmath>
#include <string>

#include "cases.h"

namespace {

inline bool IsIntegral(double d) {
  return d >= static_cast<double>(INT_MIN) && d <= static_cast<double>(INT_MAX) && std::trunc(d) == d;
}

Napi::Value ThrowType(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

// add(a: number, b: number): number  -> bench::add(int, int)
Napi::Value Add(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber())
    return ThrowType(env, "add(a: number, b: number)");
  int a = info[0].As<Napi::Number>().Int32Value();
  int b = info[1].As<Napi::Number>().Int32Value();
  return Napi::Number::New(env, bench::add(a, b));
}

// cAdd(a: number, b: number): number  -> extern "C" c_add(int, int)
Napi::Value CAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber())
    return ThrowType(env, "cAdd(a: number, b: number)");
  int a = info[0].As<Napi::Number>().Int32Value();
  int b = info[1].As<Napi::Number>().Int32Value();
  return Napi::Number::New(env, c_add(a, b));
}

// hypot2(a: number, b: number): number  -> bench::hypot2(double, double)
Napi::Value Hypot2(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsNumber())
    return ThrowType(env, "hypot2(a: number, b: number)");
  double a = info[0].As<Napi::Number>().DoubleValue();
  double b = info[1].As<Napi::Number>().DoubleValue();
  return Napi::Number::New(env, bench::hypot2(a, b));
}

// over(x): integral number -> over(int), other number -> over(double), string -> over(const char*)
Napi::Value Over(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1) return ThrowType(env, "over(x: number | string)");
  Napi::Value x = info[0];
  if (x.IsNumber()) {
    double d = x.As<Napi::Number>().DoubleValue();
    if (IsIntegral(d)) return Napi::Number::New(env, bench::over(static_cast<int>(d)));
    return Napi::Number::New(env, bench::over(d));
  }
  if (x.IsString()) {
    std::string s = x.As<Napi::String>().Utf8Value();
    return Napi::String::New(env, bench::over(s.c_str()));
  }
  return ThrowType(env, "over(x: number | string)");
}

// sumCallback(n, f): bench::sum_callback(n, <f>). A C function pointer has no closure, so the JS
// function is reached through statics for the duration of the call, as hand-written bindings do.
napi_env callbackEnv = nullptr;
napi_value callbackFn = nullptr;
bool callbackFailed = false;

int CallJs(int x) {
  if (callbackFailed) return 0;
  Napi::Env env(callbackEnv);
  Napi::HandleScope scope(env);
  Napi::Value r = Napi::Function(env, callbackFn).Call({Napi::Number::New(env, x)});
  if (env.IsExceptionPending() || !r.IsNumber()) {
    callbackFailed = true;  // the pending exception reaches JS when sumCallback returns
    return 0;
  }
  return r.As<Napi::Number>().Int32Value();
}

Napi::Value SumCallback(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsFunction())
    return ThrowType(env, "sumCallback(n: number, f: (i: number) => number)");
  napi_env savedEnv = callbackEnv;
  napi_value savedFn = callbackFn;
  callbackEnv = env;
  callbackFn = info[1];
  callbackFailed = false;
  int sum = bench::sum_callback(info[0].As<Napi::Number>().Int32Value(), CallJs);
  callbackEnv = savedEnv;
  callbackFn = savedFn;
  if (callbackFailed) {
    callbackFailed = false;
    if (!env.IsExceptionPending()) ThrowType(env, "sumCallback: the callback must return a number");
    return env.Undefined();
  }
  return Napi::Number::New(env, sum);
}

// liveCounters(): number  -> bench::live_counters (for leak checks)
Napi::Value LiveCounters(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(bench::live_counters));
}

// class Counter { constructor(start?: number); inc(by): number; value: number; delete(): void }
class Counter : public Napi::ObjectWrap<Counter> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Counter",
                       {
                           InstanceMethod<&Counter::Inc>("inc"),
                           InstanceMethod<&Counter::Delete>("delete"),
                           InstanceAccessor<&Counter::GetValue, &Counter::SetValue>("value"),
                       });
  }

  explicit Counter(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Counter>(info) {
    Napi::Env env = info.Env();
    if (info.Length() == 0 || info[0].IsUndefined()) {
      ptr_ = new bench::Counter();
    } else if (info[0].IsNumber()) {
      ptr_ = new bench::Counter(info[0].As<Napi::Number>().Int32Value());
    } else {
      Napi::TypeError::New(env, "Counter(start?: number)").ThrowAsJavaScriptException();
    }
  }

  ~Counter() override { delete ptr_; }

 private:
  bool Alive(Napi::Env env) {
    if (ptr_) return true;
    Napi::Error::New(env, "Counter: C++ object already deleted").ThrowAsJavaScriptException();
    return false;
  }

  Napi::Value Inc(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    if (info.Length() < 1 || !info[0].IsNumber()) return ThrowType(env, "Counter.inc(by: number)");
    return Napi::Number::New(env, ptr_->inc(info[0].As<Napi::Number>().Int32Value()));
  }

  Napi::Value Delete(const Napi::CallbackInfo& info) {
    delete ptr_;
    ptr_ = nullptr;
    return info.Env().Undefined();
  }

  Napi::Value GetValue(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    return Napi::Number::New(env, ptr_->value);
  }

  void SetValue(const Napi::CallbackInfo& info, const Napi::Value& v) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return;
    if (!v.IsNumber()) {
      ThrowType(env, "Counter.value must be a number");
      return;
    }
    ptr_->value = v.As<Napi::Number>().Int32Value();
  }

  bench::Counter* ptr_ = nullptr;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("add", Napi::Function::New<Add>(env, "add"));
  exports.Set("cAdd", Napi::Function::New<CAdd>(env, "cAdd"));
  exports.Set("hypot2", Napi::Function::New<Hypot2>(env, "hypot2"));
  exports.Set("over", Napi::Function::New<Over>(env, "over"));
  exports.Set("liveCounters", Napi::Function::New<LiveCounters>(env, "liveCounters"));
  exports.Set("sumCallback", Napi::Function::New<SumCallback>(env, "sumCallback"));
  exports.Set("Counter", Counter::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(handwritten, Init)
