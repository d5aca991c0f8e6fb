#!/usr/bin/env bash
# Prints the path of `helm` (deploy/helm's lint and template checks). $HELM_BIN when set; else a cached build under
# ~/.cache/oneshot/helm/<version> (sha256 recorded at build); else `go install` of the pinned Helm module through
# the Go module proxy (several minutes on a cold Go cache). Progress goes to stderr; stdout carries only the path.
set -euo pipefail

VERSION=v3.22.0

if [[ -n ${HELM_BIN:-} ]]; then
  "$HELM_BIN" version >/dev/null 2>&1 || { printf '[install/helm] ERROR: HELM_BIN=%s does not answer `version`\n' "$HELM_BIN" >&2; exit 1; }
  printf '%s\n' "$HELM_BIN"
  exit 0
fi

# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"
install_go_tool helm "$VERSION" "helm.sh/helm/v3/cmd/helm@$VERSION" 1800 version
