// examples/callbacks.mjs — JS functions as C function pointers and std::function, C++ calling back into JS.
import cppyy from 'cppjit';

cppyy.include('<cstdlib>');
cppyy.cppdef(`
  #include <functional>
  #include <vector>
  namespace ex {
    int values[6] = {42, 7, 19, 3, 25, 11};
    int* data() { return values; }
    int at(const void* p) { return *static_cast<const int*>(p); }
    int get(int i) { return values[i]; }
    double integrate(const std::function<double(double)>& f, double a, double b, int n) {
      double h = (b - a) / n, s = 0;
      for (int i = 0; i < n; ++i) s += f(a + (i + 0.5) * h) * h;
      return s;
    }
    std::vector<std::function<void(int)>> listeners;
    void subscribe(std::function<void(int)> f) { listeners.push_back(std::move(f)); }
    void emit(int event) { for (auto& f : listeners) f(event); }
    int add(int a, int b) { return a + b; }
    int apply(int (*op)(int, int), int a, int b) { return op(a, b); }
  }`);
const { ex } = cppyy.gbl;

// libc qsort with a JS comparator (qsort's own C function-pointer type).
cppyy.gbl.qsort(ex.data(), 6, 4, (a, b) => ex.at(a) - ex.at(b));
console.log('sorted by qsort:', Array.from({ length: 6 }, (_, i) => ex.get(i)));

// std::function: doubles in, double out.
console.log('∫ x² over [0, 1] =', ex.integrate((x) => x * x, 0, 1, 1000).toFixed(6));

// C++ keeps the std::function: the JS function lives as long as C++ holds it.
ex.subscribe((event) => console.log('listener got event', event));
ex.emit(1);
ex.emit(2);

// A C++ function passes its own address; a JS exception crosses the C++ frames unchanged.
console.log('apply(add, 2, 3) =', ex.apply(ex.add, 2, 3));
const problem = new Error('rejected by JS');
try {
  ex.apply(() => { throw problem; }, 1, 2);
} catch (e) {
  console.log('caught the same error object:', e === problem);
}
