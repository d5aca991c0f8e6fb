# OneShot backend image: one image, three processes (api, worker-orchestrator, worker-inference) plus the
# `migrate` one-shot; temporal-compose.yml picks the command. TypeScript runs through tsx (no build step).
FROM node:20.20.2-bookworm-slim

ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app

# Dependencies first (cached while package*.json are unchanged). onnxruntime-node's postinstall would fetch the
# CUDA provider from NuGet: skipped; the CPU provider is bundled (a CUDA image must supply its own provider).
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
