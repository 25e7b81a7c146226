// examples/typescript/main.mts — typed C++ from TypeScript: geometry.d.ts (from `cppjit dts ../geometry.h`) is listed in tsconfig.json.
import cppyy from 'cppjit';
import { fileURLToPath } from 'node:url';

// Runs as out/main.mjs: examples/geometry.h is two directories up.
cppyy.include(fileURLToPath(new URL('../../geometry.h', import.meta.url)));
const { geo } = cppyy.gbl;
const a = new geo.Point(3, 4);
const d: number = geo.distance(a, new geo.Point(0, 0));
const text: string = geo.describe([1, 2, 3]);
console.log(`norm ${a.norm()}, distance ${d}, ${text}`);
const shape = geo.largest(1, 2, 3);
if (shape) console.log(`largest area ${shape.area().toFixed(2)}`);
