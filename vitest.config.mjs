// vitest.config.mjs — each suite in its own forked process (one crash fails one file), GC exposed, the PCH built first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/pch-setup.mjs'],
    setupFiles: ['test/yield-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'], maxForks: 2, minForks: 1 } },
    // Load the built package through Node itself, as users do (one module instance for ESM and CJS).
    server: { deps: { external: [/\/dist\//, /\/esm\//] } },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
