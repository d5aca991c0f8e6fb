#!/usr/bin/env bash
# Prints the path of a verified `stripe-mock` binary (Stripe's own mock of its API, used by the integration tests).
#
# Resolution order:
#   1. $STRIPE_MOCK_BIN (explicit path; must be executable)
#   2. cached ~/.cache/oneshot/stripe-mock/<version>/stripe-mock   (sha256 recorded at build, checked on every use)
#   3. go install github.com/stripe/stripe-mock@<version>           (the Go toolchain checks the module's checksum)
# The cache root can be moved with ONESHOT_CACHE_DIR. Concurrent callers are serialised with flock.
# Progress goes to stderr; stdout carries only the resulting path.
set -euo pipefail

VERSION=0.203.0
CACHE_DIR="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/stripe-mock/$VERSION"
BIN="$CACHE_DIR/stripe-mock"

say() { printf '[install/stripe-mock] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

check_cached() {
  [[ -x $BIN && -f $BIN.sha256 ]] || return 1
  if [[ $(sha256 "$BIN") != "$(cat "$BIN.sha256")" ]]; then
    say "cached $BIN does not match its recorded sha256; discarding it"
    rm -f "$BIN" "$BIN.sha256"
    return 1
  fi
  printf '%s\n' "$BIN"
}

build() {
  command -v go >/dev/null || die "go not found: install Go, or set STRIPE_MOCK_BIN"
  local tmp
  tmp=$(mktemp -d "$CACHE_DIR/.build.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" RETURN
  say "building stripe-mock v$VERSION with go install (about a minute on a cold Go cache)"
  GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath "github.com/stripe/stripe-mock@v$VERSION" >&2 || die "go install failed"
  "$tmp/stripe-mock" --help >/dev/null 2>&1 || die "the built binary does not run"
  sha256 "$tmp/stripe-mock" >"$BIN.sha256"
  mv -f "$tmp/stripe-mock" "$BIN"
  printf '%s\n' "$BIN"
}

if [[ -n ${STRIPE_MOCK_BIN:-} ]]; then
  [[ -x $STRIPE_MOCK_BIN ]] || die "STRIPE_MOCK_BIN=$STRIPE_MOCK_BIN is not an executable file"
  printf '%s\n' "$STRIPE_MOCK_BIN"
  exit 0
fi

check_cached && exit 0
mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.install.lock"
flock -w 900 9 || die "timed out waiting for another installer (lock $CACHE_DIR/.install.lock)"
check_cached && exit 0
build
