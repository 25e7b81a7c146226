// test/libraries.test.ts — real Debian libraries through templates: nlohmann-json, Eigen, fmt.
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy, { CppError } from '../esm/index.mjs';
import { fixture } from './helpers';

let gbl: any;
beforeAll(() => {
  cppyy.addIncludePath('/usr/include/eigen3');
  cppyy.include(fixture('libraries.h'));
  gbl = cppyy.gbl;
}, 60_000);

describe('nlohmann-json', () => {
  it('parses, indexes and dumps through its templates', () => {
    const json = gbl.nlohmann.json;
    const j = json.parse('{"a": [1, 2, 3], "b": "text", "n": 4.5}');
    expect(j.size()).toBe(3);
    expect(j.dump()).toBe('{"a":[1,2,3],"b":"text","n":4.5}');
    expect(j.at('a').size()).toBe(3);
    expect(j['operator[]']('b').dump()).toBe('"text"');
    expect(j.at('n').get['double']()).toBe(4.5);
    expect(j.contains('a')).toBe(true);
    expect(j.contains('zz')).toBe(false);
    // The default constructor takes std::nullptr_t = nullptr.
    const empty = new json();
    expect(empty.dump()).toBe('null');
    expect(new json(null).dump()).toBe('null');
    expect(new json('s').dump()).toBe('"s"');
    const config = gbl.libs.make_config('cppjit', 3);
    expect(config.dump()).toBe('{"level":3,"name":"cppjit","tags":["a","b"]}');
  });

  it('reports its exceptions with their own types', () => {
    let error: CppError | undefined;
    try {
      gbl.nlohmann.json.parse('{bad');
    } catch (e) {
      error = e as CppError;
    }
    expect(error).toBeInstanceOf(CppError);
    expect(error!.cppType).toMatch(/^nlohmann::(json_abi_v[\d_]+::)?detail::parse_error$/);
    expect(error!.what).toMatch(/parse error/);
  });
});

describe('Eigen', () => {
  it('computes through a header function and through its class templates directly', () => {
    expect(gbl.libs.determinant3([1, 2, 3, 0, 1, 4, 5, 6, 0])).toBeCloseTo(1);
    const Matrix2d = gbl.Eigen.Matrix['double, 2, 2'];
    const m = new Matrix2d();
    m.setIdentity();
    expect([m.rows(), m.cols(), m.trace(), m.determinant()]).toEqual([2, 2, 2, 1]);
    const Vector3d = gbl.Eigen.Matrix['double, 3, 1'];
    const x = new Vector3d(1, 0, 0);
    const y = new Vector3d(0, 1, 0);
    const z = gbl.libs.cross(x, y);
    expect([z.x(), z.y(), z.z()]).toEqual([0, 0, 1]);
  });

  it('evaluates operator expressions (expression templates) into matrices; inspect prints them', () => {
    const { Matrix2d, Vector2d } = gbl.Eigen;
    const m = new Matrix2d();
    m.setConstant(2);
    const product = new Matrix2d(m['operator*'](m));
    expect(product.sum()).toBe(32);
    expect(new Matrix2d(m['operator+'](m)).sum()).toBe(16);
    expect(new Matrix2d(m['operator*'](3)).sum()).toBe(24);
    expect(new Vector2d(m['operator*'](new Vector2d(1, 2))).sum()).toBe(12);
    expect(inspect(product)).toBe('Eigen::Matrix<double, 2, 2> "8 8\\n8 8"');
  });

  it('accepts code that uses it through cppdef', () => {
    cppyy.cppdef(`namespace eig { inline double norm2(double a, double b) { Eigen::Vector2d v(a, b); return v.squaredNorm(); } }`);
    expect(gbl.eig.norm2(3, 4)).toBe(25);
  });
});

describe('fmt', () => {
  it('formats through a header function and cppdef', () => {
    expect(gbl.libs.greet('world', 3)).toBe('hello world x3');
    cppyy.cppdef(`namespace fmtx { inline std::string pad(int n) { return fmt::format("[{:>5}]", n); } }`);
    expect(gbl.fmtx.pad(42)).toBe('[   42]');
  });
});
