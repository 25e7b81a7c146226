// headers-test/headercache_other.h — test/headercache.test.ts: a second header, included first by some runs.
#pragma once

namespace hcache_other {
inline int other() { return 5; }
}  // namespace hcache_other
