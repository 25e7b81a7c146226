// examples/demo.mjs — a short tour: include a header and <vector>/<string>, then call real C++.
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import cppyy from 'cppjit';

const started = performance.now();
cppyy.include('<vector>');
cppyy.include('<string>');
cppyy.include(fileURLToPath(new URL('./geometry.h', import.meta.url)));
const { geo, std } = cppyy.gbl;

const a = new geo.Point(3, 4);
const b = new geo.Point(0, 0);
console.log('point:', inspect(a), 'norm =', a.norm());
console.log('distance(a, b) =', geo.distance(a, b));

const shape = geo.largest(1, 2, 3); // returns Shape*, arrives as its dynamic class
console.log('largest shape:', shape.name(), 'area', shape.area().toFixed(3), 'is Rect:', shape instanceof geo.Rect);
cppyy.ll.own(shape).delete();

console.log('std::to_string(2.5) =', std.to_string(2.5));
cppyy.cppdef(`
  #include <numeric>
  double sumSquares(int n) {
    std::vector<double> v(n);
    std::iota(v.begin(), v.end(), 1.0);
    return std::inner_product(v.begin(), v.end(), v.begin(), 0.0);
  }`);
console.log('sumSquares(10) (a std::vector inside C++) =', cppyy.gbl.sumSquares(10));
console.log('sizeof(geo::Point) =', cppyy.sizeof(geo.Point), '| Unit.Foot =', geo.Unit.Foot);

try {
  geo.checkedSqrt(-1);
} catch (e) {
  console.log(`C++ exception -> ${e.name}: ${e.cppType}: ${e.what}`);
}
try {
  cppyy.cppdef('int oops = ;');
} catch (e) {
  console.log(`bad C++ -> ${e.name}: ${e.diagnostics[0].message}`);
}
console.log(`done in ${(performance.now() - started).toFixed(0)} ms`);
