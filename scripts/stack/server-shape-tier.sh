#!/usr/bin/env bash
# The production-shaped test tier (.ci/run's second step after `npm test`; docs/deployment.md): the stack with the
# Temporal server of temporal-compose.yml on PostgreSQL (ONESHOT_TEMPORAL=server, no Web UI), then
#   1. the integration tests that touch Temporal, against that server;
#   2. a chaos run with 2 API, 2 orchestrator and 2 inference processes: kills of an API process, workers and the
#      Temporal server, operator terminates, then the money audit (bench/chaos.ts exits 1 unless it is exact).
# The tests' JUnit report goes to $ONESHOT_TEST_REPORTS/server-shape.xml (default .local/test-reports).
# Stops on exit what it started. A dev-server stack running in the same state dir must be stopped first
# (npm run stack:down), or pass another ONESHOT_STATE_DIR and ports.
#
#   bash scripts/stack/server-shape-tier.sh [--chaos-jobs N]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PATH="$(bash scripts/install/node.sh):$PATH"
export PATH ONESHOT_TEMPORAL=server TEMPORAL_UI=${TEMPORAL_UI:-off}
STACK=scripts/stack/stack.sh
say() { printf '[server-shape] %s\n' "$*"; }
chaos_jobs=40
[[ ${1:-} == --chaos-jobs ]] && chaos_jobs=$2

# the integration test files that reach Temporal (workers, worker processes, clients, readiness)
mapfile -t TEMPORAL_TESTS < <(grep -rliE "temporal|startTestWorkers|useJobStack|startServiceProcess" test/integration | sort)

t0=$(date +%s)
bash scripts/ensure-deps.sh
was_running=0
bash "$STACK" status >/dev/null 2>&1 && was_running=1
stop_stack() { [[ $was_running == 1 ]] || bash "$STACK" down >/dev/null 2>&1 || true; }
trap stop_stack EXIT
bash "$STACK" up
say "stack up in $(($(date +%s) - t0)) s"
npx tsx scripts/models/fetch-models.ts >/dev/null

t1=$(date +%s)
# the stack is already up: the integration setup uses it and leaves it running
REPORTS=${ONESHOT_TEST_REPORTS:-$ROOT/.local/test-reports}
mkdir -p "$REPORTS" && rm -f "$REPORTS/server-shape.xml"
ONESHOT_KEEP_STACK=1 npx vitest run --project integration --reporter=default --reporter=junit \
  --outputFile.junit="$REPORTS/server-shape.xml" "${TEMPORAL_TESTS[@]}"
say "integration tests against the Temporal server in $(($(date +%s) - t1)) s"

t2=$(date +%s)
npx tsx bench/chaos.ts --jobs "$chaos_jobs" --api-processes 2 --orchestrators 2 --inference-workers 2
say "chaos run in $(($(date +%s) - t2)) s; tier in $(($(date +%s) - t0)) s"
