// examples/containers.mjs — standard containers from JS: vectors, maps, strings, and how they print.
import { inspect } from 'node:util';
import cppyy from 'cppjit';

cppyy.include('<vector>');
cppyy.include('<map>');
cppyy.include('<algorithm>');
const { std } = cppyy.gbl;

const v = new std.vector['int']();
for (const x of [5, 3, 9, 1]) v.push_back(x);
cppyy.cppdef('void sortInts(std::vector<int>& v) { std::sort(v.begin(), v.end()); }');
cppyy.gbl.sortInts(v);
console.log('sorted:', [...v], 'size', v.size(), 'front', v.front());
console.log(inspect(v));

const ages = new std.map['std::string, int']();
ages.set('ada', 36).set('alan', 41);
for (const [name, age] of ages) console.log(`${name} is ${age}`);
console.log('has ada:', ages.has('ada'), '| inspect:', inspect(ages));

// JS arrays and objects stand where C++ takes braced initializers and maps.
const primes = new std.set['int']([7, 2, 5, 2, 3]);
console.log('set from an array:', [...primes]);
const scores = new std.map['std::string, int']({ bob: 3, amy: 5 });
console.log('map from an object:', inspect(scores));
cppyy.cppdef('int longest(const std::vector<std::string>& words) { int n = 0; for (auto& w : words) n = std::max<int>(n, w.size()); return n; }');
console.log('longest word:', cppyy.gbl.longest(['a', 'abc', 'ab']));
