#!/usr/bin/env bash
# Installs npm dependencies with `npm ci` only when needed:
#   - node_modules is missing, or
#   - package-lock.json changed since the last successful install (sha256 stamped in
#     node_modules/.oneshot-lock-sha).
# Without a stamp (node_modules installed by other means), the installed tree recorded by npm in
# node_modules/.package-lock.json is compared with package-lock.json; when they agree only the stamp is written.
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's postinstall would fetch the CUDA provider from NuGet.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# npm ci and install scripts run on the Node that package.json's engines require (fetched if the machine's is older)
PATH="$(bash scripts/install/node.sh):$PATH"
export ONNXRUNTIME_NODE_INSTALL=skip
STAMP=node_modules/.oneshot-lock-sha

[[ -f package-lock.json ]] || { echo "[ensure-deps] ERROR: package-lock.json missing" >&2; exit 1; }
want=$(sha256sum package-lock.json | cut -d' ' -f1)

up_to_date() { [[ -d node_modules && -f $STAMP && $(cat "$STAMP") == "$want" ]]; }

# installed tree == lockfile? (every non-optional locked package at its locked version, nothing extra)
tree_matches_lock() {
  [[ -f node_modules/.package-lock.json ]] || return 1
  node -e '
    const fs = require("fs");
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages || {};
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages || {};
    for (const [k, v] of Object.entries(lock)) {
      if (!k.startsWith("node_modules/")) continue;
      const h = have[k];
      if (h ? h.version !== v.version : !v.optional) process.exit(1);
    }
    for (const k of Object.keys(have)) if (k.startsWith("node_modules/") && !lock[k]) process.exit(1);
  ' 2>/dev/null
}

up_to_date && exit 0

# serialise concurrent callers (lock on the lockfile itself: npm ci never rewrites it)
exec 9<package-lock.json
flock -w 1800 9 || { echo "[ensure-deps] ERROR: timed out waiting for another install" >&2; exit 1; }
up_to_date && exit 0

if [[ -d node_modules && ! -f $STAMP ]] && tree_matches_lock; then
  printf '%s\n' "$want" >"$STAMP"
  echo "[ensure-deps] node_modules matches package-lock.json; stamped" >&2
  exit 0
fi

echo "[ensure-deps] npm ci (package-lock.json sha256 ${want:0:12})" >&2
t0=$(date +%s)
npm ci --no-audit --no-fund 9<&-
printf '%s\n' "$want" >"$STAMP"
echo "[ensure-deps] done in $(( $(date +%s) - t0 ))s" >&2
