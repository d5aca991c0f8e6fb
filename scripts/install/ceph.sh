#!/usr/bin/env bash
# Ensures the Debian packages for the local S3 (Ceph radosgw, single mon + osd) and curl are installed.
# Fast no-op when present. Runs `apt-get update` only when something must be installed. Never autoremoves.
set -euo pipefail

say() { printf '[install/ceph] %s\n' "$*" >&2; }

missing=()
for pair in radosgw:radosgw ceph-mon:ceph-mon ceph-osd:ceph-osd curl:curl radosgw-admin:ceph-common ceph:ceph-common ceph-authtool:ceph-common monmaptool:ceph-base; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# de-duplicate package names
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
say "installing: $pkgs"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { say "ERROR: not root and no sudo; install manually: apt-get install -y --no-install-recommends $pkgs"; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
# shellcheck disable=SC2086
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends $pkgs >&2
for cmd in radosgw ceph-mon ceph-osd radosgw-admin ceph ceph-authtool monmaptool curl; do
  command -v "$cmd" >/dev/null || { say "ERROR: $cmd still missing after apt-get install"; exit 1; }
done
say "done"
