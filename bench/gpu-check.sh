#!/usr/bin/env bash
# The GPU check, one command on a machine with an NVIDIA GPU (about 10 minutes from a bare checkout):
#   bash bench/gpu-check.sh [FIGURES_FILE]        (default .local/bench/gpu-check.txt)
# 1. Node and the npm dependencies when missing, the CUDA provider from PyPI (scripts/install/onnxruntime-cuda.sh,
#    which prints the library directory for LD_LIBRARY_PATH), the models;
# 2. the GPU and driver (onnxruntime-gpu 1.30 from PyPI is built for CUDA 13: driver >= 580);
# 3. x4plus and x4fast on CUDA against CPU on one 256² tile, TF32 off: max abs error <= 1e-3 (fails otherwise);
# 4. ms per 256² tile and per 512² ×4 job on CUDA;
# 5. the local stack (scripts/stack/stack.sh up) with a CUDA inference worker: jobs/s end to end for x4plus ×4 on a
#    512² photo at INFERENCE_CONCURRENCY 1 and 2.
# Every figure (and the first failure, with what is missing) goes to FIGURES_FILE as well as to the terminal.
# Without a GPU it stops at step 2 and says so. Exit status: 0 all passed, 1 a step failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=$(realpath -m "${1:-.local/bench/gpu-check.txt}")
BUDGET_S=${GPU_CHECK_BUDGET_S:-600}
MIN_DRIVER=580
mkdir -p "$(dirname "$OUT")"
: >"$OUT"

say() { printf '[gpu-check] %s\n' "$*" | tee -a "$OUT" >&2; }
fail() { say "FAILED: $*"; exit 1; }
left() { echo $((BUDGET_S - SECONDS)); }

say "$(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(uname -n)"

# ---------------------------------------------------------------- 1. Node, dependencies, provider, models (no GPU needed)
PATH="$(bash scripts/install/node.sh):$PATH"
export PATH
if [[ ! -f node_modules/onnxruntime-node/package.json || ! -d node_modules/piscina ]]; then
  say "installing npm dependencies (npm ci)"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >&2 || fail "npm ci failed"
fi
lib=$(bash scripts/install/onnxruntime-cuda.sh) || fail "scripts/install/onnxruntime-cuda.sh failed (see above)"
# After any directory already there (a forward-compatibility libcuda must come first).
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$lib"
say "CUDA provider installed; LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
npx tsx scripts/models/fetch-models.ts >&2 || fail "fetching the models failed"
say "setup done in ${SECONDS}s"

# ---------------------------------------------------------------- 2. the GPU
command -v nvidia-smi >/dev/null ||
  fail "no NVIDIA GPU here: nvidia-smi is not installed (this check needs a machine with an NVIDIA GPU and its driver)"
gpus=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) ||
  fail "nvidia-smi cannot reach the driver: $gpus"
say "GPU: $gpus"
driver=$(head -1 <<<"$gpus" | cut -d, -f2 | tr -d ' ')
# On data-center GPUs an older driver can run CUDA 13 through NVIDIA's forward-compatibility libcuda (package
# cuda-compat-13-*): put its directory first in LD_LIBRARY_PATH and set GPU_CHECK_ANY_DRIVER=1.
((${driver%%.*} >= MIN_DRIVER)) || [[ ${GPU_CHECK_ANY_DRIVER:-} == 1 ]] ||
  fail "NVIDIA driver $driver is too old for the CUDA 13 libraries onnxruntime-gpu 1.30 links (needs >= $MIN_DRIVER, or NVIDIA's cuda-compat-13 libcuda with GPU_CHECK_ANY_DRIVER=1)"

# ---------------------------------------------------------------- 3. CUDA equals CPU
bench() { npx tsx bench/inference-gpu.bench.ts "$@" --out "$OUT"; }
NVIDIA_TF32_OVERRIDE=0 bench compare || fail "CUDA output differs from CPU (or CUDA does not run: see $OUT)"

# ---------------------------------------------------------------- 4. device timings
bench timing || fail "timing failed"
# The same comparison with TF32 as production runs it: for information only.
bench compare || say "(with TF32 on, the CUDA output is over the limit: expected on Ampere and later GPUs)"

# ---------------------------------------------------------------- 5. end to end through the local stack
(($(left) > 120)) || fail "only $(left)s of the ${BUDGET_S}s budget left for the end-to-end run (set GPU_CHECK_BUDGET_S to allow more)"
timeout "$(left)" bash scripts/stack/stack.sh up >&2 || fail "the local stack did not come up within the budget (scripts/stack/stack.sh up)"
timeout "$(left)" npx tsx bench/inference-gpu.bench.ts e2e --out "$OUT" ||
  fail "the end-to-end run failed or ran out of time (process logs in .local/bench-logs/)"
say "all passed in ${SECONDS}s; figures in $OUT"
