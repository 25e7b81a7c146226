// headers-test/mathlib.h — declarations only: the definitions live in libcppjittest.so (loadLibrary tests).
#pragma once
extern "C" int c_triple(int x);
namespace mathlib {
int gcd(int a, int b);
double mean(double a, double b, double c = 0.0);
extern int calls;
}
