// test/examples.test.ts — every examples/*.mjs runs to completion, and the TypeScript example type-checks and runs.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examples = path.join(root, 'examples');
const run = (args: string[], cwd = root) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });

describe('examples', { timeout: 240_000 }, () => {
  for (const file of readdirSync(examples).filter((f) => f.endsWith('.mjs'))) {
    it(`${file} runs`, () => {
      const r = run([path.join(examples, file)]);
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }

  it('typescript/: cppjit dts, tsc --strict, then the program runs', () => {
    const dir = path.join(examples, 'typescript');
    rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    let r = run([path.join(root, 'bin', 'cppjit.mjs'), 'dts', '../geometry.h', '-o', 'geometry.d.ts'], dir);
    expect(r.stderr).toContain('wrote geometry.d.ts');
    expect(r.status).toBe(0);
    r = run([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], dir);
    expect(r.stdout + r.stderr).toBe('');
    r = run([path.join(dir, 'out', 'main.mjs')], dir);
    expect(r.stdout).toContain('norm 5, distance 5, ');
    expect(r.stdout).toContain('largest area');
    expect(r.status).toBe(0);
  });
});
