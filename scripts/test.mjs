// scripts/test.mjs — runs the vitest suites and ends with a plain "N passed, N failed" line for CI.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const results = '.vitest-results.json';
const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
try {
  const summary = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  rmSync(results, { force: true });
} catch {
  console.log('\n0 passed, 1 failed (the test runner produced no results)');
  process.exit(run.status || 1);
}
process.exit(run.status ?? 1);
