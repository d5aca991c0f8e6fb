import cluster from 'node:cluster';
import { once } from 'node:events';
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import pg from 'pg';
import { createOrm } from '../db/orm.js';
import type { ApiConfig } from '../domain/config/index.js';
import { createBillingService } from '../application/billing/wiring.js';
import { ChangeFeed } from '../integrations/change-feed.js';
import type { Logger } from '../integrations/logger.js';
import { createApiMetrics } from '../integrations/metrics/api-metrics.js';
import { serveMetrics } from '../integrations/metrics/server.js';
import { taskQueuesFrom } from '../domain/task-queues.js';
import { createObjectStore } from '../integrations/object-store.js';
import { connectTemporalClient, untilConnected } from '../integrations/temporal.js';
import { startTracing } from '../integrations/tracing.js';
import { createApp } from './app.js';
import { createRateLimiters } from './middleware/rate-limit.js';
import { readinessChecks } from './readiness.js';

/**
 * This process's metrics registry. Alone, it serves the registry on API_METRICS_PORT itself; as one of several
 * cluster processes, it hands the registry to the primary, which serves the sum (api/cluster-primary.ts).
 */
function apiRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (cluster.isWorker) AggregatorRegistry.setRegistries([registry]);
  return registry;
}

/** One API process: builds its dependencies, listens, and drains on SIGINT/SIGTERM. */
export async function serveApi(config: ApiConfig, logger: Logger): Promise<void> {
  const orm = await createOrm(config);
  const tracing = startTracing('oneshot-api', { endpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
  const temporal = await untilConnected('client connection', () => connectTemporalClient(config, tracing), logger);
  const objectStore = createObjectStore(config);
  // A small pool of its own: rate-limit checks stay fast when the ORM's pool is busy.
  const rateLimitPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
  const rateLimiters = createRateLimiters(rateLimitPool, config);
  const changes = await ChangeFeed.start(config.DATABASE_URL, logger);

  const registry = apiRegistry();
  const metrics = createApiMetrics(registry);
  const app = createApp({
    config,
    metrics,
    tracer: tracing?.tracer,
    logger,
    orm,
    objectStore,
    rateLimiters,
    readinessChecks: readinessChecks({
      orm,
      temporal,
      objectStore,
      inferenceTaskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
      modelDir: config.MODEL_DIR,
    }),
    temporal,
    taskQueues: taskQueuesFrom(config),
    changes,
    billing: createBillingService(config, { orm, temporal, logger }),
  });
  const server = app.listen(config.API_PORT, config.API_HOST);
  await once(server, 'listening');
  const metricsServer = cluster.isWorker ? undefined : await serveMetrics(registry, config.METRICS_HOST, config.API_METRICS_PORT);
  logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}`, metricsPort: metricsServer?.port }, 'api listening');

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api shutting down');
    server.close();
    server.closeIdleConnections();
    await once(server, 'close');
    await Promise.allSettled([metricsServer?.close(), tracing?.shutdown(), orm.close(), rateLimitPool.end(), temporal.connection.close(), changes.close()]);
    logger.info('api stopped');
    // a node:cluster child stays alive while its channel to the primary is open
    if (cluster.isWorker) cluster.worker?.disconnect();
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));
}
