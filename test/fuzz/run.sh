#!/usr/bin/env bash
# The schema-fuzzing tier (part of `npm test`): schemathesis (pinned, scripts/install/schemathesis.sh) generates
# requests from the API's own /openapi.json — valid ones and ones that break the schema — and sends them to the real
# API (`api/server.ts`) on the local stack, with a fresh database. It fails on any 500, any undeclared status, body
# or header, any request the spec allows that the API refuses (or the reverse), and a wrong `Allow`.
# Bounded: FUZZ_MAX_EXAMPLES cases per operation and phase (default 25), FUZZ_MAX_TIME seconds (default 180).
# Reports (JUnit, and an NDJSON event log from which the request count is taken) go to FUZZ_REPORT_DIR; FUZZ_JUNIT
# names where the JUnit report goes instead (scripts/test.sh totals it with the other tiers).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PATH="$(bash scripts/install/node.sh):$PATH"
export PATH
say() { printf '[fuzz] %s\n' "$*"; }

ST=$(bash scripts/install/schemathesis.sh)
REPORT_DIR=${FUZZ_REPORT_DIR:-$ROOT/.local/fuzz}
mkdir -p "$REPORT_DIR"

STACK=scripts/stack/stack.sh
was_running=true
bash "$STACK" status >/dev/null 2>&1 || was_running=false
bash "$STACK" up

DATABASE=oneshot_fuzz_$$
api_pid=
cleanup() {
  [[ -n $api_pid ]] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  npx tsx test/fuzz/database.ts drop "$DATABASE" || true
  if [[ $was_running == false && -z ${ONESHOT_KEEP_STACK:-} ]]; then bash "$STACK" down; fi
}
trap cleanup EXIT

set -a
# shellcheck disable=SC1091
source "${ONESHOT_STATE_DIR:-$ROOT/.local}/stack.env"
set +a
DATABASE_URL=$(npx tsx test/fuzz/database.ts create "$DATABASE" | tail -n 1)
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(port)
URL="http://127.0.0.1:$API_PORT"

# What a fuzzer needs: budgets it cannot exhaust (a 429 would hide what lies behind it), sign-in providers configured
# (their key servers unreachable: forged tokens fail before any key is needed), and no fresh-sign-in shortcut, so the
# fuzzer's session cannot delete its own account or change its sign-in methods without the password.
env DATABASE_URL="$DATABASE_URL" API_PORT="$API_PORT" API_METRICS_PORT="$(port)" NODE_ENV=test LOG_LEVEL=warn \
  JWT_SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')" \
  RATE_LIMIT_API_PER_MINUTE=10000000 RATE_LIMIT_JOBS_PER_MINUTE=1000000 LOGIN_ATTEMPTS_PER_IP=10000000 \
  LOGIN_FAILURES_PER_ACCOUNT=10000000 REGISTRATIONS_PER_IP=10000000 REGISTRATIONS_GLOBAL=10000000 \
  PASSWORD_HASH_QUEUE=1000 ACCOUNT_DELETION_REAUTH_WINDOW=1ms \
  APPLE_SIGN_IN_AUDIENCES=com.oneshot.fuzz APPLE_SIGN_IN_JWKS_URL=http://127.0.0.1:9/auth/keys \
  GOOGLE_SIGN_IN_CLIENT_IDS=fuzz.apps.googleusercontent.com GOOGLE_SIGN_IN_CERTS_URL=http://127.0.0.1:9/oauth2/v1/certs \
  node --import tsx api/server.ts >"$REPORT_DIR/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$URL/healthz" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { say "ERROR: the API exited"; exit 1; }
  sleep 0.5
done
curl -fsS "$URL/healthz" >/dev/null || { say "ERROR: the API did not come up"; exit 1; }

session=$(curl -fsS -X POST "$URL/auth/register" -H 'content-type: application/json' \
  -d "{\"email\":\"fuzz-$$@example.com\",\"password\":\"fuzzing is fun $$\"}")
TOKEN=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])' <<<"$session")

say "schemathesis against $URL/openapi.json"
status=0
# From the report directory: schemathesis keeps its replay store (.schemathesis/) in the working directory.
(cd "$REPORT_DIR" && "$ST" --config-file "$ROOT/test/fuzz/schemathesis.toml" run "$URL/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all --phases examples,coverage,fuzzing \
  --max-examples "${FUZZ_MAX_EXAMPLES:-25}" --max-time "${FUZZ_MAX_TIME:-180}" --seed "${FUZZ_SEED:-20270102}" \
  --workers 2 --request-timeout 20 --suppress-health-check all --no-color \
  --report junit,ndjson --report-dir "$REPORT_DIR" ${FUZZ_JUNIT:+--report-junit-path "$FUZZ_JUNIT"}) | tee "$REPORT_DIR/schemathesis.txt" || status=${PIPESTATUS[0]}
say "$(grep -Eo '[0-9]+ generated' "$REPORT_DIR/schemathesis.txt" | tail -n 1 || echo '? generated') requests; reports in $REPORT_DIR"
exit "$status"
