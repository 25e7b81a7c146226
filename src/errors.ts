// src/errors.ts — the error classes cppjit throws: C++ exceptions and compile failures.

export interface CppDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'note' | 'fatal';
  message: string;
}

/** A C++ exception thrown by a call: `.cppType` is its dynamic type, `.what` its what() text. */
export class CppError extends Error {
  readonly cppType: string;
  readonly what: string | undefined;
  /** The thrown C++ object, for class types (`err.exception.code`); set up by the class layer. */
  declare readonly exception: unknown;
  constructor(message: string, cppType: string, what?: string, typeinfo?: number, holder?: object, address?: number) {
    super(message);
    this.name = 'CppError';
    this.cppType = cppType;
    this.what = what;
    if (typeinfo !== undefined) Object.defineProperty(this, THROWN, { value: { typeinfo, holder, address } });
  }
}

/** Where the thrown C++ object is (its type_info, the exception_ptr keeping it alive, its address). */
export const THROWN = Symbol('cppjit.thrown');

/**
 * What to install when a system header is missing: the C++ standard library's headers (`<vector>`,
 * `<bits/...>`) come with g++, the C library's (`<stdio.h>`) with libc6-dev. '' for other headers.
 */
export function missingHeaderHint(text: string): string {
  const m = /'([\w./+-]+)' file not found/.exec(text);
  if (!m) return '';
  const header = m[1];
  if (!header.includes('.') || header.startsWith('bits/') || header.startsWith('ext/'))
    return `\n(the C++ standard library's headers are not installed: sudo apt-get install g++, or libstdc++-dev for your g++ version)`;
  if (/^(stdio|stdlib|string|stddef|stdint|features|errno|math|time|unistd|pthread|wchar|limits|sys\/\w+)\.h$/.test(header))
    return `\n(the C library's headers are not installed: sudo apt-get install libc6-dev)`;
  return '';
}

/** C++ that did not compile (include/cppdef/cppexec/evaluate). The interpreter stays usable. */
export class CppCompileError extends Error {
  readonly diagnostics: CppDiagnostic[];
  constructor(message: string, diagnostics: CppDiagnostic[] = []) {
    const details = diagnostics
      .filter((d) => d.severity !== 'warning')
      .map((d) => `${d.file ? `${d.file}:${d.line}:${d.column}: ` : ''}${d.severity}: ${d.message}`)
      .join('\n');
    const text = details && !message.includes('\n') ? `${message}\n${details}` : message;
    super(text + missingHeaderHint(text));
    this.name = 'CppCompileError';
    this.diagnostics = diagnostics;
  }
}

/** A signal (SIGSEGV, SIGFPE, ...) raised inside a C++ call while `cppyy.ll.signalsAsExceptions(true)` is on. */
export class CppSignalError extends Error {
  readonly signal: string;
  readonly signo: number;
  constructor(message: string, signal: string, signo: number) {
    super(message);
    this.name = 'CppSignalError';
    this.signal = signal;
    this.signo = signo;
  }
}
