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
# tsx runs the TypeScript entry points. While it is only a devDependency, `--omit=dev` leaves it out: it is then
# installed globally (where `npx tsx` finds it) at the exact version package-lock.json pins. Once tsx is a
# runtime dependency this step is a no-op.
RUN npm ci --omit=dev --no-audit --no-fund \
 && if [ ! -x node_modules/.bin/tsx ]; then \
      TSX_VERSION=$(node -p 'require("./package-lock.json").packages["node_modules/tsx"].version') \
      && npm install --global --no-audit --no-fund "tsx@${TSX_VERSION}"; \
    fi \
 && npx --offline tsx --version \
 && npm cache clean --force

COPY . .
RUN mkdir -p /models && chown node:node /models
USER node
EXPOSE 3000
CMD ["npx", "tsx", "api/server.ts"]
