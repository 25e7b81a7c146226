// src/repl/server.ts — the `cppjit` REPL: Node's REPL with cppyy/gbl/std preloaded, C++ commands, its own completer.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as repl from 'node:repl';
import { inspect } from 'node:util';
import api from '../index';
import { CppCompileError } from '../errors';
import { completeCpp } from './complete';
import { formatDiagnostics, isIncomplete, runCpp } from './cpp';
import { helpText } from './help';

export interface ReplOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** History file ('' for none); default CPPJIT_REPL_HISTORY or ~/.cppjit_repl_history. */
  historyFile?: string;
  prompt?: string;
}

const USAGE = [
  'cppyy (the API), gbl (the global C++ namespace) and std are preloaded. Tab completes C++ names.',
  '  .include <vector> | path/to/foo.h   include a header',
  '  .cpp <code>                         define C++, run statements, or show an expression\'s value',
  '                                      (open brackets continue on the next lines)',
  '  help(x)                             signatures, members and doc comments of a C++ entity',
  '  .help                               all REPL commands',
].join('\n');

function readFileOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function defaultHistoryFile(): string {
  if (process.env.CPPJIT_REPL_HISTORY !== undefined) return process.env.CPPJIT_REPL_HISTORY;
  return path.join(os.homedir(), '.cppjit_repl_history');
}

/** Starts the REPL; resolves to the server once its history is set up. */
export function startRepl(options: ReplOptions = {}): Promise<repl.REPLServer> {
  const prompt = options.prompt ?? 'cppjit> ';
  const server = repl.start({
    prompt,
    input: options.input ?? process.stdin,
    output: options.output ?? process.stdout,
    useGlobal: false,
    // `.cpp` blocks and help() return nothing worth a line of `undefined`.
    ignoreUndefined: true,
    // Node prints uncaught errors through the writer too: a compile error from cppdef/include called
    // in JS then reads like Clang's output instead of an object dump.
    writer: (value: unknown) => value instanceof CppCompileError
      ? `CppCompileError:\n${formatDiagnostics(value, null, readFileOrNull)}`
      : inspect(value, { colors: server.useColors, depth: 2 }),
  });
  const say = (text: string) => server.output.write(`${text}\n`);

  const define = (name: string, value: unknown) =>
    Object.defineProperty(server.context, name, { configurable: true, enumerable: true, writable: true, value });
  define('cppyy', api);
  // gbl and std start the interpreter on first touch, so the prompt appears at once.
  Object.defineProperty(server.context, 'gbl', { configurable: true, enumerable: true, get: () => api.gbl });
  Object.defineProperty(server.context, 'std', { configurable: true, enumerable: true, get: () => api.gbl.std });
  define('help', (...args: unknown[]) => {
    say(args.length ? helpText(args[0]) : USAGE);
  });

  // A C++ block being typed across lines (after `.cpp` with unbalanced brackets).
  let pending: string | null = null;
  const showError = (e: unknown, source: string | null) => {
    if (e instanceof CppCompileError) say(formatDiagnostics(e, source, readFileOrNull));
    else say(e instanceof Error ? `${e.name}: ${e.message}` : `Uncaught ${inspect(e)}`);
  };
  const submitCpp = (code: string) => {
    try {
      const outcome = runCpp(api, code);
      if (outcome.kind === 'value' && outcome.value !== undefined) say(server.writer(outcome.value));
    } catch (e) {
      showError(e, code);
    }
  };
  const continueCpp = (line: string) => {
    pending = pending === null ? line : `${pending}\n${line}`;
    if (isIncomplete(pending)) {
      server.setPrompt('.... ');
    } else {
      const code = pending;
      pending = null;
      server.setPrompt(prompt);
      submitCpp(code);
    }
    server.displayPrompt();
  };

  server.defineCommand('cpp', {
    help: 'Define C++ declarations (cppdef) or run C++ statements (cppexec); unbalanced brackets continue on the next lines',
    action(code: string) {
      if (!code.trim()) {
        say('usage: .cpp <C++ code>   (e.g. .cpp int twice(int x) { return 2 * x; })');
        this.displayPrompt();
        return;
      }
      continueCpp(code);
    },
  });
  server.defineCommand('include', {
    help: 'Include a C++ header: .include <vector>  or  .include path/to/foo.h',
    action(header: string) {
      const h = header.trim();
      try {
        if (!h) throw new TypeError('usage: .include <header>');
        api.include(h);
      } catch (e) {
        showError(e, null);
      }
      this.displayPrompt();
    },
  });

  // While a C++ block is open, lines go to it instead of JS evaluation.
  const jsEval = server.eval;
  (server as { eval: typeof jsEval }).eval = function (code, context, file, cb) {
    if (pending === null) return jsEval.call(this, code, context, file, cb);
    pending = `${pending}\n${code.replace(/\n$/, '')}`;
    if (isIncomplete(pending)) {
      server.setPrompt('.... ');
      return cb(null, undefined);
    }
    const source = pending;
    pending = null;
    server.setPrompt(prompt);
    submitCpp(source);
    cb(null, undefined);
  };
  // Runs before Node's own handler, which then shows the prompt set here.
  server.prependListener('SIGINT', () => {
    if (pending !== null) {
      pending = null;
      server.setPrompt(prompt);
    }
  });

  // Node's completer does not see through Proxies: C++ paths are completed here, everything else by Node.
  const nodeCompleter = server.completer as unknown as (line: string, cb: (e: Error | null, r?: [string[], string]) => void) => void;
  (server as { completer: unknown }).completer = (line: string, cb: (e: Error | null, r?: [string[], string]) => void) => {
    let r: [string[], string] | null = null;
    try {
      r = completeCpp(line, server.context as Record<string, unknown>);
    } catch {
      r = null;
    }
    if (r) cb(null, r);
    else nodeCompleter.call(server, line, cb);
  };

  const historyFile = options.historyFile ?? defaultHistoryFile();
  return new Promise((resolve) => {
    if (!historyFile) return resolve(server);
    server.setupHistory(historyFile, (err) => {
      if (err) say(`(history disabled: ${err.message})`);
      resolve(server);
    });
  });
}
