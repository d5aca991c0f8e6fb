// Inference worker main: `npx tsx workers/inference.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { NativeConnection } from '@temporalio/worker';
import { inferenceProcessSchema, loadConfig } from '../domain/config/index.js';
import { createLogger } from '../integrations/logger.js';
import { createInferenceWorker } from './inference-worker.js';

const config = loadConfig(inferenceProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-inference' });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createInferenceWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE,
    concurrency: 1,
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE_INFERENCE }, 'inference worker running');
  await worker.run();
  logger.info('inference worker stopped');
} finally {
  await connection.close();
}
