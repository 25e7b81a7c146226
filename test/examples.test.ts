// test/examples.test.ts — every examples/*.mjs runs to completion, and the TypeScript example type-checks and runs.
import { describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as spawnRun } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = path.join(root, 'examples');
const run = (args: string[], cwd = root) => spawnRun(process.execPath, args, { cwd });

describe('examples', { timeout: 240_000 }, () => {
  for (const file of readdirSync(examples).filter((f) => f.endsWith('.mjs'))) {
    it(`${file} runs`, async () => {
      const r = await run([path.join(examples, file)]);
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }

  it('typescript/: cppjit dts, tsc --strict, then the program runs', async () => {
    const dir = path.join(examples, 'typescript');
    rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    let r = await run([path.join(root, 'bin', 'cppjit.mjs'), 'dts', '../geometry.h', '-o', 'geometry.d.ts'], dir);
    expect(r.stderr).toContain('wrote geometry.d.ts');
    expect(r.status).toBe(0);
    r = await run([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], dir);
    expect(r.stdout + r.stderr).toBe('');
    r = await run([path.join(dir, 'out', 'main.mjs')], dir);
    expect(r.stdout).toContain('norm 5, distance 5, ');
    expect(r.stdout).toContain('largest area');
    expect(r.status).toBe(0);
  });
});
