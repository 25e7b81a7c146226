// headers-test/mathlib.cpp — non-inline definitions compiled by g++ into libcppjittest.so.
#include "mathlib.h"
extern "C" int c_triple(int x) { return 3 * x; }
namespace mathlib {
int calls = 0;
int gcd(int a, int b) { ++calls; while (b) { int t = a % b; a = b; b = t; } return a; }
double mean(double a, double b, double c) { ++calls; return (a + b + c) / 3; }
}
