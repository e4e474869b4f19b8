/**
 * Adds up the vitest JSON report and pytest's JUnit XML into one closing line,
 * "tests: N passed, N failed"; exits non-zero when anything failed or nothing ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(file: string): Counts {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  // A file that fails before any test runs (an import error) counts once as a failure.
  const failed = report.numFailedTests > 0 ? report.numFailedTests : report.numFailedTestSuites;
  return {
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function pytestCounts(file: string): Counts {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const xml = readFileSync(file, 'utf8');
  const attribute = (name: string) =>
    [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`, 'g'))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  const total = attribute('tests');
  const failed = attribute('failures') + attribute('errors');
  const skipped = attribute('skipped');
  return { passed: total - failed - skipped, failed, skipped };
}

const results = process.argv[2] ?? '.data/test-results';
const parts = [
  vitestCounts(join(results, 'vitest.json')),
  pytestCounts(join(results, 'pytest.xml')),
];
const total = parts.reduce(
  (sum, part) => ({
    passed: sum.passed + part.passed,
    failed: sum.failed + part.failed,
    skipped: sum.skipped + part.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);

process.stdout.write(`\ntests: ${total.passed} passed, ${total.failed} failed`);
process.stdout.write(total.skipped > 0 ? `, ${total.skipped} skipped\n` : '\n');
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
