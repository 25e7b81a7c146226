// headers-test/rollback.h — a header first included by an input that fails (test/session.test.ts): it must stay usable.
#pragma once
#include <deque>

namespace rollback {
inline int tripled(int x) { return x * 3; }
template <class T>
T doubled(T x) { return x + x; }
struct Counter {
  int n = 0;
  int bump() { return ++n; }
};
inline std::deque<int> countdown(int from) {
  std::deque<int> out;
  for (int i = from; i > 0; --i) out.push_back(i);
  return out;
}
}  // namespace rollback
