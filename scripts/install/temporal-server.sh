#!/usr/bin/env bash
# Prints the path of one piece of the production-shaped Temporal server (scripts/stack/temporal-server.sh):
#   temporal-server.sh server     the Temporal server (frontend, history, matching and worker services in one process)
#   temporal-server.sh sql-tool   temporal-sql-tool, which creates and migrates its PostgreSQL schema (schemas embedded)
#   temporal-server.sh ui         the Temporal Web UI server, pointed at that server
# Versions are the images temporal-compose.yml pins (temporalio/server and admin-tools 1.31.0, temporalio/ui 2.49.1;
# a component test keeps them equal). $TEMPORAL_SERVER_BIN / $TEMPORAL_SQL_TOOL_BIN / $TEMPORAL_UI_BIN win when set;
# else a cached build under ~/.cache/oneshot/<name>/<version> (sha256 recorded at build); else `go install` of the
# pinned module through the Go module proxy (server ~8 min cold on 2 cores, then the sql tool reuses its build cache;
# the UI embeds its 420 MB of assets). Progress goes to stderr; stdout carries only the path.
set -euo pipefail

SERVER_VERSION=v1.31.0
UI_VERSION=v2.49.1

explicit() { # variable probe-arg
  local path=${!1}
  "$path" "$2" >/dev/null 2>&1 || { printf '[install/temporal-server] ERROR: %s=%s does not run\n' "$1" "$path" >&2; exit 1; }
  printf '%s\n' "$path"
  exit 0
}

# shellcheck source=go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh"
case ${1:-} in
  server)
    [[ -z ${TEMPORAL_SERVER_BIN:-} ]] || explicit TEMPORAL_SERVER_BIN --help
    install_go_tool temporal-server "$SERVER_VERSION" "go.temporal.io/server/cmd/server@$SERVER_VERSION" 1800 --help
    ;;
  sql-tool)
    [[ -z ${TEMPORAL_SQL_TOOL_BIN:-} ]] || explicit TEMPORAL_SQL_TOOL_BIN --help
    install_go_tool temporal-sql-tool "$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" 1800 --help
    ;;
  ui)
    [[ -z ${TEMPORAL_UI_BIN:-} ]] || explicit TEMPORAL_UI_BIN --help
    install_go_tool temporal-ui "$UI_VERSION" "github.com/temporalio/ui-server/v2/cmd/server@$UI_VERSION" 1800 --help
    ;;
  *)
    printf 'usage: %s server|sql-tool|ui\n' "$0" >&2
    exit 2
    ;;
esac
