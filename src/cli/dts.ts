// src/cli/dts.ts — `cppjit dts <headers...> [-I dir] [-o out.d.ts] [--scope ns] [--instantiate T<args>]`.
import * as fs from 'node:fs';
import * as path from 'node:path';

const USAGE = 'usage: cppjit dts <headers...> [-I dir]... [-o out.d.ts] [--scope ns]... [--instantiate \'ns::T<args>\']...';

export interface DtsArgs {
  headers: string[];
  includeDirs: string[];
  out: string | null;
  scopes: string[];
  instantiate: string[];
}

export function parseArgs(argv: string[]): DtsArgs {
  const a: DtsArgs = { headers: [], includeDirs: [], out: null, scopes: [], instantiate: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new TypeError(`${arg} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (arg === '-I') a.includeDirs.push(value());
    else if (arg.startsWith('-I') && arg.length > 2) a.includeDirs.push(arg.slice(2));
    else if (arg === '-o' || arg === '--out') a.out = value();
    else if (arg === '--scope') a.scopes.push(value());
    else if (arg === '--instantiate') a.instantiate.push(value());
    else if (arg.startsWith('-')) throw new TypeError(`unknown option ${arg}\n${USAGE}`);
    else a.headers.push(arg);
  }
  if (!a.headers.length) throw new TypeError(`no header given\n${USAGE}`);
  return a;
}

/** Runs the command; returns the exit code. */
export function main(argv: string[]): number {
  let args: DtsArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`cppjit dts: ${(e as Error).message}`);
    return 2;
  }
  // What the headers declare is the difference between before and after including them, so the
  // standard headers must not be preloaded from the precompiled-header cache in this process.
  process.env.CPPJIT_CACHE_DIR = '/dev/null/cppjit-dts-no-cache';
  const cppyy = require('../index').default as typeof import('../index').default;
  const { generateDeclarations, snapshot } = require('../dts/generate') as typeof import('../dts/generate');
  const { CppCompileError } = require('../errors') as typeof import('../errors');
  const started = Date.now();
  try {
    for (const dir of args.includeDirs) cppyy.addIncludePath(dir);
    // The baseline holds what the thunk prelude brings in, its string/optional half included.
    cppyy.include(path.join(__dirname, '..', '..', 'native', 'prelude', 'cppjit_prelude_std.hpp'));
    const baseline = snapshot();
    for (const h of args.headers) cppyy.include(/^<.*>$/.test(h) || path.isAbsolute(h) || !fs.existsSync(h) ? h : path.resolve(h));
    const text = generateDeclarations({ baseline, scopes: args.scopes, instantiate: args.instantiate, headers: args.headers });
    if (args.out) {
      fs.writeFileSync(args.out, text);
      const count = (text.match(/^export /gm) ?? []).length;
      console.error(`cppjit dts: wrote ${args.out} (${count} declarations, ${Date.now() - started} ms)`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  } catch (e) {
    console.error(`cppjit dts: ${e instanceof CppCompileError ? e.message : (e as Error).stack ?? String(e)}`);
    return 1;
  }
}
