// Totals the JUnit reports that the test tiers wrote (vitest, schema fuzzing, the production-shaped tier) and prints
// one line per tier, then the closing line `tests: N passed, N failed, N skipped` that CI reads: vitest's own summary
// is not one CI recognises, and the fuzz tier and the stack's shutdown print after it.
//   npx tsx scripts/test-summary.ts LABEL=REPORT.xml [LABEL=REPORT.xml ...]
// A named report that is missing or counts no test fails the run: a tier that ran nothing must not read as a pass.
import { readFileSync } from 'node:fs';

interface Counts {
  tests: number;
  failed: number;
  skipped: number;
}

// Every <testsuite> element carries its own counts (the <testsuites> totals are optional in JUnit): sum the suites.
function junitCounts(xml: string): Counts {
  const counts: Counts = { tests: 0, failed: 0, skipped: 0 };
  for (const [, attributes = ''] of xml.matchAll(/<testsuite\s([^>]*)>/g)) {
    const count = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    counts.tests += count('tests');
    counts.failed += count('failures') + count('errors');
    counts.skipped += count('skipped');
  }
  return counts;
}

const total: Counts = { tests: 0, failed: 0, skipped: 0 };
let missing = 0;
for (const argument of process.argv.slice(2)) {
  const [label, path = ''] = argument.split('=', 2) as [string, string?];
  let counts: Counts;
  try {
    counts = junitCounts(readFileSync(path, 'utf8'));
  } catch {
    counts = { tests: 0, failed: 0, skipped: 0 };
  }
  if (counts.tests === 0) {
    console.log(`[summary] ${label}: no test recorded in ${path}`);
    missing += 1;
    continue;
  }
  console.log(`[summary] ${label}: ${counts.tests - counts.failed - counts.skipped} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  total.tests += counts.tests;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
console.log(`tests: ${total.tests - total.failed - total.skipped} passed, ${total.failed} failed, ${total.skipped} skipped`);
if (total.failed > 0 || missing > 0) process.exitCode = 1;
