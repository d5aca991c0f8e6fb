# OneShot backend images: one image, three processes (api, worker-orchestrator, worker-inference) plus the
# `migrate` one-shot; temporal-compose.yml picks the command. TypeScript runs through tsx (no build step).
# Targets:
#   app (default)  Node 24 LTS, CPU inference (onnxruntime-node's bundled CPU provider)
#   gpu            onnxruntime-node's CUDA provider with the CUDA 13 / cuDNN 9 libraries from PyPI
#                  (scripts/install/onnxruntime-cuda.sh), ONNX_EXECUTION_PROVIDER=cuda; for worker-inference
#                  (`docker build --target gpu`; bench/gpu-check.sh checks the same provider on a GPU machine)
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---------------------------------------------------------------- npm dependencies with the CUDA provider
FROM ${NODE_IMAGE} AS deps-gpu
WORKDIR /app
# pip downloads the wheels; readelf lets the installer check that every library the provider links is there.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip binutils \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The CUDA provider and the CUDA 13 / cuDNN 9 libraries it loads, from PyPI (pinned, sha256-checked): the same script
# as on any machine (docs/models.md). The provider goes next to onnxruntime-node's libonnxruntime.so.1, the CUDA
# libraries to /opt/onnxruntime-cuda/lib.
COPY scripts/install/onnxruntime-cuda.sh scripts/install/
RUN ONNXRUNTIME_CUDA_LIB_DIR=/opt/onnxruntime-cuda/lib ONESHOT_CACHE_DIR=/tmp/oneshot-cache bash scripts/install/onnxruntime-cuda.sh \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && rm -rf /tmp/oneshot-cache

# ---------------------------------------------------------------- gpu
# The CUDA libraries travel in the image; only the driver's libcuda.so.1 comes from the host (NVIDIA container
# toolkit, driver >= 580 for CUDA 13). A worker that cannot run CUDA refuses to start (ONNX_EXECUTION_PROVIDER=cuda).
FROM ${NODE_IMAGE} AS gpu
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    ONNX_EXECUTION_PROVIDER=cuda \
    LD_LIBRARY_PATH=/opt/onnxruntime-cuda/lib \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=deps-gpu /app/node_modules ./node_modules
COPY --from=deps-gpu /opt/onnxruntime-cuda /opt/onnxruntime-cuda
COPY . .
RUN mkdir -p /models && chown node:node /models
USER node
CMD ["npx", "tsx", "workers/inference.ts"]

# ---------------------------------------------------------------- app (default target)
FROM ${NODE_IMAGE} AS app

ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app

# Dependencies first (cached while package*.json are unchanged). onnxruntime-node's postinstall would fetch the
# CUDA provider from NuGet: skipped; the CPU provider is bundled (the gpu target installs the CUDA one).
COPY package.json package-lock.json .npmrc ./
# tsx (a runtime dependency) runs the TypeScript entry points; there is no build step.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npx --offline tsx --version \
 && npm cache clean --force

COPY . .
RUN mkdir -p /models && chown node:node /models
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
