# shellcheck shell=bash
# shellcheck disable=SC2016  # single-quoted scripts for node -e / bash -c expand later, by design
# Production-shaped local Temporal (ONESHOT_TEMPORAL=server): the Temporal server that temporal-compose.yml runs
# (same version, 4 history shards, the compose file's dynamic config), all four services in one process, persisting
# to the stack's PostgreSQL (databases `temporal` and `temporal_visibility`, owned by a role `temporal`, schema set
# up by Temporal's own temporal-sql-tool), plus the Temporal Web UI server pointed at it. Binaries are built once
# from the Go module proxy and cached (scripts/install/temporal-server.sh). Sourced by temporal.sh, which chooses
# between this and the dev server; the pid file is the same, so `down`, `status` and the chaos run see either.
#
# Ports, from TEMPORAL_PORT (P, 7233): frontend gRPC P, history P+1, matching P+2, worker P+6, their membership
# ports P-300.., frontend HTTP P+10, Prometheus metrics P+30; Web UI TEMPORAL_UI_PORT (8233).
# TEMPORAL_UI=off runs the server without the Web UI (CI: saves the UI's build).

TS_STATE=$T_STATE/server
TS_CONFIG=$TS_STATE/config.yaml
TS_DYNAMIC_CONFIG=$TS_STATE/dynamicconfig.yaml
TS_PWFILE=$TS_STATE/db-password
TS_UI_ROOT=$TS_STATE/ui
TS_UI_PIDFILE=$T_STATE/ui.pid
TS_UI_LOG=$T_STATE/ui.log
TS_DB_ROLE=temporal
# The compose file's namespace retention (temporal-create-namespace)
TS_RETENTION=720h

ts_ui_enabled() { [[ ${TEMPORAL_UI:-on} != off ]]; }

# SQL as the cluster's superuser, on its maintenance database (node + pg, as pg_query does)
ts_admin_sql() { # sql [params...]
  (cd "$REPO_ROOT" && PGURL="$(pg_url postgres)" node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.env.PGURL, connectionTimeoutMillis: 5000 });
      await c.connect();
      try { await c.query(process.argv[1], process.argv.slice(2)); } finally { await c.end(); }
    })().catch((e) => { console.error(`[stack] temporal: ${e.message}`); process.exit(1); });
  ' "$@")
}

# login role for the Temporal server; its password is generated once and kept in $TS_PWFILE (mode 0600)
ts_ensure_role() {
  [[ -s $TS_PWFILE ]] || (umask 077 && rand_hex 24 >"$TS_PWFILE")
  # CREATE ROLE has no IF NOT EXISTS; the DO block makes it idempotent and re-applies the password
  ts_admin_sql "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$TS_DB_ROLE') THEN CREATE ROLE $TS_DB_ROLE LOGIN CREATEDB; END IF;
      EXECUTE format('ALTER ROLE $TS_DB_ROLE PASSWORD %L', '$(cat "$TS_PWFILE")');
    END \$\$"
}

# both databases and every schema version, with Temporal's own tool and the schemas embedded in it; idempotent,
# and skipped when this tool version already brought them up to date
ts_schema() { # sql-tool
  local tool=$1 stamp=$TS_STATE/schema-done
  [[ -s $stamp && $(cat "$stamp") == "$(sha256sum "$tool" | cut -c1-16):$(pg_actual_port)" ]] && return 0
  local db schema
  for db in temporal:temporal temporal_visibility:visibility; do
    local name=${db%%:*} schema=${db#*:}
    local sql=("$tool" --plugin postgres12 --ep 127.0.0.1 -p "$(pg_actual_port)" -u "$TS_DB_ROLE" --db "$name")
    SQL_PASSWORD=$(cat "$TS_PWFILE") "${sql[@]}" create-database >>"$T_LOG" 2>&1 || true
    SQL_PASSWORD=$(cat "$TS_PWFILE") "${sql[@]}" setup-schema -v 0.0 >>"$T_LOG" 2>&1 ||
      die "temporal: setup-schema of $name failed; see $T_LOG"
    SQL_PASSWORD=$(cat "$TS_PWFILE") "${sql[@]}" update-schema --schema-name "postgresql/v12/$schema" >>"$T_LOG" 2>&1 ||
      die "temporal: update-schema of $name failed; see $T_LOG"
  done
  printf '%s:%s\n' "$(sha256sum "$tool" | cut -c1-16)" "$(pg_actual_port)" >"$stamp"
}

# The dynamic config is the compose file's own (configs.temporal-dynamic-config), so the two cannot drift.
ts_write_dynamic_config() {
  (cd "$REPO_ROOT" && node -e '
    const { parse } = require("yaml");
    const compose = parse(require("fs").readFileSync("temporal-compose.yml", "utf8"), { merge: true });
    process.stdout.write(compose.configs["temporal-dynamic-config"].content);
  ') >"$TS_DYNAMIC_CONFIG.tmp" || die "temporal: cannot read the dynamic config from temporal-compose.yml"
  mv -f "$TS_DYNAMIC_CONFIG.tmp" "$TS_DYNAMIC_CONFIG"
}

ts_write_config() {
  local p=$TEMPORAL_PORT pw
  pw=$(cat "$TS_PWFILE")
  local store
  store() { # name database max-conns
    cat <<YAML
    $1:
      sql:
        pluginName: postgres12
        databaseName: $2
        connectAddr: "127.0.0.1:$(pg_actual_port)"
        connectProtocol: tcp
        user: $TS_DB_ROLE
        password: "$pw"
        maxConns: $3
        maxIdleConns: $3
        maxConnLifetime: 1h
YAML
  }
  service() { # name grpc membership [http]
    printf '  %s:\n    rpc:\n      grpcPort: %s\n      membershipPort: %s\n      bindOnLocalHost: true\n' "$1" "$2" "$3"
    if [[ -n ${4:-} ]]; then printf '      httpPort: %s\n' "$4"; fi
  }
  (umask 077 && {
    # Shape of the server's config/development-postgres12.yaml (v1.31.0), ports derived from TEMPORAL_PORT.
    cat <<YAML
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  # the temporalio/server image's default; fixed for the life of the database
  numHistoryShards: 4
  datastores:
YAML
    store postgres-default temporal 20
    store postgres-visibility temporal_visibility 10
    cat <<YAML
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:$((p + 30))"
services:
YAML
    service frontend "$p" "$((p - 300))" "$((p + 10))"
    service history "$((p + 1))" "$((p - 299))"
    service matching "$((p + 2))" "$((p - 298))"
    service worker "$((p + 6))" "$((p - 294))"
    cat <<YAML
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$p"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$TS_DYNAMIC_CONFIG"
  pollInterval: 10s
YAML
  } >"$TS_CONFIG.tmp") && mv -f "$TS_CONFIG.tmp" "$TS_CONFIG"
}

ts_write_ui_config() {
  mkdir -p "$TS_UI_ROOT/config"
  cat >"$TS_UI_ROOT/config/development.yaml" <<YAML
temporalGrpcAddress: "127.0.0.1:$TEMPORAL_PORT"
host: 127.0.0.1
port: $TEMPORAL_UI_PORT
publicPath: ""
enableUi: true
defaultNamespace: $TEMPORAL_LOCAL_NAMESPACE
refreshInterval: 1m
cors:
  cookieInsecure: true
  allowOrigins: []
YAML
}

# the namespace and the custom search attributes the workflows set (as compose's temporal-create-namespace)
ts_namespace() { # cli
  local cli=$1 sa name type
  t_ns_ok "$cli" ||
    t_cli "$cli" operator namespace create --address "$(t_address)" --namespace "$TEMPORAL_LOCAL_NAMESPACE" \
      --retention "$TS_RETENTION" >>"$T_LOG" 2>&1 || true
  wait_until 60 "temporal namespace $TEMPORAL_LOCAL_NAMESPACE" t_ns_ok "$cli" || die "temporal: namespace not created; see $T_LOG"
  # the frontend learns of a new namespace on its next namespace-cache refresh (≈ 10 s)
  ts_list_sa() { t_cli "$cli" operator search-attribute list --address "$(t_address)" --namespace "$TEMPORAL_LOCAL_NAMESPACE"; }
  wait_until 60 "namespace $TEMPORAL_LOCAL_NAMESPACE in the frontend's cache" ts_list_sa || die "temporal: cannot list search attributes; see $T_LOG"
  local have
  have=$(ts_list_sa 2>>"$T_LOG") || die "temporal: cannot list search attributes; see $T_LOG"
  for sa in "${TEMPORAL_SEARCH_ATTRIBUTES[@]}"; do
    name=${sa%%=*} type=${sa#*=}
    grep -qw "$name" <<<"$have" && continue
    t_cli "$cli" operator search-attribute create --address "$(t_address)" --namespace "$TEMPORAL_LOCAL_NAMESPACE" \
      --name "$name" --type "$type" >>"$T_LOG" 2>&1 || die "temporal: search attribute $name not created; see $T_LOG"
  done
}

ts_launch() { # pidfile log bin args...
  local pidfile=$1 logfile=$2
  shift 2
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null &
  disown 2>/dev/null || true
  wait_until 5 "pid file $pidfile" test -s "$pidfile"
}

ts_health() {
  local cli
  pid_alive "$T_PIDFILE" || return 1
  cli=$(t_bin_cached) || return 1
  t_grpc_ok "$cli" || return 1
  ! ts_ui_enabled || { pid_alive "$TS_UI_PIDFILE" && t_ui_ok; }
}

ts_up() {
  local t0 cli server tool ui=
  t0=$(now_ms)
  mkdir -p "$TS_STATE"
  if pid_alive "$T_PIDFILE"; then
    if ts_health; then
      log "temporal (server): already running on $(t_address)$(ts_ui_enabled && echo ", UI http://127.0.0.1:$TEMPORAL_UI_PORT") ($(since "$t0")s)"
      return 0
    fi
  fi
  # the server persists to the stack's PostgreSQL even when the app's database is elsewhere (DATABASE_URL)
  pg_running_pid >/dev/null || pg_up
  cli=$(bash "$REPO_ROOT/scripts/install/temporal.sh") || die "temporal: no CLI binary (see scripts/install/temporal.sh)"
  printf '%s\n' "$cli" >"$T_STATE/bin"
  if ! pid_alive "$T_PIDFILE"; then
    port_open 127.0.0.1 "$TEMPORAL_PORT" && die "temporal: port $TEMPORAL_PORT is taken by another process (set TEMPORAL_PORT)"
    server=$(bash "$REPO_ROOT/scripts/install/temporal-server.sh" server) || die "temporal: no server binary (see scripts/install/temporal-server.sh)"
    tool=$(bash "$REPO_ROOT/scripts/install/temporal-server.sh" sql-tool) || die "temporal: no temporal-sql-tool (see scripts/install/temporal-server.sh)"
    ts_ensure_role
    ts_schema "$tool"
    ts_write_dynamic_config
    ts_write_config
    ts_launch "$T_PIDFILE" "$T_LOG" "$server" --config-file "$TS_CONFIG" --allow-no-auth start ||
      die "temporal: failed to launch; see $T_LOG"
    printf 'server\n' >"$T_MODEFILE"
    if ! wait_until 120 "temporal gRPC health on $(t_address)" t_starting_ok "$cli" || ! pid_alive "$T_PIDFILE"; then
      tail -n 20 "$T_LOG" >&2
      die "temporal: did not start; see $T_LOG"
    fi
  fi
  ts_namespace "$cli"
  if ts_ui_enabled; then
    if ! pid_alive "$TS_UI_PIDFILE"; then
      port_open 127.0.0.1 "$TEMPORAL_UI_PORT" && die "temporal: UI port $TEMPORAL_UI_PORT is taken (set TEMPORAL_UI_PORT)"
      ui=$(bash "$REPO_ROOT/scripts/install/temporal-server.sh" ui) || die "temporal: no Web UI binary (see scripts/install/temporal-server.sh)"
      ts_write_ui_config
      ts_launch "$TS_UI_PIDFILE" "$TS_UI_LOG" "$ui" --root "$TS_UI_ROOT" --config config --env development start ||
        die "temporal: Web UI failed to launch; see $TS_UI_LOG"
    fi
    wait_until 30 "temporal Web UI on :$TEMPORAL_UI_PORT" t_ui_ok || die "temporal: Web UI not answering; see $TS_UI_LOG"
  fi
  log "temporal (server 1.31.0 on PostgreSQL): started on $(t_address)$(ts_ui_enabled && echo ", UI http://127.0.0.1:$TEMPORAL_UI_PORT") ($(since "$t0")s)"
}

ts_down_ui() {
  if pid_alive "$TS_UI_PIDFILE"; then stop_pidfile "$TS_UI_PIDFILE" temporal-ui 15; fi
  rm -f "$TS_UI_PIDFILE"
}
