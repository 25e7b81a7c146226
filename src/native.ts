// src/native.ts — loads the addon and starts the interpreter on first use (one per process).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CppCompileError, CppError } from './errors';
import type { NativeAddon } from './types';

const packageRoot = path.join(__dirname, '..');

let addon: NativeAddon | undefined;
let scratch: Float64Array | undefined;

function resourceDir(): string {
  const conventional = '/usr/lib/llvm-19/lib/clang/19';
  if (existsSync(conventional)) return conventional;
  for (const tool of [process.env.LLVM_CONFIG, 'llvm-config-19'].filter(Boolean) as string[]) {
    try {
      const libdir = execFileSync(tool, ['--libdir'], { encoding: 'utf8' }).trim();
      const version = execFileSync(tool, ['--version'], { encoding: 'utf8' }).trim().split('.')[0];
      const dir = path.join(libdir, 'clang', version);
      if (existsSync(dir)) return dir;
    } catch {
      // next
    }
  }
  throw new Error('cppjit: cannot find Clang 19\'s resource directory; install clang-19 (npm run setup)');
}

function splitArgs(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The addon, with its interpreter started. */
export function native(): NativeAddon {
  if (addon) return addon;
  const file = path.join(packageRoot, 'build', 'Release', 'cppjit.node');
  if (!existsSync(file)) throw new Error(`cppjit: the native addon is not built (${file}); run npm install`);
  const loaded = require(file) as NativeAddon & { startedScratch?: Float64Array };
  // One interpreter per process, even if this module is loaded twice (two copies of the package,
  // or the ESM and CommonJS builds through different loaders).
  if (loaded.startedScratch) {
    scratch = loaded.startedScratch;
    addon = loaded;
    return loaded;
  }
  loaded.setErrorClasses(CppError, CppCompileError);
  scratch = loaded.start({
    resourceDir: resourceDir(),
    std: process.env.CPPJIT_STD || 'c++20',
    extraArgs: splitArgs(process.env.CPPJIT_EXTRA_ARGS),
    includePaths: [],
    prelude: path.join(packageRoot, 'native', 'prelude', 'cppjit_prelude.hpp'),
  });
  loaded.startedScratch = scratch;
  addon = loaded;
  interleaveOutput(loaded);
  return loaded;
}

/** C/C++ output (printf, std::cout) is flushed before JS writes to the same stream, and at exit. */
function interleaveOutput(loaded: NativeAddon) {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
      loaded.flushStdio();
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof stream.write;
  }
  process.on('exit', () => loaded.flushStdio());
}

/** Shared with thunks: extra results (e.g. the most-derived address of a downcast). */
export function scratchMemory(): Float64Array {
  native();
  return scratch!;
}
