# Sourced by the installers of tools built from a pinned Go module (stripe-mock, promtool, helm, the Temporal
# server): prints the path of a verified binary, cached under ~/.cache/oneshot/<name>/<version>/<name> (NAME, whatever
# the package's own binary is called, e.g. `server`) with the sha256 recorded at build and
# checked on every use, else built with `go install` through the Go module proxy (the Go toolchain checks the
# module's checksum). Concurrent callers are serialised with flock. Progress goes to stderr, the path to stdout.
#
#   install_go_tool NAME CACHE_VERSION MODULE@VERSION LOCK_WAIT_SECONDS PROBE_ARG...
# The probe (the built binary run with PROBE_ARG...) must succeed before the binary is cached.

install_go_tool() {
  local name=$1 version=$2 module=$3 lock_wait=$4
  shift 4
  local dir="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/$name/$version"
  local bin="$dir/$name"
  say() { printf '[install/%s] %s\n' "$name" "$*" >&2; }
  sha256() { sha256sum "$1" | cut -d' ' -f1; }

  cached() {
    [[ -x $bin && -f $bin.sha256 ]] || return 1
    if [[ $(sha256 "$bin") != "$(cat "$bin.sha256")" ]]; then
      say "cached $bin does not match its recorded sha256; discarding it"
      rm -f "$bin" "$bin.sha256"
      return 1
    fi
    printf '%s\n' "$bin"
  }

  cached && return 0
  command -v go >/dev/null || { say "ERROR: go not found: install Go, or point the installer at a binary"; return 1; }
  mkdir -p "$dir"
  exec 9>"$dir/.install.lock"
  flock -w "$lock_wait" 9 || { say "ERROR: timed out waiting for another installer (lock $dir/.install.lock)"; return 1; }
  cached && return 0

  local tmp built
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  # go install names the binary after the package path's last element
  built=${module%@*}
  built=${built##*/}
  say "building $name ($module) with go install (minutes on a cold Go cache)"
  if ! GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath "$module" >&2; then
    rm -rf "$tmp"
    say "ERROR: go install $module failed"
    return 1
  fi
  if ! "$tmp/$built" "$@" >/dev/null 2>&1; then
    rm -rf "$tmp"
    say "ERROR: the built $name does not run"
    return 1
  fi
  sha256 "$tmp/$built" >"$bin.sha256"
  mv -f "$tmp/$built" "$bin"
  rm -rf "$tmp"
  say "$name cached in $dir"
  printf '%s\n' "$bin"
}
