// test/errors.test.ts — C++ exceptions become CppError with the dynamic type; the process never aborts.
import { beforeAll, describe, expect, it } from 'vitest';
import cppyy, { CppError } from '../esm/index.mjs';
import { fixture } from './helpers';
import { run } from './run';

let errors: any;
beforeAll(() => {
  cppyy.include(fixture('errors.h'));
  errors = cppyy.gbl.errors;
});

function caught(fn: () => unknown): CppError {
  try {
    fn();
  } catch (e) {
    return e as CppError;
  }
  throw new Error('expected a throw');
}

describe('C++ exceptions', () => {
  it('maps std exceptions with their dynamic type and what()', () => {
    const e = caught(() => errors.checked(-2));
    expect(e).toBeInstanceOf(CppError);
    expect(e).toBeInstanceOf(Error);
    expect(e.cppType).toBe('std::out_of_range');
    expect(e.what).toBe('negative index -2');
    expect(e.message).toMatch(/std::out_of_range: negative index -2/);
    expect(errors.checked(3)).toBe(3);
  });

  it('reports user exception classes by their own type', () => {
    const e = caught(() => errors.app(5));
    expect(e.cppType).toBe('errors::AppError');
    expect(e.what).toBe('application failed');
    expect(caught(() => errors.logic()).cppType).toBe('std::invalid_argument');
  });

  it('exposes the thrown object with its fields and methods (err.exception)', async () => {
    const e = caught(() => errors.app(42));
    expect(e.exception).toBeInstanceOf(errors.AppError);
    expect((e.exception as any).code).toBe(42);
    expect((e.exception as any).what()).toBe('application failed');
    expect(e.exception).toBe(e.exception);
    expect(caught(() => errors.number()).exception).toBeUndefined();
    expect(caught(() => errors.checked(-1)).exception).toBeInstanceOf(cppyy.gbl.std.out_of_range);
  });

  it('reports non-class and non-std throws', () => {
    const e = caught(() => errors.number());
    expect(e).toBeInstanceOf(CppError);
    expect(e.cppType).toBe('int');
    expect(e.what).toBeUndefined();
    expect(e.message).toBe('C++ exception of type int (17)');
    const text = caught(() => errors.text());
    expect([text.cppType, text.what, text.message]).toEqual(['std::string', 'thrown text', 'std::string: thrown text']);
    const cText = caught(() => errors.c_text());
    expect([cText.cppType, cText.what]).toEqual(['const char*', 'thrown C text']);
    expect(caught(() => errors.plain()).cppType).toBe('errors::Plain');
  });

  it('exits cleanly with thrown C++ objects still held by JS errors', async () => {
    // The objects' destructors are JIT-compiled code: at exit they must not run after the interpreter is gone.
    const script = `
      const { default: cppyy } = await import(${JSON.stringify(new URL('../esm/index.mjs', import.meta.url).href)});
      cppyy.include(${JSON.stringify(fixture('errors.h'))});
      globalThis.kept = [];
      for (const f of [() => cppyy.gbl.errors.text(), () => cppyy.gbl.errors.plain(), () => cppyy.gbl.errors.app(1)]) {
        try { f(); } catch (e) { kept.push(e); }
      }
      console.log(kept.map((e) => e.cppType).join(','));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('std::string,errors::Plain,errors::AppError');
    expect(r.status).toBe(0);
  });

  it('keeps the interpreter usable after many exceptions', () => {
    for (let i = 0; i < 100; i++) expect(() => errors.checked(-1)).toThrow(CppError);
    expect(errors.checked(1)).toBe(1);
  });
});

describe('missing system headers', () => {
  it("says which package to install when the C++ standard library's headers are missing", async () => {
    // -nostdinc++ hides libstdc++'s headers, as on a system without g++.
    const script = `
      const { default: cppyy } = await import(${JSON.stringify(new URL('../esm/index.mjs', import.meta.url).href)});
      try { cppyy.include('<vector>'); console.log('included'); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, CPPJIT_EXTRA_ARGS: '-nostdinc++', CPPJIT_CACHE_DIR: '' },
    });
    expect(r.stdout).toMatch(/^CppCompileError: .*file not found/);
    expect(r.stdout).toMatch(/the C\+\+ standard library's headers are not installed: sudo apt-get install g\+\+/);
  });
});
