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
  console.log(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}` +
    `${brokenFiles ? `, ${brokenFiles} file(s) failed to run` : ''}`);
  rmSync(results, { force: true });
  // The exit code is the tests' verdict: vitest also exits 1 for its own hiccups (an RPC timeout
  // between its processes on a loaded machine) after every test passed; those are reported above.
  const failed = summary.numFailedTests > 0 || brokenFiles > 0 || summary.numTotalTests === 0;
  if (!failed && run.status) console.log(`(vitest exited with ${run.status} for errors outside the tests; see its output above)`);
  process.exit(failed ? 1 : 0);
} catch {
  console.log('\n0 passed, 1 failed (the test runner produced no results)');
  process.exit(run.status || 1);
}
