// Prints one plain "browser: N passed, N failed" line when the run ends, and
// writes the counts to $WTR_SUMMARY_FILE for the npm test summary.
import { writeFileSync } from 'node:fs';

function count(results, into) {
  if (!results) return;
  for (const test of results.tests ?? []) {
    if (test.skipped) into.skipped++;
    else if (test.passed) into.passed++;
    else into.failed++;
  }
  for (const suite of results.suites ?? []) count(suite, into);
}

export function plainReporter() {
  let totals = { passed: 0, failed: 0, skipped: 0, errors: 0 };
  return {
    onTestRunFinished({ sessions }) {
      totals = { passed: 0, failed: 0, skipped: 0, errors: 0 };
      for (const session of sessions) {
        count(session.testResults, totals);
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.errors += session.errors.length;
      }
    },
    stop() {
      const failed = totals.failed + totals.errors;
      const line = `browser: ${totals.passed} passed, ${failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : '');
      process.stdout.write(`\n${line}\n`);
      if (process.env.WTR_SUMMARY_FILE) {
        writeFileSync(process.env.WTR_SUMMARY_FILE, JSON.stringify({ passed: totals.passed, failed, skipped: totals.skipped }));
      }
    },
  };
}
