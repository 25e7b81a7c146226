// test/helpers.ts — shared test utilities: fixture paths and forcing garbage collection.
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`../headers-test/${name}`, import.meta.url));

/** Runs full GCs and lets FinalizationRegistry callbacks run. */
export async function collectGarbage(rounds = 4): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the tests with --expose-gc');
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
