/* bench/cinterop/cfuncs.c — C implementations for the C-interop benchmark (built into libbenchc.so) */
#include "cfuncs.h"
int c_add3(int a, int b, int c) { return a + b + c; }
double c_vec_dot(cvec a, cvec b) { return a.x * b.x + a.y * b.y; }
cvec c_vec_add(cvec a, cvec b) { cvec r = {a.x + b.x, a.y + b.y}; return r; }
double c_sum(const double* p, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += p[i];
  return s;
}
