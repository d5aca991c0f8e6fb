// Inference worker main: `npx tsx workers/inference.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { NativeConnection } from '@temporalio/worker';
import { createOrm } from '../db/orm.js';
import { inferenceProcessSchema, loadConfig } from '../domain/config/index.js';
import { createInferenceEngine } from '../inference/index.js';
import { createLogger } from '../integrations/logger.js';
import { createObjectStore } from '../integrations/object-store.js';
import { untilConnected } from '../integrations/temporal.js';
import { createInferenceWorker } from './inference-worker.js';

const config = loadConfig(inferenceProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-inference' });
const engine = await createInferenceEngine(config, logger);
const orm = await createOrm(config);
const connection = await untilConnected('worker connection', () => NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }), logger);
try {
  const worker = await createInferenceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
    concurrency: config.INFERENCE_CONCURRENCY,
    engine,
    objectStore: createObjectStore(config),
    orm,
  });
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
      concurrency: config.INFERENCE_CONCURRENCY,
      // Upscalers, default upscaler, face detector and the non-commercial models (loaded or held back).
      ...engine.capabilities(),
      models: engine.describeModels(),
    },
    'inference worker running',
  );
  await worker.run();
  logger.info('inference worker stopped');
} finally {
  await connection.close();
  await Promise.allSettled([orm.close(), engine.close()]);
}
