// scripts/test.mjs — runs the vitest suites and ends with a plain "N passed, N failed" line for CI.
//
// A second pass runs the call-heavy suites with V8 fast calls off (CPPJIT_FAST_CALLS=0), so that
// both call paths are tested wherever the first pass takes the fast one.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const results = '.vitest-results.json';
const args = process.argv.slice(2);
const passes = [{ label: '', env: {}, files: args }];
if (!args.length) {
  passes.push({
    label: ' (fast calls off)',
    env: { CPPJIT_FAST_CALLS: '0' },
    files: ['test/fastcalls.test.ts', 'test/functions.test.ts', 'test/objects.test.ts', 'test/conversions.test.ts', 'test/fuzzargs.test.ts'],
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
let broken = 0;
let failure = false;
for (const pass of passes) {
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}`, ...pass.files], {
    stdio: 'inherit',
    env: { ...process.env, ...pass.env },
  });
  try {
    const summary = JSON.parse(readFileSync(results, 'utf8'));
    // A file that failed without a failing test did not run (it crashed, or did not load).
    const brokenFiles = (summary.testResults ?? []).filter((r) => r.status === 'failed' && !(r.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    // Errors outside any test (an unhandled rejection, a worker lost) fail the run too, and say so
    // in the summary line, which must never read "0 failed" for a failing run.
    const outsideErrors = !summary.numFailedTests && !brokenFiles && run.status !== 0;
    if (outsideErrors) console.log(`errors outside the tests${pass.label} (vitest exited with ${run.status}): see "Unhandled Errors" above`);
    passed += summary.numPassedTests;
    failed += summary.numFailedTests + (outsideErrors ? 1 : 0);
    skipped += summary.numPendingTests + summary.numTodoTests;
    broken += brokenFiles;
    if (summary.numFailedTests > 0 || brokenFiles > 0 || summary.numTotalTests === 0 || run.status !== 0) failure = true;
    rmSync(results, { force: true });
  } catch {
    console.log(`the test runner produced no results${pass.label}`);
    failed += 1;
    failure = true;
  }
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${broken ? `, ${broken} file(s) failed to run` : ''}`);
process.exit(failure ? 1 : 0);
