// src/repl/cpp.ts — the REPL's C++ input: when a .cpp block is complete, define-or-run, and Clang diagnostics with a caret.
import { CppCompileError } from '../errors';
import type { CppDiagnostic } from '../errors';

/** Whether C++ text is still open (unbalanced brackets, an unterminated string or comment, a trailing backslash). */
export function isIncomplete(code: string): boolean {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 1;
    } else if (c === '"' || c === '\'') {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      if (j >= code.length) return true;
      i = j;
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth--;
    }
  }
  return depth > 0 || /\\\s*$/.test(code);
}

/**
 * Shows diagnostics the way Clang prints them: `input:line:col: error: message`, the source line and a caret.
 * Lines come from the user's own input when the diagnostic points into it, else from the file on disk.
 */
export function formatDiagnostics(error: CppCompileError, source: string | null, readFile: (f: string) => string | null): string {
  const out: string[] = [];
  const sourceLines = source === null ? [] : source.split('\n');
  const diags: CppDiagnostic[] = error.diagnostics.length ? error.diagnostics : [];
  if (!diags.length) return error.message;
  for (const d of diags) {
    const inInput = !d.file || /^input_line_\d+$/.test(d.file) || d.file === '<<< inputs >>>';
    out.push(`${inInput ? 'input' : d.file}${d.line ? `:${d.line}:${d.column}` : ''}: ${d.severity}: ${d.message}`);
    let text: string | undefined;
    if (inInput) text = sourceLines[d.line - 1];
    else if (d.line) text = readFile(d.file)?.split('\n')[d.line - 1];
    if (text !== undefined && d.column > 0) {
      out.push(`    ${text}`);
      // Tabs keep their width so the caret lines up under the character Clang points at.
      const pad = text.slice(0, d.column - 1).replace(/[^\t]/g, ' ');
      out.push(`    ${pad}^`);
    }
  }
  return out.join('\n');
}

export interface CppRunner {
  cppdef(code: string): void;
  cppexec(code: string): void;
  evaluate(expression: string): unknown;
}

export type CppOutcome = { kind: 'defined' } | { kind: 'executed' } | { kind: 'value'; value: unknown };

// One line that ends in neither `;` nor `}` may be an expression: `.cpp sizeof(long double)`.
function mayBeExpression(code: string): boolean {
  const t = code.trim();
  return !t.includes('\n') && !/[;}]$/.test(t) && !t.startsWith('#');
}

/**
 * A single-line expression is evaluated and its value shown; declarations go to cppdef; statements
 * (which do not parse at namespace scope) to cppexec. When both fail, the declaration attempt's
 * diagnostics are the ones shown unless the code reads as statements.
 */
export function runCpp(api: CppRunner, code: string): CppOutcome {
  if (mayBeExpression(code)) {
    try {
      return { kind: 'value', value: api.evaluate(code) };
    } catch (e) {
      if (!(e instanceof CppCompileError)) throw e;
    }
  }
  try {
    api.cppdef(code);
    return { kind: 'defined' };
  } catch (defError) {
    if (!(defError instanceof CppCompileError)) throw defError;
    try {
      api.cppexec(code);
      return { kind: 'executed' };
    } catch (execError) {
      if (!(execError instanceof CppCompileError)) throw execError;
      throw looksLikeStatements(code) ? execError : defError;
    }
  }
}

// `expr;`, `x = 3;`, `f(1);`, `std::cout << x;`, control flow: not something namespace scope accepts.
function looksLikeStatements(code: string): boolean {
  const first = code.trim();
  if (/^(if|for|while|do|switch|return|try|throw)\b/.test(first)) return true;
  if (/^(struct|class|union|enum|namespace|template|typedef|using|extern|static|inline|constexpr|#)/.test(first)) return false;
  return /^[\w:]+\s*(\(|<<|=[^=]|\+\+|--|\.|->|\[)/.test(first) && !/^[\w:<>,\s*&]+\s+[A-Za-z_]\w*\s*\(/.test(first);
}
