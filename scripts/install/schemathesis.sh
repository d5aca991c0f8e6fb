#!/usr/bin/env bash
# Prints the path of a `st` (schemathesis, the OpenAPI fuzzer of the schema-fuzzing tier, test/fuzz/run.sh) from
# PyPI, pinned with every dependency: pure-Python wheels by version and sha256 (test/fuzz/requirements.hashes.txt,
# pip --require-hashes), compiled ones by version (test/fuzz/requirements.native.txt). Installed from wheels only,
# without dependency resolution, into a virtualenv cached under ~/.cache/oneshot/schemathesis/<hash of the pins>
# (ONESHOT_CACHE_DIR moves the cache root). Progress goes to stderr; stdout carries only the path.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HASHED="$ROOT/test/fuzz/requirements.hashes.txt"
NATIVE="$ROOT/test/fuzz/requirements.native.txt"
say() { printf '[install/schemathesis] %s\n' "$*" >&2; }

command -v python3 >/dev/null || { say "ERROR: python3 not found"; exit 1; }
key=$(cat "$HASHED" "$NATIVE" <(python3 --version 2>&1) | sha256sum | cut -c1-16)
dir="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/schemathesis/$key"
ready() { [[ -f $dir/.complete && -x $dir/bin/st ]]; }

if ready; then printf '%s\n' "$dir/bin/st"; exit 0; fi
mkdir -p "$(dirname "$dir")"
exec 9>"$(dirname "$dir")/.install.lock"
flock -w 900 9 || { say "ERROR: timed out waiting for another installer"; exit 1; }
if ready; then printf '%s\n' "$dir/bin/st"; exit 0; fi

rm -rf "$dir"
say "creating $dir (PyPI: schemathesis)"
python3 -m venv "$dir" >&2
pip=("$dir/bin/pip" install --quiet --disable-pip-version-check --no-input --no-deps --only-binary=:all:)
{ "${pip[@]}" -r "$NATIVE" >&2 && "${pip[@]}" --require-hashes -r "$HASHED" >&2; } || { rm -rf "$dir"; say "ERROR: pip install failed"; exit 1; }
# The pins must be a complete, consistent set: nothing was resolved, so check what was installed.
"$dir/bin/pip" check >&2 || { rm -rf "$dir"; say "ERROR: the pinned set is incomplete (pip check)"; exit 1; }
"$dir/bin/st" --version >&2 || { rm -rf "$dir"; say "ERROR: st does not run"; exit 1; }
touch "$dir/.complete"
printf '%s\n' "$dir/bin/st"
