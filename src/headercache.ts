// src/headercache.ts — which user headers' precompiled header a run starts on, and having the next one built after it.
//
// A run's leading include sequence (its addIncludePath/include calls before any other use) is
// recorded per script at exit; the next run of that script starts on the precompiled header of
// that sequence, built meanwhile in a background process (reflex/src/headers.cpp checks it by
// content; addon.cc restarts without it when the run includes something else first).
// `precompile()` writes the machine's default record, used by scripts that have none yet.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the addon reports about the user headers' PCH (native headerCache()). */
export interface HeaderCacheReport {
  path: string | null;
  detail: string;
  sequence: string[];
  pending: boolean;
  leading: string[];
  leadingOpen: boolean;
  leadingMs: number;
}

/** CPPJIT_HEADER_CACHE=0 turns the user headers' cache off. */
export function headerCacheEnabled(): boolean {
  return process.env.CPPJIT_HEADER_CACHE !== '0';
}

/** A leading sequence that parsed faster than this is not worth a precompiled header (loading one costs ~50 ms). */
function minimumMs(): number {
  const v = Number(process.env.CPPJIT_HEADER_CACHE_MIN_MS);
  return Number.isFinite(v) && v >= 0 ? v : 150;
}

/** The script this process runs (the REPL and `node -e` have one record each), with its directory. */
function runIdentity(): string {
  let script = process.argv[1] ?? '<no script>';
  try {
    script = realpathSync(script);
  } catch {
    // a name that is not a file: keep it
  }
  return `${process.cwd()}\0${script}`;
}

function recordFile(cacheDir: string, name: string): string {
  return path.join(cacheDir, 'runs', `${name}.json`);
}

// Two 32-bit FNV-1a hashes with different offsets: a file name, not a security boundary (node:crypto
// would add milliseconds to every start).
function nameOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function ownRecord(cacheDir: string): string {
  return recordFile(cacheDir, nameOf(runIdentity()));
}

function readSequence(file: string): string[] | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { sequence?: unknown };
    const seq = parsed.sequence;
    if (Array.isArray(seq) && seq.length > 0 && seq.every((a) => typeof a === 'string' && /^[IH]:/.test(a))) return seq as string[];
  } catch {
    // missing or damaged: none
  }
  return null;
}

/** The sequence this run starts speculating on: its own record, else the machine's default (precompile). */
export function recordedSequence(cacheDir: string): string[] {
  if (!headerCacheEnabled() || !cacheDir) return [];
  return readSequence(ownRecord(cacheDir)) ?? readSequence(recordFile(cacheDir, 'default')) ?? [];
}

/** Written whole or not at all (a rename), readable by this user only. */
function writeRecord(file: string, sequence: string[]): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ sequence }), { mode: 0o600 });
  renameSync(temporary, file);
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * At exit: when this run's leading includes were slow to parse and not what it loaded, they become
 * its record, and their PCH is built by a background process at low priority (this run is over, so
 * it is not slowed; the next run uses the file once it is there).
 */
export function recordRun(report: HeaderCacheReport, cacheDir: string, build: (sequence: string[]) => void): void {
  if (!headerCacheEnabled() || !cacheDir) return;
  const sequence = report.leading;
  if (!sequence.some((a) => a.startsWith('H:'))) return;
  if (report.path && same(sequence, report.sequence)) return;
  if (report.leadingMs < minimumMs()) return;
  try {
    writeRecord(ownRecord(cacheDir), sequence);
    build(sequence);
  } catch (e) {
    if (process.env.CPPJIT_DEBUG) console.error(`cppjit: cannot record the include sequence: ${(e as Error).message}`);
  }
}

/** The machine's default record: what `precompile()` built, for scripts without a record of their own. */
export function recordDefault(cacheDir: string, sequence: string[]): void {
  writeRecord(recordFile(cacheDir, 'default'), sequence);
  writeRecord(ownRecord(cacheDir), sequence);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * A precompile() request as the include calls it stands for would record it: include paths first
 * (resolved), then the headers spelled as the interpreter's include() spells them (quoted names
 * found as an absolute path, then in the include paths, then in the current directory).
 */
export function sequenceOf(headers: string[], includePaths: string[]): string[] {
  const dirs = includePaths.map((d) => {
    const resolved = path.resolve(d);
    if (!existsSync(resolved) || !statSync(resolved).isDirectory()) throw new Error(`cppjit: include path is not a directory: ${resolved}`);
    return realpathSync(resolved);
  });
  const out = dirs.map((d) => `I:${d}`);
  for (const header of headers) {
    if (/^<.+>$/.test(header)) {
      out.push(`H:${header}`);
      continue;
    }
    const candidates = header.startsWith('/') ? [header] : [...dirs.map((d) => path.join(d, header)), path.resolve(header)];
    const found = candidates.find(isFile);
    if (!found) throw new Error(`cppjit: header not found: ${header}`);
    out.push(`H:"${realpathSync(found)}"`);
  }
  return out;
}
