/**
 * The baseline the jobs benchmark compares against: a no-op workflow of the job saga's shape (reserve → infer →
 * upload → commit as plain activities) on the same Temporal server, run with the same sequential count and burst.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startMain, stopMains } from './harness.js';
import { measureLoad, type LoadFigures } from './load.js';

export async function measureSagaBaseline(
  env: { TEMPORAL_ADDRESS: string; TEMPORAL_NAMESPACE: string },
  counts: { sequential: number; burst: number },
): Promise<LoadFigures> {
  const taskQueue = `bench-saga-baseline-${randomUUID().slice(0, 8)}`;
  const worker = startMain('bench/lib/saga-baseline-worker.ts', { ...env, SAGA_BASELINE_TASK_QUEUE: taskQueue });
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
    const run = async () => {
      const started = performance.now();
      await client.workflow.execute('sagaBaselineWorkflow', { taskQueue, workflowId: `saga-baseline-${randomUUID()}` });
      return performance.now() - started;
    };
    await run(); // warm-up: the worker bundles the workflow on its first task
    return await measureLoad(run, counts);
  } finally {
    await stopMains([worker]);
    await connection.close();
  }
}
