// esm/index.mjs — the ES module entry point: the same API object as the CommonJS build.
import api from '../dist/cppjit.js';

export default api.default ?? api;
const cppyy = api.default ?? api;
export const { include, addIncludePath, loadLibrary, cppdef, cppexec, evaluate, macro, sizeof, typeName, info, nullptr, ll,
  CppError, CppCompileError, CppSignalError } = cppyy;
export const { CppPointer, CppInstance } = api;
/** The global C++ namespace (lazy: the interpreter starts on first use). */
export let gbl;
gbl = new Proxy({}, {
  get: (_t, k) => cppyy.gbl[k],
  set: (_t, k, v) => { cppyy.gbl[k] = v; return true; },
  has: (_t, k) => k in cppyy.gbl,
  ownKeys: () => Reflect.ownKeys(cppyy.gbl),
  getOwnPropertyDescriptor: (_t, k) => {
    const d = Reflect.getOwnPropertyDescriptor(cppyy.gbl, k);
    return d && { ...d, configurable: true };
  },
});
