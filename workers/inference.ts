// Inference worker main: `npx tsx workers/inference.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { hostname } from 'node:os';
import { NativeConnection } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createOrm } from '../db/orm.js';
import { inferenceProcessSchema, loadConfig } from '../domain/config/index.js';
import { createInferenceEngine, CudaUnavailableError } from '../inference/index.js';
import { createLogger } from '../integrations/logger.js';
import { createInferenceMetrics } from '../integrations/metrics/inference-metrics.js';
import { serveMetrics } from '../integrations/metrics/server.js';
import { installWorkerRuntime } from '../integrations/metrics/worker-runtime.js';
import { createObjectStore } from '../integrations/object-store.js';
import { untilConnected } from '../integrations/temporal.js';
import { workerVersionFrom } from '../integrations/worker-deployment.js';
import { startTracing } from '../integrations/tracing.js';
import { advertiseCapabilities } from './inference-advertisement.js';
import { createInferenceWorker } from './inference-worker.js';

const config = loadConfig(inferenceProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-inference' });
installWorkerRuntime(config.METRICS_HOST, config.INFERENCE_TEMPORAL_METRICS_PORT);
const tracing = startTracing('oneshot-inference', { endpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
const engine = await createInferenceEngine(config, logger).catch((error: unknown) => {
  // A CUDA worker without CUDA refuses to start, saying what is missing (nothing else has started yet).
  if (!(error instanceof CudaUnavailableError)) throw error;
  logger.fatal({ reasons: error.reasons }, error.message);
  process.exit(1);
});
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = createInferenceMetrics(registry, { models: () => engine.describeModels(), concurrencyLimit: config.INFERENCE_CONCURRENCY });
const metricsServer = await serveMetrics(registry, config.METRICS_HOST, config.INFERENCE_METRICS_PORT);
const orm = await createOrm(config);
const connection = await untilConnected('worker connection', () => NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }), logger);
let advertisement: { stop(): void } | undefined;
try {
  const worker = await createInferenceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
    concurrency: config.INFERENCE_CONCURRENCY,
    engine,
    objectStore: createObjectStore(config),
    orm,
    metrics,
    tracing,
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE,
    version: workerVersionFrom(config),
  });
  // What it can run, where the API prices and admits jobs by it (before "running" is logged: readiness implies it).
  advertisement = await advertiseCapabilities({
    orm,
    workerId: `${hostname()}:${process.pid}`,
    taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
    capabilities: engine.capabilities(),
    logger,
  });
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
      concurrency: config.INFERENCE_CONCURRENCY,
      metricsPort: metricsServer.port,
      // Upscalers, default upscaler, face detector and the non-commercial models (loaded or held back).
      ...engine.capabilities(),
      models: engine.describeModels(),
    },
    'inference worker running',
  );
  await worker.run();
  logger.info('inference worker stopped');
} finally {
  advertisement?.stop();
  await connection.close();
  await Promise.allSettled([orm.close(), engine.close(), metricsServer.close(), tracing?.shutdown()]);
}
