// test/docs.test.ts — runs every ```js block of docs/*.md (per page, in order); `expr; // => value` lines are assertions.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { run } from './run';

const root = fileURLToPath(new URL('..', import.meta.url));
const docsDir = path.join(root, 'docs');
// Inside the package, so that `import cppyy from 'cppjit'` resolves to this checkout (self-reference).
const workDir = path.join(root, 'test', '.docs-snippets');

/** The page's ```js blocks as one module, with `// =>` lines turned into deep-equality checks. */
export function snippetModule(markdown: string, page: string): { code: string; checks: number } {
  const lines = markdown.split('\n');
  const out: string[] = ["import { deepStrictEqual as __eq } from 'node:assert';"];
  let inBlock = false;
  let checks = 0;
  lines.forEach((line, i) => {
    if (!inBlock && /^```js\s*$/.test(line)) return void (inBlock = true);
    if (inBlock && /^```\s*$/.test(line)) return void (inBlock = false);
    if (!inBlock) return;
    const m = /^(\s*)(.+?);\s*\/\/ => (.+)$/.exec(line);
    if (m) {
      checks++;
      out.push(`${m[1]}__eq((${m[2]}), (${m[3]}), ${JSON.stringify(`${page}:${i + 1}: ${m[2]}`)});`);
    } else {
      out.push(line);
    }
  });
  // Imports may appear in any block: hoist them so the concatenation is a valid module.
  const imports = out.filter((l) => /^import .* from '[^']+';$/.test(l));
  const seen = new Set<string>();
  const body = out.filter((l) => !/^import .* from '[^']+';$/.test(l));
  const head = imports.filter((l) => !seen.has(l) && seen.add(l));
  return { code: `${head.join('\n')}\n${body.join('\n')}\n`, checks };
}

const pages = readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort();

describe('docs pages', () => {
  it('has a page per area', async () => {
    for (const p of ['loading', 'functions', 'classes', 'templates', 'stl', 'c-interop', 'memory', 'callbacks', 'errors',
      'repl', 'typescript', 'performance']) {
      expect(pages).toContain(`${p}.md`);
    }
  });

  it('turns `// =>` lines into assertions that can fail', async () => {
    const { code, checks } = snippetModule('```js\nconst a = 1;\na + 1; // => 3\n```\n', 'x.md');
    expect(checks).toBe(1);
    mkdirSync(workDir, { recursive: true });
    const file = path.join(workDir, 'self-check.mjs');
    writeFileSync(file, code);
    const r = await run(process.execPath, [file]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('x.md:3: a + 1');
  });

  for (const page of pages) {
    const markdown = readFileSync(path.join(docsDir, page), 'utf8');
    if (!/^```js\s*$/m.test(markdown)) continue;
    it(`${page}: its code runs and its results hold`, async () => {
      const { code, checks } = snippetModule(markdown, page);
      mkdirSync(workDir, { recursive: true });
      const file = path.join(workDir, page.replace(/\.md$/, '.mjs'));
      writeFileSync(file, code);
      const r = await run(process.execPath, ['--expose-gc', file]);
      expect(r.stderr + r.stdout).not.toMatch(/AssertionError|Error:/);
      expect(r.status).toBe(0);
      expect(checks).toBeGreaterThan(2);
      rmSync(file, { force: true });
    });
  }
});
