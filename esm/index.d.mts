// esm/index.d.mts — types of the ES module entry point (the same API as the CommonJS build).
import api from '../dist/index.js';
export default api;
export * from '../dist/index.js';
