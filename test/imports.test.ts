// test/imports.test.ts — src/'s dependencies point one way: API → proxy → convert → object registry → native, with no import cycle.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../src');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Every relative import of each module (type-only ones too: a cycle of types is a cycle of design). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(root)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const target = resolve(dirname(file), m[1]);
      targets.push(relative(root, target.endsWith('.ts') ? target : `${target}.ts`));
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

// Lower layers never import higher ones. The API (index.ts, ll.ts, the REPL and CLI) is on top.
const LAYERS: [RegExp, number, string][] = [
  [/^(native|types|errors|prestart|pch-build|headercache)\.ts$/, 0, 'native'],
  [/^objects\//, 1, 'object registry'],
  [/^cache\//, 1, 'caches'],
  [/^convert\//, 2, 'convert'],
  [/^proxy\//, 3, 'proxy'],
  [/./, 4, 'API'],
];

function layerOf(module: string): [number, string] {
  const [, rank, name] = LAYERS.find(([pattern]) => pattern.test(module))!;
  return [rank, name];
}

describe('src/ imports', () => {
  const graph = importGraph();

  it('finds the modules and their imports', () => {
    expect(graph.size).toBeGreaterThan(30);
    expect(graph.get('proxy/functions.ts')).toContain('convert/invoke.ts');
  });

  it('point down the layers', () => {
    const upward: string[] = [];
    for (const [module, targets] of graph) {
      const [rank, name] = layerOf(module);
      for (const target of targets) {
        const [targetRank, targetName] = layerOf(target);
        if (targetRank > rank) upward.push(`${module} (${name}) imports ${target} (${targetName})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('form no cycle', () => {
    // Depth-first search; a module met again while still on the path closes a cycle.
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (module: string) => {
      state.set(module, 'open');
      path.push(module);
      for (const target of graph.get(module) ?? []) {
        if (state.get(target) === 'open') cycles.push([...path.slice(path.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(module, 'done');
    };
    for (const module of graph.keys()) if (!state.has(module)) visit(module);
    expect(cycles).toEqual([]);
  });
});
