#!/usr/bin/env bash
# Prints the path of the local development secrets file, creating it once with random values.
# Production never reads this file: the processes there refuse to start without real secrets in the environment.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${ONESHOT_STATE_DIR:-$ROOT/.local}
FILE=$STATE_DIR/dev-secrets.env

mkdir -p "$STATE_DIR"
if [[ ! -s $FILE ]]; then
  umask 077
  printf 'JWT_SECRET=%s\n' "$(openssl rand -hex 32 2>/dev/null || node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" >"$FILE.tmp"
  mv "$FILE.tmp" "$FILE"
fi
echo "$FILE"
