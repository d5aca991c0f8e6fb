#!/usr/bin/env bash
# `npm test`: type-check, lint, then every unit and integration test, then the schema-fuzzing tier (test/fuzz/run.sh;
# only for the whole suite: not when vitest is given arguments, nor with ONESHOT_SKIP_FUZZ set). The integration tests'
# global setup starts the real PostgreSQL, Temporal and S3 servers if they are not running, and stops what it started.
# Each tier writes a JUnit report to ONESHOT_TEST_REPORTS (default .local/test-reports); the run closes with their totals.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# everything below (npm, tsc, eslint, vitest, tsx, the stack's node processes) runs on the Node that
# package.json's engines require: the machine's when new enough, else a pinned one from the npm registry
PATH="$(bash scripts/install/node.sh):$PATH"
export PATH
REPORTS=${ONESHOT_TEST_REPORTS:-$ROOT/.local/test-reports}
mkdir -p "$REPORTS"
rm -f "$REPORTS/vitest.xml" "$REPORTS/fuzz.xml"

bash scripts/ensure-deps.sh
echo "[test] node $(node --version)"
echo "[test] type-check"
npx tsc -p .
echo "[test] lint"
npx eslint --max-warnings 0 .
echo "[test] vitest"
npx vitest run --reporter=default --reporter=junit --outputFile.junit="$REPORTS/vitest.xml" "$@"
reports=("vitest=$REPORTS/vitest.xml")
if [[ $# -eq 0 && -z ${ONESHOT_SKIP_FUZZ:-} ]]; then
  echo "[test] schema fuzzing"
  FUZZ_JUNIT="$REPORTS/fuzz.xml" bash test/fuzz/run.sh
  reports+=("fuzz=$REPORTS/fuzz.xml")
fi
node --import tsx scripts/test-summary.ts "${reports[@]}"
