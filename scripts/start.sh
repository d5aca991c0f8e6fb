#!/usr/bin/env bash
# `npm start`: the whole local stack on embedded defaults — PostgreSQL, Temporal (+ Web UI), S3, then the API,
# the orchestrator worker and the inference worker. Ctrl-C stops all of it. Variables already set in the
# environment (DATABASE_URL, S3_ENDPOINT, TEMPORAL_ADDRESS, JWT_SECRET, ...) win over the local defaults.
#
# Production-shaped (docs/deployment.md): ONESHOT_TEMPORAL=server runs the Temporal server of temporal-compose.yml
# on the stack's PostgreSQL instead of the dev server (built once from the Go module proxy, then cached), and
#   API_PROCESSES=N            API processes sharing the port (node:cluster, api/server.ts)
#   ORCHESTRATOR_PROCESSES=N   orchestrator workers, each its own process (metrics ports 9465/9466 + 100·i)
#   INFERENCE_PROCESSES=N      inference workers, each its own process (metrics ports 9467/9468 + 100·i)
# e.g. ONESHOT_TEMPORAL=server API_PROCESSES=2 ORCHESTRATOR_PROCESSES=2 INFERENCE_PROCESSES=2 npm start
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# everything below (npm, tsc, eslint, vitest, tsx, the stack's node processes) runs on the Node that
# package.json's engines require: the machine's when new enough, else a pinned one from the npm registry
PATH="$(bash scripts/install/node.sh):$PATH"
export PATH
STACK=scripts/stack/stack.sh
say() { printf '[start] %s\n' "$*"; }
count() { # name default: a process count from the environment
  local value=${!1:-$2}
  [[ $value =~ ^[1-9][0-9]?$ ]] || { say "$1=$value: expected a count from 1 to 99"; exit 2; }
  printf '%s\n' "$value"
}
orchestrators=$(count ORCHESTRATOR_PROCESSES 1)
inferences=$(count INFERENCE_PROCESSES 1)

bash scripts/ensure-deps.sh
bash "$STACK" up

# The stack's environment (caller-supplied services pass through it unchanged), then a dev JWT secret unless
# the caller brought one.
set -a
# shellcheck disable=SC1091
source "${ONESHOT_STATE_DIR:-$ROOT/.local}/stack.env"
if [[ -z ${JWT_SECRET:-} ]]; then
  # shellcheck disable=SC1090
  source "$(bash scripts/dev-secrets.sh)"
fi
set +a
export NODE_ENV=${NODE_ENV:-development} API_PORT=${API_PORT:-3000}
# Workers register as a Worker Deployment version built from this checkout, and the orchestrator makes it current
# once its workers poll (docs/deployment.md): a restart on changed code is a deploy, jobs stay on the code they began on.
export TEMPORAL_WORKER_VERSIONING=${TEMPORAL_WORKER_VERSIONING:-true} TEMPORAL_WORKER_SET_CURRENT=${TEMPORAL_WORKER_SET_CURRENT:-true}
# Local purchase testing (README: "Testing purchases from your app"): an example product catalog, and StoreKit
# transactions signed by Xcode's local testing accepted for the app's bundle id. Your own values win.
if [[ $NODE_ENV == development ]]; then
  export BILLING_PRODUCTS=${BILLING_PRODUCTS:-'{"credits_10":{"type":"consumable","credits":10},"credits_50":{"type":"consumable","credits":50},"pro_monthly":{"type":"subscription","credits_per_period":100}}'}
  export APPLE_BUNDLE_ID=${APPLE_BUNDLE_ID:-com.oneshot.app}
  export APPLE_ENVIRONMENTS=${APPLE_ENVIRONMENTS:-xcode}
fi

npx tsx scripts/models/fetch-models.ts
npx tsx scripts/migrate.ts

pids=()
stopping=0
stop_all() {
  [[ $stopping == 1 ]] && return
  stopping=1
  say "stopping…"
  # TERM lets the API drain requests and the workers finish in-flight tasks; the servers go last.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bash "$STACK" down
  say "stopped"
}
trap stop_all INT TERM EXIT

run() { # name, entry, VAR=value...: node itself is the child (its pid is the one signalled), output prefixed with the name
  env "${@:3}" node --import tsx "$2" > >(sed -u "s/^/[$1] /") 2>&1 &
  pids+=($!)
}
run api api/server.ts
# Each worker process serves its metrics on ports of its own (the defaults + 100 per extra process).
for ((i = 0; i < orchestrators; i++)); do
  run "orchestrator$( ((orchestrators > 1)) && echo "-$i")" workers/orchestrator.ts \
    ORCHESTRATOR_METRICS_PORT=$((${ORCHESTRATOR_METRICS_PORT:-9465} + 100 * i)) \
    ORCHESTRATOR_TEMPORAL_METRICS_PORT=$((${ORCHESTRATOR_TEMPORAL_METRICS_PORT:-9466} + 100 * i))
done
for ((i = 0; i < inferences; i++)); do
  run "inference$( ((inferences > 1)) && echo "-$i")" workers/inference.ts \
    INFERENCE_METRICS_PORT=$((${INFERENCE_METRICS_PORT:-9467} + 100 * i)) \
    INFERENCE_TEMPORAL_METRICS_PORT=$((${INFERENCE_TEMPORAL_METRICS_PORT:-9468} + 100 * i))
done

api=http://127.0.0.1:$API_PORT
for _ in $(seq 1 120); do
  curl -fsS "$api/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$api/readyz" >/dev/null || { say "the API did not become ready; see the logs above"; exit 1; }

say "ready"
say "  API              $api ($(count API_PROCESSES 1) process(es); orchestrators: $orchestrators, inference workers: $inferences)"
say "  OpenAPI / docs   $api/openapi.json  $api/docs"
if [[ ${ONESHOT_TEMPORAL:-dev} == server ]]; then
  say "  Temporal         $TEMPORAL_ADDRESS (server 1.31.0 on PostgreSQL, 4 history shards; logs in ${ONESHOT_STATE_DIR:-$ROOT/.local}/temporal/)"
else
  say "  Temporal         $TEMPORAL_ADDRESS (dev server)"
fi
say "  Temporal Web UI  ${TEMPORAL_UI_URL:-none (TEMPORAL_UI=off)}"
say "Ctrl-C stops everything."
wait -n "${pids[@]}" || true
[[ $stopping == 1 ]] || say "a process exited; shutting the rest down"
