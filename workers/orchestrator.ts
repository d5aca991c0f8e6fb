// Orchestrator worker main: `npx tsx workers/orchestrator.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { NativeConnection } from '@temporalio/worker';
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { createLogger } from '../integrations/logger.js';
import { createOrchestratorWorker } from './orchestrator-worker.js';

const config = loadConfig(orchestratorProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-orchestrator' });
const orm = await createOrm(config);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
try {
  const worker = await createOrchestratorWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    orm,
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR }, 'orchestrator worker running');
  await worker.run();
  logger.info('orchestrator worker stopped');
} finally {
  await connection.close();
  await orm.close();
}
