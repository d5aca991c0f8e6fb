# shellcheck shell=bash
# shellcheck disable=SC2016  # single-quoted scripts for node -e / bash -c expand later, by design
# Local Temporal, run detached, in one of two modes (ONESHOT_TEMPORAL):
#   dev (default)  `temporal server start-dev`: single process, SQLite file, one history shard, bundled Web UI
#   server         the Temporal server of temporal-compose.yml on the stack's PostgreSQL + Web UI (temporal-server.sh)

TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
TEMPORAL_LOCAL_NAMESPACE=default
TEMPORAL_SEARCH_ATTRIBUTES=(UserId=Keyword JobType=Keyword JobStatus=Keyword JobFailureCode=Keyword CreditState=Keyword StoreAckState=Keyword)
T_STATE=$STATE_DIR/temporal
T_PIDFILE=$T_STATE/temporal.pid
T_LOG=$T_STATE/temporal.log
T_DB=$T_STATE/temporal.db
# the mode of the running server, written at start: a stack in the other mode must be stopped first
T_MODEFILE=$T_STATE/mode
TEMPORAL_MODE=${ONESHOT_TEMPORAL:-dev}
[[ $TEMPORAL_MODE == dev || $TEMPORAL_MODE == server ]] || die "ONESHOT_TEMPORAL=$TEMPORAL_MODE: expected dev or server"

t_address() { printf '127.0.0.1:%s\n' "$TEMPORAL_PORT"; }

# true when TEMPORAL_ADDRESS points at the stack's own server (or is unset)
t_is_local_address() {
  local a=${TEMPORAL_ADDRESS:-}
  [[ -z $a || $a == "127.0.0.1:$TEMPORAL_PORT" || $a == "localhost:$TEMPORAL_PORT" ]]
}

# binary recorded by the last start (health checks must not pay for a sha256 of 150 MB)
t_bin_cached() { [[ -s $T_STATE/bin ]] && [[ -x $(cat "$T_STATE/bin") ]] && cat "$T_STATE/bin"; }

# the CLI reads TEMPORAL_* from the environment; health checks of the local server must ignore the caller's
t_cli() {
  env -u TEMPORAL_ADDRESS -u TEMPORAL_NAMESPACE -u TEMPORAL_API_KEY -u TEMPORAL_PROFILE -u TEMPORAL_TLS \
    -u TEMPORAL_TLS_CERT -u TEMPORAL_TLS_KEY -u TEMPORAL_TLS_CA -u TEMPORAL_TLS_SERVER_NAME -u TEMPORAL_GRPC_META "$@"
}

t_grpc_ok() { # bin
  local out
  out=$(t_cli "$1" operator cluster health --address "$(t_address)" --command-timeout 3s 2>/dev/null) || return 1
  [[ $out == *SERVING* ]]
}
t_ui_ok() { curl -fsS -o /dev/null -m 3 "http://127.0.0.1:$TEMPORAL_UI_PORT/"; }
t_ns_ok() { # bin
  t_cli "$1" operator namespace describe --address "$(t_address)" --command-timeout 3s \
    --namespace "$TEMPORAL_LOCAL_NAMESPACE" >/dev/null 2>&1
}

# while starting: healthy, or the process died (stop waiting; the caller reports it)
t_starting_ok() { # bin
  pid_alive "$T_PIDFILE" || return 0
  t_grpc_ok "$1"
}

t_running_mode() { if [[ -s $T_MODEFILE ]]; then cat "$T_MODEFILE"; else echo dev; fi; }

t_health() {
  local bin
  pid_alive "$T_PIDFILE" || return 1
  [[ $(t_running_mode) == "$TEMPORAL_MODE" ]] || return 1
  [[ $TEMPORAL_MODE == dev ]] || { ts_health; return; }
  bin=$(t_bin_cached) || return 1
  t_grpc_ok "$bin" && t_ui_ok
}

# a server started before a search attribute was added gets it too (the dev server takes them at start only)
t_register_search_attributes() { # bin
  local sa known
  known=$(t_cli "$1" operator search-attribute list --address "$(t_address)" --namespace "$TEMPORAL_LOCAL_NAMESPACE" 2>/dev/null) || return 0
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
    grep -qw "${sa%%=*}" <<<"$known" && continue
    t_cli "$1" operator search-attribute create --address "$(t_address)" --namespace "$TEMPORAL_LOCAL_NAMESPACE" \
      --name "${sa%%=*}" --type "${sa#*=}" >/dev/null || die "temporal: could not register search attribute ${sa%%=*}"
  done
}

t_up() {
  mkdir -p "$T_STATE"
  if pid_alive "$T_PIDFILE" && [[ $(t_running_mode) != "$TEMPORAL_MODE" ]]; then
    die "temporal: the $(t_running_mode) server of $STATE_DIR is running; stop the stack first (npm run stack:down), or use another ONESHOT_STATE_DIR and ports"
  fi
  if [[ $TEMPORAL_MODE == server ]]; then ts_up; else t_up_dev; fi
}

t_up_dev() {
  local t0 bin
  t0=$(now_ms)
  if pid_alive "$T_PIDFILE"; then
    if wait_until 60 "temporal to become healthy" t_health; then
      t_register_search_attributes "$(t_bin_cached)"
      log "temporal: already running on $(t_address), UI http://127.0.0.1:$TEMPORAL_UI_PORT ($(since "$t0")s)"
      return 0
    fi
    die "temporal: process running but unhealthy; see $T_LOG"
  fi
  port_open 127.0.0.1 "$TEMPORAL_PORT" && die "temporal: port $TEMPORAL_PORT is taken by another process (set TEMPORAL_PORT)"
  port_open 127.0.0.1 "$TEMPORAL_UI_PORT" && die "temporal: UI port $TEMPORAL_UI_PORT is taken (set TEMPORAL_UI_PORT)"
  bin=$(bash "$REPO_ROOT/scripts/install/temporal.sh") || die "temporal: no binary (see scripts/install/temporal.sh)"
  printf '%s\n' "$bin" >"$T_STATE/bin"
  local args=(server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT"
    --db-filename "$T_DB" --namespace "$TEMPORAL_LOCAL_NAMESPACE" --log-level warn
    # WAL with synchronous=normal: commits survive a crash of the server process (not of the machine) and
    # no longer wait for an fsync each, which more than doubles the workflows per second the server sustains.
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal
    # The dev server keeps every workflow on one history shard, whose task-queue readers may each poll their queue
    # 20 times a second by default (a cluster spreads that over hundreds of shards). Under steady load every
    # workflow task then waited 30-45 ms for the transfer queue's next read: the saga baseline's sequential latency
    # went 250 → 55 ms with this raised (docs/performance.md).
    --dynamic-config-value history.transferProcessorMaxPollRPS=1000
    --dynamic-config-value history.timerProcessorMaxPollRPS=1000
    --dynamic-config-value history.visibilityProcessorMaxPollRPS=1000)
  local sa
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  # detached: own session, no terminal, pid written by the process itself
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$T_PIDFILE" "$bin" "${args[@]}" \
    >>"$T_LOG" 2>&1 </dev/null &
  disown 2>/dev/null || true
  wait_until 5 "temporal pid file" test -s "$T_PIDFILE" || die "temporal: failed to launch; see $T_LOG"
  printf 'dev\n' >"$T_MODEFILE"
  if ! wait_until 90 "temporal gRPC health on $(t_address)" t_starting_ok "$bin" || ! pid_alive "$T_PIDFILE"; then
    tail -n 20 "$T_LOG" >&2
    die "temporal: did not start; see $T_LOG"
  fi
  wait_until 60 "temporal namespace $TEMPORAL_LOCAL_NAMESPACE" t_ns_ok "$bin" || die "temporal: namespace missing; see $T_LOG"
  wait_until 30 "temporal Web UI on :$TEMPORAL_UI_PORT" t_ui_ok || die "temporal: Web UI not answering; see $T_LOG"
  log "temporal: started on $(t_address), UI http://127.0.0.1:$TEMPORAL_UI_PORT ($(since "$t0")s)"
}

t_down() {
  ts_down_ui
  if pid_alive "$T_PIDFILE"; then
    stop_pidfile "$T_PIDFILE" temporal 30
    log "temporal: stopped"
  else
    rm -f "$T_PIDFILE"
    log "temporal: not running"
  fi
}

t_status() {
  if t_health; then log "temporal ($TEMPORAL_MODE): healthy ($(t_address), UI http://127.0.0.1:$TEMPORAL_UI_PORT)"; return 0; fi
  if ! pid_alive "$T_PIDFILE"; then log "temporal: down"
  elif [[ $(t_running_mode) != "$TEMPORAL_MODE" ]]; then log "temporal: the $(t_running_mode) server runs, not the $TEMPORAL_MODE one (ONESHOT_TEMPORAL)"
  else log "temporal ($TEMPORAL_MODE): UNHEALTHY (process running)"; fi
  return 1
}

t_env() {
  env_line TEMPORAL_ADDRESS "$(t_address)"
  env_line TEMPORAL_NAMESPACE "$TEMPORAL_LOCAL_NAMESPACE"
  if [[ $TEMPORAL_MODE == dev ]] || ts_ui_enabled; then env_line TEMPORAL_UI_URL "http://127.0.0.1:$TEMPORAL_UI_PORT"; fi
}

# shellcheck source=temporal-server.sh
source "$STACK_DIR/temporal-server.sh"
