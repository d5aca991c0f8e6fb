# shellcheck shell=bash
# shellcheck disable=SC2016  # single-quoted scripts for node -e / bash -c expand later, by design
# Shared helpers for scripts/stack/*.sh (sourced, not executed).

STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$STACK_DIR/../.." && pwd)
STATE_DIR=${ONESHOT_STATE_DIR:-$REPO_ROOT/.local}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)

log()  { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] WARNING: %s\n' "$*" >&2; }
die()  { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
# elapsed seconds since a now_ms value, e.g. "3.42"
since() { local d=$(( $(now_ms) - $1 )); printf '%d.%02d' $((d / 1000)) $((d % 1000 / 10)); }

# wait_until TIMEOUT_S DESCRIPTION CMD [ARGS...]
# Polls CMD (every 0.2 s) until it succeeds; returns 1 after TIMEOUT_S seconds.
wait_until() {
  local timeout=$1 desc=$2; shift 2
  local deadline=$(( $(now_ms) + timeout * 1000 ))
  while true; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if (( $(now_ms) >= deadline )); then
      warn "timed out after ${timeout}s waiting for $desc"
      return 1
    fi
    sleep 0.2
  done
}

# TCP port accepting connections?
port_open() { # host port
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# process exists and is not a zombie (an init that does not reap leaves zombies that pass kill -0)
proc_alive() { # pid
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

# pid from a pid file if that process is alive
pidfile_pid() { # file
  local f=$1 pid
  [[ -s $f ]] || return 1
  read -r pid <"$f" || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  proc_alive "$pid" || return 1
  printf '%s\n' "$pid"
}
pid_alive() { pidfile_pid "$1" >/dev/null; }
proc_gone() { ! proc_alive "$1"; }

# stop_pid PID NAME [TIMEOUT_S]: SIGTERM, bounded wait, then SIGKILL.
stop_pid() {
  local pid=$1 name=$2 timeout=${3:-30}
  proc_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  if wait_until "$timeout" "$name (pid $pid) to exit" proc_gone "$pid"; then
    return 0
  fi
  warn "$name (pid $pid) ignored SIGTERM for ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_until 10 "$name (pid $pid) to die" proc_gone "$pid"
}

# stop_pidfile FILE NAME [TIMEOUT_S]
stop_pidfile() {
  local pid
  if pid=$(pidfile_pid "$1"); then
    stop_pid "$pid" "$2" "${3:-30}"
  fi
  rm -f "$1"
}

# random lowercase hex string of N bytes (2N chars)
rand_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# env file helpers: value quoted only when needed (single quotes; works for bash `source` and node --env-file)
env_line() { # key value
  local k=$1 v=$2
  if [[ $v =~ ^[A-Za-z0-9_./:@%+=,-]*$ ]]; then
    printf '%s=%s\n' "$k" "$v"
  else
    printf "%s='%s'\n" "$k" "${v//\'/\'\\\'\'}"
  fi
}
# echo through a caller-supplied variable, if set
env_passthrough() { # key...
  local k
  for k in "$@"; do
    if [[ -n ${!k+x} ]]; then env_line "$k" "${!k}"; fi
  done
}
