// bench/cinterop/cfuncs.h — the C functions of the C-interop benchmark (structs by value, arrays through pointers)
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
typedef struct cvec { double x, y; } cvec;
int c_add3(int a, int b, int c);
double c_vec_dot(cvec a, cvec b);
cvec c_vec_add(cvec a, cvec b);
double c_sum(const double* p, int n);
#ifdef __cplusplus
}
#endif
