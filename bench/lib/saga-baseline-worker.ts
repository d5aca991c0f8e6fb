// The baseline's worker, a process of its own like the project's workers: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`
// and `SAGA_BASELINE_TASK_QUEUE` from the environment; stops on SIGTERM.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { sagaBaselineActivities } from './saga-baseline-activities.js';

const env = z
  .object({ TEMPORAL_ADDRESS: z.string(), TEMPORAL_NAMESPACE: z.string().default('default'), SAGA_BASELINE_TASK_QUEUE: z.string() })
  .parse(process.env);
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const worker = await Worker.create({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.SAGA_BASELINE_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./saga-baseline.workflow.ts', import.meta.url)),
    activities: sagaBaselineActivities,
  });
  process.once('SIGTERM', () => worker.shutdown());
  await worker.run();
} finally {
  await connection.close();
}
