// bench/cases.cpp — out-of-line definitions of the benchmarked C++ (built into libbenchcases.so)
#include "cases.h"

extern "C" int c_add(int a, int b) { return a + b; }

namespace bench {
  long live_counters = 0;

  int add(int a, int b) { return a + b; }
  double hypot2(double a, double b) { return a * a + b * b; }
  int over(int a) { return a + 1; }
  double over(double a) { return a * 2; }
  const char* over(const char* s) { return s; }

  Counter::Counter() { ++live_counters; }
  Counter::Counter(int start) : value(start) { ++live_counters; }
  Counter::~Counter() { --live_counters; }
  int Counter::inc(int by) { value += by; return value; }

  int sum_callback(int n, int (*f)(int)) {
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += f(i);
    return sum;
  }

  int sum_virtual(const Source& s, int n) {
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += s.value(i);
    return sum;
  }
}
