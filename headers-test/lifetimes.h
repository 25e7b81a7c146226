// headers-test/lifetimes.h — construction/destruction counters shared by the object fixtures.
#pragma once
namespace lifetimes {
inline int constructed = 0;
inline int destroyed = 0;
inline void reset() { constructed = destroyed = 0; }
inline int alive() { return constructed - destroyed; }
}  // namespace lifetimes
