#!/usr/bin/env bash
# Local development stack: PostgreSQL, Temporal (dev server + Web UI), S3 (Ceph radosgw).
#
#   scripts/stack/stack.sh up [postgres|temporal|s3 ...]   start what is not already healthy
#   scripts/stack/stack.sh down                            stop everything this stack started
#   scripts/stack/stack.sh status                          exit 0 only if every managed service is healthy
#   scripts/stack/stack.sh env                             print $STATE/stack.env (sourceable KEY=value)
#   scripts/stack/stack.sh pids                            print name=pid of each running server (benchmarks)
#
# State: ${ONESHOT_STATE_DIR:-<repo>/.local}. Ports: PG_PORT (54329), TEMPORAL_PORT (7233),
# TEMPORAL_UI_PORT (8233), S3_PORT (7480), CEPH_MON_PORT (3300, fixed at the S3 cluster's first init).
# Caller-supplied services are not started and are echoed through to stack.env unchanged:
#   DATABASE_URL set -> no local postgres;  S3_ENDPOINT set -> no local S3;
#   TEMPORAL_ADDRESS set to something other than 127.0.0.1|localhost:$TEMPORAL_PORT -> no local Temporal.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$HERE/lib.sh"
# shellcheck source=postgres.sh
source "$HERE/postgres.sh"
# shellcheck source=temporal.sh
source "$HERE/temporal.sh"
# shellcheck source=s3.sh
source "$HERE/s3.sh"

ENV_FILE=$STATE_DIR/stack.env
ALL_SERVICES=(postgres temporal s3)

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

# Is the service run by this stack (true) or supplied by the caller (false)?
managed() {
  case $1 in
    postgres)
      [[ -z ${DATABASE_URL:-} ]] && return 0
      # a DATABASE_URL that came from our own stack.env (sourced into the shell) is still ours
      [[ -s $ENV_FILE && $(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE") == "$DATABASE_URL" ]]
      ;;
    temporal) t_is_local_address ;;
    s3) s3_is_local_endpoint ;;
  esac
}

external_reason() {
  case $1 in
    postgres) echo "DATABASE_URL supplied" ;;
    temporal) echo "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS" ;;
    s3) echo "S3_ENDPOINT=$S3_ENDPOINT" ;;
  esac
}

svc() { # service action
  case $1 in
    postgres) "pg_$2" ;;
    temporal) "t_$2" ;;
    s3) "s3_$2" ;;
  esac
}

write_env() {
  local tmp
  tmp=$(mktemp "$STATE_DIR/.stack.env.XXXXXX")
  {
    echo "# Written by scripts/stack/stack.sh up (services it runs, plus caller-supplied ones)."
    echo "# Source it (set -a; . stack.env) or pass it to node --env-file."
    if managed postgres; then
      if pg_running_pid >/dev/null; then pg_env; fi
    else
      env_passthrough DATABASE_URL
    fi
    if managed temporal; then
      if pid_alive "$T_PIDFILE"; then t_env; fi
    else
      env_passthrough TEMPORAL_ADDRESS TEMPORAL_NAMESPACE TEMPORAL_UI_URL
    fi
    if managed s3; then
      if s3_all_alive; then s3_env; fi
    else
      env_passthrough S3_ENDPOINT S3_REGION S3_BUCKET S3_KEY S3_SECRET S3_FORCE_PATH_STYLE
    fi
  } >"$tmp"
  chmod 0600 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

# up/down run under an exclusive lock. flock -o: the lock fd is held by the flock process only, so the
# daemons started by up do not inherit it (they would keep the lock forever).
with_lock() { # args of this script
  if [[ ${ONESHOT_STACK_LOCKED:-} != "$STATE_DIR" ]]; then
    ONESHOT_STACK_LOCKED=$STATE_DIR exec flock -o -w 900 "$STATE_DIR/stack.lock" bash "${BASH_SOURCE[0]}" "$@"
  fi
}

cmd_up() {
  local t0 s services=("$@")
  t0=$(now_ms)
  [[ ${#services[@]} -gt 0 ]] || services=("${ALL_SERVICES[@]}")
  for s in "${services[@]}"; do
    [[ " ${ALL_SERVICES[*]} " == *" $s "* ]] || die "unknown service '$s' (expected: ${ALL_SERVICES[*]})"
  done
  for s in "${services[@]}"; do
    if managed "$s"; then svc "$s" up; else log "$s: external ($(external_reason "$s")), not started"; fi
  done
  write_env
  log "up: done in $(since "$t0")s; environment in $ENV_FILE"
}

cmd_down() {
  s3_down
  t_down
  pg_down
}

cmd_status() {
  local s rc=0
  for s in "${ALL_SERVICES[@]}"; do
    if managed "$s"; then
      svc "$s" status || rc=1
    else
      log "$s: external ($(external_reason "$s"))"
    fi
  done
  return "$rc"
}

cmd_env() {
  [[ -s $ENV_FILE ]] || die "no $ENV_FILE yet; run: scripts/stack/stack.sh up"
  cat "$ENV_FILE"
}

# The running servers' main processes (their children are theirs): what the benchmarks charge CPU to.
cmd_pids() {
  local name file pid
  for name in postgres:"$(pg_datadir)/postmaster.pid" temporal:"$T_PIDFILE" temporal-ui:"$TS_UI_PIDFILE" \
      s3-mon:"$(s3_pidfile mon.a)" s3-osd:"$(s3_pidfile osd.0)" s3-rgw:"$(s3_pidfile client.rgw.a)"; do
    file=${name#*:}
    if pid=$(pidfile_pid "$file"); then printf '%s=%s\n' "${name%%:*}" "$pid"; fi
  done
}

case ${1:-} in
  up) with_lock "$@"; shift; cmd_up "$@" ;;
  down) with_lock "$@"; cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  pids) cmd_pids ;;
  -h|--help|help) usage 0 ;;
  *) usage ;;
esac
