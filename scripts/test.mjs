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
  // A file that failed without a failing test did not run (it crashed, or did not load).
  const brokenFiles = (summary.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
  const outsideErrors = !summary.numFailedTests && !brokenFiles && run.status !== 0;
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests + (outsideErrors ? 1 : 0)} failed${skipped ? `, ${skipped} skipped` : ''}` +
    `${brokenFiles ? `, ${brokenFiles} file(s) failed to run` : ''}`);
  rmSync(results, { force: true });
  // Errors outside any test (an unhandled rejection, a worker lost) fail the run too, and say so
  // in the summary line, which must never read "0 failed" for a failing run.
  if (outsideErrors) console.log(`errors outside the tests (vitest exited with ${run.status}): see "Unhandled Errors" above`);
  process.exit(summary.numFailedTests > 0 || brokenFiles > 0 || summary.numTotalTests === 0 || run.status !== 0 ? 1 : 0);
} catch {
  console.log('\n0 passed, 1 failed (the test runner produced no results)');
  process.exit(run.status || 1);
}
