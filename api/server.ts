// API main: `npx tsx api/server.ts`. One process serves the port, or with API_PROCESSES > 1 a primary forks that
// many (node:cluster) and each serves it. SIGINT/SIGTERM drain in-flight requests, then exit.
import cluster from 'node:cluster';
import { apiProcessSchema, loadConfig } from '../domain/config/index.js';
import { createLogger } from '../integrations/logger.js';
import { superviseApiProcesses } from './cluster-primary.js';
import { serveApi } from './serve.js';

const config = loadConfig(apiProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'api' });
if (cluster.isPrimary && config.API_PROCESSES > 1) superviseApiProcesses(config.API_PROCESSES, logger, { host: config.METRICS_HOST, port: config.API_METRICS_PORT });
else await serveApi(config, logger);
