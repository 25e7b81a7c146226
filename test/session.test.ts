// test/session.test.ts — loading C++: include forms, include paths, libraries, cppdef/cppexec/evaluate/macro, compile errors and rollback.
import { describe, expect, it } from 'vitest';
import cppyy, { CppCompileError, CppError } from '../esm/index.mjs';
import { fixture } from './helpers';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { run } from './run';

describe('session', () => {
  it('includes by absolute path, idempotently', () => {
    cppyy.include(fixture('basics.h'));
    cppyy.include(fixture('basics.h'));
    expect(cppyy.gbl.basics.add(2, 3)).toBe(5);
  });

  it('includes angle-bracket headers and quoted names found through include paths', () => {
    cppyy.include('<cmath>');
    cppyy.addIncludePath(path.dirname(fixture('errors.h')));
    cppyy.include('errors.h');
    expect(typeof cppyy.gbl.errors.checked).toBe('function');
    expect(cppyy.gbl.std.sqrt(16)).toBe(4);
  });

  it('reports a missing header as CppCompileError with diagnostics', () => {
    let error: unknown;
    try {
      cppyy.include('no/such/header.h');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CppCompileError);
    const d = (error as CppCompileError).diagnostics;
    expect(d.some((x) => /file not found/.test(x.message))).toBe(true);
  });

  it('rolls back failed input: error, definition, redefinition error, calls still work', () => {
    expect(() => cppyy.cppdef('int broken( { ')).toThrow(CppCompileError);
    cppyy.cppdef('int session_twice(int x) { return 2 * x; }');
    expect(cppyy.gbl.session_twice(21)).toBe(42);
    let error: CppCompileError | undefined;
    try {
      cppyy.cppdef('int session_twice(int x) { return 3 * x; }');
    } catch (e) {
      error = e as CppCompileError;
    }
    expect(error).toBeInstanceOf(CppCompileError);
    expect(error!.message).toMatch(/redefinition/);
    expect(error!.diagnostics[0]).toMatchObject({ severity: 'error', line: 1 });
    expect(cppyy.gbl.session_twice(5)).toBe(10);
    cppyy.cppdef('int session_after() { return session_twice(4); }');
    expect(cppyy.gbl.session_after()).toBe(8);
  });

  it('refuses input that references undefined symbols before it reaches the JIT, and stays usable', () => {
    // A global initializer and a function body that call functions nobody defines.
    expect(() => cppyy.cppdef('int session_missing_a(); int session_gx = session_missing_a();')).toThrow(
      /undefined symbol: session_missing_a\(\)/);
    cppyy.cppdef('int session_ok_1() { return 41; }');
    expect(cppyy.gbl.session_ok_1()).toBe(41);
    expect(() => cppyy.cppdef('int session_missing_b(int); int session_calls_b() { return session_missing_b(1); }'))
      .toThrow(CppCompileError);
    // A declaration without definition is fine until a call needs it; then the call fails cleanly.
    cppyy.cppdef('namespace session_decl { int declared_only(int); int defined(int a) { return a + 1; } }');
    expect(() => cppyy.gbl.session_decl.declared_only(1)).toThrow(/undefined symbol: session_decl::declared_only\(int\)/);
    expect(cppyy.gbl.session_decl.defined(1)).toBe(2);
    cppyy.cppdef('int session_ok_2() { return session_ok_1() + 1; }');
    expect(cppyy.gbl.session_ok_2()).toBe(42);
  });

  it('rolls back an undefined-symbol input that is the first of a fresh process (precompiled header loaded)', async () => {
    const script = `
      const { default: cppyy } = await import(${JSON.stringify(new URL('../esm/index.mjs', import.meta.url).href)});
      try { cppyy.cppdef('int first_missing(); int first_gx = first_missing();'); } catch (e) { console.log(e.name); }
      cppyy.cppdef('int first_gx = 7; int first_ok() { return first_gx; }');
      console.log(cppyy.gbl.first_ok(), cppyy.info().pch !== null);
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['CppCompileError', expect.stringMatching(/^7 (true|false)$/)]);
  });

  it('recovers from failed template instantiations: later inputs get the code the failed one took along', () => {
    cppyy.cppdef(`namespace session_orphans {
      template <class T> T helper(T x) { return x + 1; }
      template <class T> T chain(T x) { return helper(x) * 2; }
      template <class T> T broken(T x) { return chain(x) + x.nonexistent; } }`);
    // The failing input instantiates chain<int> and helper<int> before broken<int> fails.
    expect(() => cppyy.cppdef('int session_orphans_bad() { return session_orphans::broken(2); }')).toThrow(CppCompileError);
    cppyy.cppdef('int session_orphans_good() { return session_orphans::chain(20); }');
    expect(cppyy.gbl.session_orphans_good()).toBe(42);
    // An extern "C" name of a rolled-back input can be defined again.
    expect(() => cppyy.cppdef('extern "C" int session_c_name() { return session_orphans::broken(1); }')).toThrow(CppCompileError);
    cppyy.cppdef('extern "C" int session_c_name() { return 7; }');
    expect(cppyy.gbl.session_c_name()).toBe(7);
  });

  it('keeps a namespace that a failed input reopened', () => {
    cppyy.cppdef('namespace reopened_ns { int a = 41; }');
    expect(() => cppyy.cppdef('namespace reopened_ns { int b = not_declared_anywhere; }')).toThrow(CppCompileError);
    expect(cppyy.gbl.reopened_ns.a).toBe(41);
    cppyy.cppdef('int reopened_use() { return reopened_ns::a + 1; }');
    expect(cppyy.gbl.reopened_use()).toBe(42);
  });

  it('keeps headers that a failed input included first, with their inline functions and templates', () => {
    const header = fixture('rollback.h');
    // The include in the middle of the input, and the failing code using the header's functions
    // (so the failed input had emitted them).
    const failing = `int rollback_before = 1;\n#include "${header}"\nint rollback_bad() { return rollback::tripled(2) + rollback::doubled(1) + rollback::countdown(3).size() + missing_name; }`;
    expect(() => cppyy.cppdef(failing)).toThrow(CppCompileError);
    cppyy.cppdef(`#include "${header}"\nint rollback_good() { return rollback::tripled(2) + rollback::doubled(1) + rollback::Counter().bump() + (int)rollback::countdown(3).size(); }`);
    expect(cppyy.gbl.rollback_good()).toBe(6 + 2 + 1 + 3);
    expect(cppyy.gbl.rollback.tripled(5)).toBe(15);
    expect([...cppyy.gbl.rollback.countdown(3)]).toEqual([3, 2, 1]);
    // A header at the top of a failing input is parsed on its own and stays.
    expect(() => cppyy.cppdef('#include <list>\nint list_bad = missing_too;')).toThrow(CppCompileError);
    cppyy.cppdef('std::list<int> kept_list{1, 2}; int kept_list_size() { return kept_list.size(); }');
    expect(cppyy.gbl.kept_list_size()).toBe(2);
  });

  it('refuses input that ends inside a block instead of hanging the parser, and stays usable', () => {
    for (const code of ['namespace unclosed_ns { int x = 1;', 'struct UnclosedStruct { int x;', 'int unclosed_fn() { return 1;']) {
      let error: unknown;
      try {
        cppyy.cppdef(code);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CppCompileError);
      expect((error as CppCompileError).message).toMatch(/expected '}'/);
    }
    // Braces inside comments and strings do not count.
    cppyy.cppdef('// {\nconst char* brace_text = "{"; int after_unclosed() { return 3; }');
    expect(cppyy.gbl.after_unclosed()).toBe(3);
    expect(cppyy.gbl.unclosed_ns).toBeUndefined();
  });

  it('runs statements with cppexec and turns their exceptions into CppError', () => {
    cppyy.cppdef('int exec_state = 0;');
    cppyy.cppexec('exec_state = 5; exec_state *= 2;');
    expect(cppyy.gbl.exec_state).toBe(10);
    cppyy.include('<stdexcept>');
    let error: CppError | undefined;
    try {
      cppyy.cppexec('throw std::runtime_error("from cppexec");');
    } catch (e) {
      error = e as CppError;
    }
    expect(error).toBeInstanceOf(CppError);
    expect(error!.cppType).toBe('std::runtime_error');
    expect(error!.what).toBe('from cppexec');
  });

  it('keeps what cppexec declares, as cppyy does; statements that need a function still run', () => {
    cppyy.cppexec('int exec_made = 40; exec_made += 2; for (int i = 0; i < 3; ++i) exec_made += i;');
    expect(cppyy.gbl.exec_made).toBe(45);
    cppyy.cppexec('struct ExecPoint { int x = 3; }; ExecPoint exec_point;');
    expect(cppyy.gbl.exec_point.x).toBe(3);
    cppyy.cppexec('exec_made = 1; return; exec_made = 2;'); // `return` cannot stand at the top level
    expect(cppyy.gbl.exec_made).toBe(1);
    expect(() => cppyy.cppexec('int exec_bad = exec_undeclared;')).toThrow(CppCompileError);
    expect(cppyy.gbl.exec_bad).toBeUndefined();
    // A declaration whose initialiser throws is rolled back with its input.
    expect(() => cppyy.cppexec('int exec_thrown = [] { throw 3; return 0; }();')).toThrow(CppError);
    expect(cppyy.gbl.exec_thrown).toBeUndefined();
  });

  it('evaluates expressions of every kind', () => {
    expect(cppyy.evaluate('1 + 2')).toBe(3);
    expect(cppyy.evaluate('sizeof(long double)')).toBe(16);
    expect(cppyy.evaluate('3.5 * 2')).toBe(7);
    expect(cppyy.evaluate('"text"')).toBe('text');
    expect(cppyy.evaluate('basics::answer')).toBe(42);
    expect(() => cppyy.evaluate('undeclared_name + 1')).toThrow(CppCompileError);
  });

  it('reads object-like macros', () => {
    cppyy.cppdef('#define SESSION_NUMBER 42\n#define SESSION_TEXT "macro text"\n#define SESSION_FN(x) (x)');
    expect(cppyy.macro('SESSION_NUMBER')).toBe(42);
    expect(cppyy.macro('SESSION_TEXT')).toBe('macro text');
    expect(() => cppyy.macro('SESSION_FN')).toThrow(TypeError);
    expect(() => cppyy.macro('NOT_A_MACRO_AT_ALL')).toThrow(ReferenceError);
  });

  it('answers sizeof and typeName', () => {
    cppyy.cppdef('struct SessionPair { int a; double b; };');
    expect(cppyy.sizeof('SessionPair')).toBe(16);
    expect(cppyy.sizeof(cppyy.gbl.SessionPair)).toBe(16);
    expect(cppyy.sizeof('int')).toBe(4);
    expect(cppyy.typeName(new cppyy.gbl.SessionPair())).toBe('SessionPair');
  });

  it('loads a shared library by path and calls its non-inline functions', () => {
    cppyy.loadLibrary(fixture('build/libcppjittest.so'));
    cppyy.include(fixture('mathlib.h'));
    const m = cppyy.gbl.mathlib;
    expect(m.gcd(84, 36)).toBe(12);
    expect(m.mean(1, 2)).toBe(1);
    expect(m.mean(1, 2, 6)).toBe(3);
    expect(m.calls).toBe(3);
    expect(cppyy.gbl.c_triple(5)).toBe(15);
  });

  it('loads system libraries by short name and says what it tried when one is missing', () => {
    cppyy.loadLibrary('z');
    cppyy.cppdef('extern "C" const char* zlibVersion();');
    expect(cppyy.gbl.zlibVersion()).toMatch(/^\d+\.\d+/);
    expect(() => cppyy.loadLibrary('cppjit_no_such_lib')).toThrow(/libcppjit_no_such_lib\.so/);
  });

  it('exposes the same API through CommonJS', () => {
    const require = createRequire(import.meta.url);
    const cjs = require('cppjit');
    expect(cjs.default.gbl.basics.add(1, 1)).toBe(2);
    expect(typeof cjs.include).toBe('function');
    expect(cjs.default.gbl).toBe(cppyy.gbl);
  });
});
