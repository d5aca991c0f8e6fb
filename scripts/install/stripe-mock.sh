#!/usr/bin/env bash
# Prints the path of a verified `stripe-mock` binary (Stripe's own mock of its API, used by the integration tests):
# $STRIPE_MOCK_BIN when set (must be executable); else a cached build of the pinned module, or a fresh one
# (scripts/install/go-tool.sh). The cache root can be moved with ONESHOT_CACHE_DIR.
set -euo pipefail

VERSION=0.203.0

if [[ -n ${STRIPE_MOCK_BIN:-} ]]; then
  [[ -x $STRIPE_MOCK_BIN ]] || { printf '[install/stripe-mock] ERROR: STRIPE_MOCK_BIN=%s is not an executable file\n' "$STRIPE_MOCK_BIN" >&2; exit 1; }
  printf '%s\n' "$STRIPE_MOCK_BIN"
  exit 0
fi

# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"
install_go_tool stripe-mock "$VERSION" "github.com/stripe/stripe-mock@v$VERSION" 900 --help
