#!/usr/bin/env bash
# Prints the path of `promtool` (Prometheus's config and rule checker) for the deploy/ tests.
# $PROMTOOL_BIN when set; else a cached build under ~/.cache/oneshot/promtool/<version> (sha256 recorded at build);
# else `go install` of the pinned Prometheus module through the Go module proxy (a few minutes on a cold Go cache).
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail

VERSION=v0.316.0   # the Go module version of Prometheus 3.16.0
DIR="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/promtool/$VERSION"

say() { printf '[install/promtool] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -n ${PROMTOOL_BIN:-} ]]; then
  "$PROMTOOL_BIN" --version >/dev/null 2>&1 || die "PROMTOOL_BIN=$PROMTOOL_BIN does not answer --version"
  printf '%s\n' "$PROMTOOL_BIN"
  exit 0
fi

cached() {
  [[ -x $DIR/promtool && -f $DIR/promtool.sha256 ]] || return 1
  if [[ $(sha256 "$DIR/promtool") != "$(cat "$DIR/promtool.sha256")" ]]; then
    say "cached $DIR/promtool does not match its recorded sha256; discarding it"
    rm -f "$DIR/promtool" "$DIR/promtool.sha256"
    return 1
  fi
  printf '%s\n' "$DIR/promtool"
}

cached && exit 0
command -v go >/dev/null || die "go not found: install Go, or set PROMTOOL_BIN"

mkdir -p "$DIR"
exec 9>"$DIR/.install.lock"
flock -w 1800 9 || die "timed out waiting for another installer (lock $DIR/.install.lock)"
cached && exit 0

tmp=$(mktemp -d "$DIR/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "building promtool $VERSION with go install (minutes on a cold Go cache)"
GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath "github.com/prometheus/prometheus/cmd/promtool@$VERSION" >&2 ||
  die "go install github.com/prometheus/prometheus/cmd/promtool@$VERSION failed"
"$tmp/promtool" --version >/dev/null || die "the built promtool does not run"
sha256 "$tmp/promtool" >"$DIR/promtool.sha256"
mv -f "$tmp/promtool" "$DIR/promtool"
say "promtool cached in $DIR"
printf '%s\n' "$DIR/promtool"
