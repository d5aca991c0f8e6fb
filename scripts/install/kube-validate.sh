#!/usr/bin/env bash
# Prints the path of a Python interpreter that can check rendered Kubernetes objects strictly
# (test/component/deploy/kube_validate.py):
#   kubernetes-validate  the Kubernetes API's JSON schemas (generated from its OpenAPI, one set per minor version),
#                        in a strict variant that rejects unknown fields
#   cloudcoil-models-keda  KEDA's ScaledObject types (generated from KEDA's CRDs) as pydantic models
# Both come from PyPI, pinned below (with every dependency), into a virtualenv cached under
# ~/.cache/oneshot/kube-validate/<hash of the pins>. Progress goes to stderr; stdout carries only the path.
set -euo pipefail

PINS=(
  kubernetes-validate==1.37.0 jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0
  rpds-py==2026.9.1 attrs==26.1.0 importlib_resources==7.1.0 packaging==26.4 PyYAML==6.0.4 typing_extensions==4.16.0
  cloudcoil.models.keda==2.16.1.0 cloudcoil==0.6.0 pydantic==2.14.4 pydantic_core==2.50.5 annotated-types==0.8.0
  typing-inspection==0.4.5 httpx==0.29.0 httpcore==1.0.9 h11==0.16.0 anyio==4.16.0 idna==3.20 certifi==2026.10.19.post1
)
say() { printf '[install/kube-validate] %s\n' "$*" >&2; }

key=$(printf '%s\n' "${PINS[@]}" "$(python3 --version 2>&1)" | sha256sum | cut -c1-16)
dir="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/kube-validate/$key"
ready() { [[ -f $dir/.complete && -x $dir/bin/python ]] && "$dir/bin/python" -c 'import kubernetes_validate, cloudcoil.models.keda' 2>/dev/null; }

if ready; then printf '%s\n' "$dir/bin/python"; exit 0; fi
command -v python3 >/dev/null || { say "ERROR: python3 not found"; exit 1; }
mkdir -p "$(dirname "$dir")"
exec 9>"$(dirname "$dir")/.install.lock"
flock -w 900 9 || { say "ERROR: timed out waiting for another installer"; exit 1; }
if ready; then printf '%s\n' "$dir/bin/python"; exit 0; fi

rm -rf "$dir"
say "creating $dir (PyPI: kubernetes-validate, cloudcoil-models-keda)"
python3 -m venv "$dir" >&2
"$dir/bin/pip" install --quiet --disable-pip-version-check --no-input --only-binary=:all: "${PINS[@]}" >&2 ||
  { rm -rf "$dir"; say "ERROR: pip install failed"; exit 1; }
"$dir/bin/python" -c 'import kubernetes_validate, cloudcoil.models.keda' ||
  { rm -rf "$dir"; say "ERROR: the validators do not import"; exit 1; }
touch "$dir/.complete"
printf '%s\n' "$dir/bin/python"
