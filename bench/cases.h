// bench/cases.h — the C++ that every benchmarked binding calls
#pragma once
extern "C" int c_add(int a, int b);            // a C function (koffi case)
namespace bench {
  int add(int a, int b);
  double hypot2(double a, double b);           // a*a + b*b
  int over(int a);                             // returns a + 1
  double over(double a);                       // returns a * 2
  const char* over(const char* s);             // returns s
  struct Counter {
    int value = 0;
    Counter();
    explicit Counter(int start);
    ~Counter();
    int inc(int by);                          // value += by; return value
  };
  extern long live_counters;                  // incremented by ctors, decremented by dtor
  int sum_callback(int n, int (*f)(int));     // f(0) + f(1) + ... + f(n - 1): C++ calling back into JS
  struct Source {                              // extended by a JS class in the 'virtual' case
    virtual ~Source() = default;
    virtual int value(int i) const = 0;
  };
  int sum_virtual(const Source& s, int n);     // s.value(0) + ... + s.value(n - 1): virtual calls into a JS override
}
