// test/signals.test.ts — cppyy.ll.signalsAsExceptions: crashes inside C++ calls become CppSignalError and the process keeps running.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cppyy from '../esm/index.mjs';
import { fixture } from './helpers';

let g: any;
const ll: any = cppyy.ll;
beforeAll(() => {
  cppyy.include(fixture('cinterop.h'));
  cppyy.include('<cstdlib>');
  g = cppyy.gbl;
});
afterAll(() => ll.signalsAsExceptions(false));

describe('signals as exceptions', () => {
  it('is off by default: a crash ends the process', () => {
    const entry = fileURLToPath(new URL('../esm/index.mjs', import.meta.url));
    const script = `import cppyy from ${JSON.stringify(entry)}; cppyy.include(${JSON.stringify(fixture('cinterop.h'))}); cppyy.gbl.crash_null(null);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGSEGV');
  });

  it('turns SIGSEGV, SIGFPE and SIGABRT inside a call into CppSignalError', () => {
    expect(ll.signalsAsExceptions(true)).toBe(false);
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as InstanceType<typeof cppyy.CppSignalError>;
      }
      throw new Error('no error');
    };
    const segv = caught(() => g.crash_null(null));
    expect(segv).toBeInstanceOf(cppyy.CppSignalError);
    expect(segv.signal).toBe('SIGSEGV');
    expect(caught(() => g.divide_ints(1, 0)).signal).toBe('SIGFPE');
    expect(caught(() => g.call_abort()).signal).toBe('SIGABRT');
    // The process and the interpreter carry on.
    expect(g.divide_ints(6, 3)).toBe(2);
    expect(caught(() => g.crash_null(null)).signal).toBe('SIGSEGV');
  });

  it('reports a crash in C++ called from a JS callback to the outer caller', () => {
    ll.signalsAsExceptions(true);
    const values = new Int32Array([3, 1, 2]);
    expect(() => g.qsort(values, 3, 4, () => g.crash_null(null))).toThrow(cppyy.CppSignalError);
    // Sorting still works afterwards.
    g.qsort(values, 3, 4, (a: any, b: any) => ll.cast(a, 'int*')[0] - ll.cast(b, 'int*')[0]);
    expect([...values]).toEqual([1, 2, 3]);
  });

  it('covers fn.async calls on the thread pool and statements run by cppexec', async () => {
    ll.signalsAsExceptions(true);
    await expect(g.crash_null.async(null)).rejects.toThrow(cppyy.CppSignalError);
    expect(() => cppyy.cppexec('volatile int r = crash_null((int*)(long)std::atoi("0")); (void)r;')).toThrow(cppyy.CppSignalError);
    expect(g.divide_ints(6, 3)).toBe(2);
  });

  it('can be turned off again', () => {
    expect(ll.signalsAsExceptions(false)).toBe(true);
    expect(ll.signalsAsExceptions(false)).toBe(false);
  });
});
