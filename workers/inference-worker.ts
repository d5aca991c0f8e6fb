import { NativeConnection, Worker } from '@temporalio/worker';
import { createSystemActivities } from '../activities/system.activities.js';

export interface InferenceWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** How many inference activities the device holds at once. */
  concurrency: number;
}

/** Inference activities only, on a GPU-tagged task queue; no workflows. */
export function createInferenceWorker(deps: InferenceWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    activities: { ...createSystemActivities({ workerRole: 'inference' }) },
    maxConcurrentActivityTaskExecutions: deps.concurrency,
  });
}
