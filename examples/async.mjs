// examples/async.mjs — fn.async: C++ calls on the libuv thread pool, and C++ threads calling back into JS.
import cppyy from 'cppjit';

cppyy.cppdef(`
  #include <chrono>
  #include <cmath>
  #include <stdexcept>
  #include <thread>
  #include <vector>
  namespace ex {
    // A slow computation: the number of primes below n.
    int primesBelow(int n) {
      int count = 0;
      for (int i = 2; i < n; ++i) {
        bool prime = true;
        for (int d = 2; d * d <= i; ++d) if (i % d == 0) { prime = false; break; }
        count += prime;
      }
      return count;
    }
    double slowSqrt(double x) {
      if (x < 0) throw std::domain_error("negative input");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return std::sqrt(x);
    }
    // Threads this C++ starts call a JS function pointer.
    int parallelSum(int (*work)(int), int threads) {
      std::vector<int> parts(threads);
      std::vector<std::thread> pool;
      for (int i = 0; i < threads; ++i) pool.emplace_back([&, i] { parts[i] = work(i); });
      for (auto& t : pool) t.join();
      int sum = 0;
      for (int p : parts) sum += p;
      return sum;
    }
  }
`);
const { ex } = cppyy.gbl;

// Four slow calls at once: they overlap on the pool while this thread keeps running timers.
let ticks = 0;
const timer = setInterval(() => ticks++, 10);
let started = performance.now();
const roots = await Promise.all([1, 4, 9, 16].map((x) => ex.slowSqrt.async(x)));
clearInterval(timer);
console.log(`roots ${roots.join(', ')} in ${Math.round(performance.now() - started)} ms (not 400), ${ticks} timer ticks meanwhile`);

started = performance.now();
console.log(`primes below 2e6: ${await ex.primesBelow.async(2_000_000)} (${Math.round(performance.now() - started)} ms off the main thread)`);

// A C++ exception rejects the promise with a CppError.
try {
  await ex.slowSqrt.async(-1);
} catch (e) {
  console.log(`rejected: ${e.constructor.name} ${e.cppType}: ${e.what}`);
}

// C++ threads call a JS function: each call runs on the main thread while its thread waits.
const sum = await ex.parallelSum.async((i) => {
  console.log(`  work(${i}) called back from a C++ thread`);
  return i * 10;
}, 4);
console.log(`parallelSum: ${sum}`);
