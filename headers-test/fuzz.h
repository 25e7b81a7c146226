// headers-test/fuzz.h — what test/fuzz.test.ts's children define before feeding malformed C++:
// functions whose call wrappers are compiled only after a fuzzed input (one per usability check),
// one called before any input (its wrapper already compiled), and a class.
#pragma once

namespace fzb {

// Called once before the first input: afterwards its wrapper must keep working.
inline int base() { return 4242; }

// f0 .. f99 return their number; a usability check calls one not called before (its wrapper is
// compiled then, after the fuzzed input).
#define FZB_F(n) inline int f##n() { return n; }
#define FZB_TEN(t) FZB_F(t##0) FZB_F(t##1) FZB_F(t##2) FZB_F(t##3) FZB_F(t##4) FZB_F(t##5) FZB_F(t##6) FZB_F(t##7) FZB_F(t##8) FZB_F(t##9)
FZB_F(0) FZB_F(1) FZB_F(2) FZB_F(3) FZB_F(4) FZB_F(5) FZB_F(6) FZB_F(7) FZB_F(8) FZB_F(9)
FZB_TEN(1) FZB_TEN(2) FZB_TEN(3) FZB_TEN(4) FZB_TEN(5) FZB_TEN(6) FZB_TEN(7) FZB_TEN(8) FZB_TEN(9)
#undef FZB_TEN
#undef FZB_F

struct Probe {
  int v;
  explicit Probe(int v) : v(v) {}
  int twice() const { return 2 * v; }
};

}  // namespace fzb
