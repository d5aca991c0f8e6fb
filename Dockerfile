# OneShot backend images: one image, three processes (api, worker-orchestrator, worker-inference) plus the
# `migrate` one-shot; temporal-compose.yml picks the command. TypeScript runs through tsx (no build step).
# Targets:
#   app (default)  Node 24 LTS, CPU inference (onnxruntime-node's bundled CPU provider)
#   gpu            CUDA 12 + cuDNN 9 runtime with onnxruntime-node's CUDA provider, ONNX_EXECUTION_PROVIDER=cuda;
#                  for worker-inference (`docker build --target gpu`; docs/deployment.md says what was validated)
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---------------------------------------------------------------- npm dependencies with the CUDA provider
FROM ${NODE_IMAGE} AS deps-gpu
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# onnxruntime-node's postinstall fetches its CUDA 12 provider (libonnxruntime_providers_{cuda,shared,tensorrt}.so)
# from NuGet when asked to; the environment variable wins over the project's `.npmrc` skip.
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci --omit=dev --no-audit --no-fund \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && npm cache clean --force

# ---------------------------------------------------------------- gpu
# onnxruntime 1.30's CUDA provider is built for CUDA 12.x and cuDNN 9; the host needs an NVIDIA driver for CUDA 12.8
# and the NVIDIA container toolkit.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS gpu
# Node and npm from the official image (same build as the CPU target)
COPY --from=deps-gpu /usr/local/bin/node /usr/local/bin/node
COPY --from=deps-gpu /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    ONNX_EXECUTION_PROVIDER=cuda \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=deps-gpu /app/node_modules ./node_modules
COPY . .
# the CUDA image's unprivileged user (uid 1000, as `node` in the CPU image)
RUN mkdir -p /models && chown ubuntu:ubuntu /models
USER ubuntu
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
