#!/usr/bin/env bash
# Prints the path of `promtool` (Prometheus's config and rule checker) for the deploy/ tests.
# $PROMTOOL_BIN when set; else a cached build under ~/.cache/oneshot/promtool/<version> (sha256 recorded at build);
# else `go install` of the pinned Prometheus module through the Go module proxy (a few minutes on a cold Go cache).
# Progress goes to stderr; stdout carries only the path.
set -euo pipefail

VERSION=v0.316.0   # the Go module version of Prometheus 3.16.0

if [[ -n ${PROMTOOL_BIN:-} ]]; then
  "$PROMTOOL_BIN" --version >/dev/null 2>&1 || { printf '[install/promtool] ERROR: PROMTOOL_BIN=%s does not answer --version\n' "$PROMTOOL_BIN" >&2; exit 1; }
  printf '%s\n' "$PROMTOOL_BIN"
  exit 0
fi

# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"
install_go_tool promtool "$VERSION" "github.com/prometheus/prometheus/cmd/promtool@$VERSION" 1800 --version
