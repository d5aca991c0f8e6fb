import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createSystemActivities } from '../activities/system.activities.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface OrchestratorWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
}

/** Workflows plus the CPU activities (database, ledger, S3 bookkeeping, store APIs). */
export function createOrchestratorWorker(deps: OrchestratorWorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath,
    activities: { ...createSystemActivities({ workerRole: 'orchestrator' }) },
  });
}
