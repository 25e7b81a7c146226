// src/native.ts — loads the addon and starts the interpreter on first use (one per process, shared by every JS thread).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { CppCompileError, CppError, CppSignalError, missingHeaderHint } from './errors';
import { recordRun, recordedSequence } from './headercache';
import type { NativeAddon, StartOptions } from './types';

const packageRoot = path.join(__dirname, '..');

let addon: NativeAddon | undefined;
let scratch: Float64Array | undefined;

// Loaded when first needed (it rarely is): loading it costs ~3 ms of every start.
function childProcess(): typeof import('node:child_process') {
  return require('node:child_process') as typeof import('node:child_process');
}

/** Where a prebuilt addon for this platform lives in the package (scripts/prebuild.mjs makes it). */
const prebuildDir = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
/** The addon built from source (node-gyp), when there is one; it wins over the prebuilt one. */
const builtAddon = path.join(packageRoot, 'build', 'Release', 'cppjit.node');

/** The addon file this process loads: CPPJIT_ADDON, else one built from source, else the prebuilt one. */
function addonFile(): string | null {
  if (process.env.CPPJIT_ADDON) return path.resolve(process.env.CPPJIT_ADDON);
  if (existsSync(builtAddon)) return builtAddon;
  const prebuilt = path.join(prebuildDir, 'cppjit.node');
  return existsSync(prebuilt) ? prebuilt : null;
}

function resourceDir(): string {
  // A prebuilt addon carries the builtin headers (stddef.h, intrinsics) of the Clang it was built with.
  const bundled = path.join(prebuildDir, 'clang');
  if (addonFile()?.startsWith(prebuildDir) && existsSync(path.join(bundled, 'include', 'stddef.h'))) return bundled;
  const conventional = '/usr/lib/llvm-19/lib/clang/19';
  if (existsSync(conventional)) return conventional;
  for (const tool of [process.env.LLVM_CONFIG, 'llvm-config-19'].filter(Boolean) as string[]) {
    try {
      const { execFileSync } = childProcess();
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

/** CPPJIT_CACHE_DIR, else $XDG_CACHE_HOME/cppjit, else ~/.cache/cppjit. */
export function cacheDirectory(): string {
  if (process.env.CPPJIT_CACHE_DIR) return path.resolve(process.env.CPPJIT_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME;
  // The XDG base directory spec says to ignore a relative path.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'cppjit');
  return path.join(os.homedir(), '.cache', 'cppjit');
}

let headerSequence: string[] | undefined;

/** The interpreter's options, from the environment. */
export function startOptions(): StartOptions {
  const cacheDir = cacheDirectory();
  // Read once: prestart and start must agree (addon.cc compares the options).
  headerSequence ??= isMainThread ? recordedSequence(cacheDir) : [];
  return {
    resourceDir: resourceDir(),
    std: process.env.CPPJIT_STD || 'c++20',
    extraArgs: splitArgs(process.env.CPPJIT_EXTRA_ARGS),
    includePaths: [],
    prelude: path.join(packageRoot, 'native', 'prelude', 'cppjit_prelude.hpp'),
    cacheDir,
    headerSequence,
  };
}

/** The addon's functions, without starting the interpreter. */
export function loadAddon(): NativeAddon {
  const file = addonFile();
  if (!file) {
    throw new Error(`cppjit: no native addon for ${process.platform}-${process.arch} (neither ${path.join(prebuildDir, 'cppjit.node')} ` +
      `nor ${builtAddon}); build it from source with: npx cppjit build-from-source`);
  }
  return require(file) as NativeAddon;
}

// Building the precompiled header takes about a second: this process goes on without it, and the
// build runs in a process of its own, which outlives this one (and a Ctrl-C sent to it). The user
// headers' build (`sequence`) starts at exit, at low priority.
function buildInBackground(options: StartOptions, sequence?: string[]): void {
  const debug = Boolean(process.env.CPPJIT_DEBUG);
  const args = [path.join(__dirname, 'pch-build.js'), JSON.stringify(options)];
  if (sequence) args.push('--headers', JSON.stringify(sequence));
  try {
    const child = childProcess().spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', 'ignore', debug ? 'inherit' : 'ignore'],
    });
    child.on('error', (e) => {
      if (debug) console.error(`cppjit: cannot start the precompiled header build: ${e.message}`);
    });
    try {
      if (sequence && child.pid) os.setPriority(child.pid, 10);
    } catch {
      // not every runtime can (the build then runs at normal priority)
    }
    child.unref();
  } catch (e) {
    if (debug) console.error(`cppjit: cannot start the precompiled header build: ${(e as Error).message}`);
  }
}

/**
 * The namespace for C++ that this JS thread generates under names from its own counters (helpers,
 * JS-derived classes): every thread (main, each worker) shares the one interpreter, so each needs its own.
 */
export function generatedNamespace(base: string): string {
  return threadId === 0 ? base : `${base}_t${threadId}`;
}

/**
 * Loads the addon and has it start the interpreter on a thread of its own, while this thread loads
 * the rest of cppjit's modules (the core bundle, ~10 ms). The first use adopts that interpreter,
 * or starts another when the environment changed meanwhile (CPPJIT_EXTRA_ARGS set after loading
 * cppjit). CPPJIT_PRESTART=0 starts it on first use only. Errors wait for that first use too.
 */
export function prestart(): void {
  if (addon || !isMainThread || process.env.CPPJIT_PRESTART === '0') return;
  try {
    const loaded = loadAddon() as NativeAddon & { startedScratch?: Float64Array };
    if (!loaded.startedScratch) loaded.prestart(startOptions());
  } catch {
    // reported by native() on first use
  }
}

/** The addon, with its interpreter started (or joined, when another JS thread started it). */
export function native(): NativeAddon {
  if (addon) return addon;
  const loaded = loadAddon() as NativeAddon & { startedScratch?: Float64Array };
  // Started once per env, even if this module is loaded twice (two copies of the package, or the
  // ESM and CommonJS builds through different loaders); the process has one interpreter anyway.
  if (loaded.startedScratch) {
    scratch = loaded.startedScratch;
    addon = loaded;
    fastCalls();
    return loaded;
  }
  loaded.setErrorClasses(CppError, CppCompileError, CppSignalError);
  const options = startOptions();
  try {
    scratch = loaded.start(options);
  } catch (e) {
    // The interpreter's own first input includes standard headers: say what to install when they are missing.
    if (e instanceof Error && !(e instanceof CppCompileError)) e.message += missingHeaderHint(e.message);
    throw e;
  }
  loaded.startedScratch = scratch;
  const pch = loaded.precompiledHeader();
  if (process.env.CPPJIT_DEBUG) console.error(`cppjit: precompiled header: ${pch.detail}`);
  if (pch.shouldBuild) buildInBackground(options);
  if (process.env.CPPJIT_DEBUG && options.headerSequence?.length) console.error(`cppjit: precompiled user headers: ${loaded.headerCache().detail}`);
  // Only the main thread's run is recorded; the std PCH must exist for a user one to chain on.
  if (isMainThread && pch.path) {
    process.on('exit', () => recordRun(loaded.headerCache(), options.cacheDir, (sequence) => buildInBackground(options, sequence)));
  }
  addon = loaded;
  interleaveOutput(loaded);
  // A JS callback's exception that a C++ thread had no handler for is raised here as uncaught;
  // one delivered while the event loop had nothing left to do is raised before exit.
  process.on('beforeExit', () => loaded.raiseUncaught());
  fastCalls(); // before the first compile: fast entries are compiled with the thunks
  return loaded;
}

/** The fast-call addon (native/fast/) as loaded for this JS thread, with the views its callers read. */
export interface FastCalls {
  /** A function V8's optimised code calls as the C entry at `address`; otherwise it calls `slow`. */
  make(slow: Function, address: number, result: string, params: string): Function;
  /** A reader of one value of a numeric kind ('i32', 'f64', 'bool'...) at an address; otherwise `slow`. */
  peek(kind: string, slow: Function): Function;
  /** Nonzero while no call may take the fast path (C++ holds JS functions; signals are guarded). */
  gate: Int32Array;
  /** Nonzero after a fast entry caught a C++ exception, which rethrow() throws. */
  failure: Int32Array;
  rethrow(): never;
}

let fast: FastCalls | null | undefined;
const FAST_CALL_V8 = ['11.3.', '12.4.', '13.6.'];

/**
 * V8 fast calls, when this runtime has them: Node with the V8 the fast addon was built for (it uses
 * V8's C++ API, so Bun, Deno and other V8 versions go through Node-API only). CPPJIT_FAST_CALLS=0
 * turns them off.
 */
export function fastCalls(): FastCalls | null {
  if (fast !== undefined) return fast;
  fast = null;
  const versions = process.versions as Record<string, string | undefined>;
  if (process.env.CPPJIT_FAST_CALLS === '0' || !versions.v8 || versions.bun || 'Deno' in globalThis) return null;
  // The V8 versions native/fast/ has the fast-call types of (it checks again once loaded).
  if (!FAST_CALL_V8.some((v) => versions.v8!.startsWith(v))) return null;
  // The package has one per supported V8 (scripts/prebuild.mjs); a build from source, one for this Node.
  const main = addonFile();
  const v8 = versions.v8.split('.').slice(0, 2).join('.');
  const file = main && [`cppjit_fast-v8-${v8}.node`, 'cppjit_fast.node'].map((f) => path.join(path.dirname(main), f)).find((f) => existsSync(f));
  if (!file) return null;
  try {
    const m = require(file) as { available: boolean; v8: string; make: FastCalls['make']; peek: FastCalls['peek'] };
    if (!m.available || !versions.v8.startsWith(`${m.v8}.`)) return null;
    const loaded = native();
    const support = loaded.fastSupport();
    fast = { make: m.make, peek: m.peek, gate: new Int32Array(support.gate), failure: new Int32Array(support.failure), rethrow: loaded.fastRethrow };
  } catch (e) {
    if (process.env.CPPJIT_DEBUG) console.error(`cppjit: fast calls unavailable: ${(e as Error).message}`);
  }
  return fast;
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
