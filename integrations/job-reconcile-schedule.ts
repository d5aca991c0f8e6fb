import type { Client } from '@temporalio/client';
import { JOB_RECONCILE_SCHEDULE_ID } from '../domain/task-queues.js';
import type { ReconcileJobsInput } from '../workflows/reconcile-jobs.workflow.js';
import { ensurePeriodicWorkflow } from './schedules.js';

export interface ReconcileScheduleOptions {
  taskQueue: string;
  intervalMs: number;
  pass: Pick<ReconcileJobsInput, 'pageSize' | 'pagesPerRun' | 'pagePauseMs' | 'graceMs'>;
}

/** The Schedule that starts job reconciliation passes (operators: `temporal schedule trigger --schedule-id job-reconciler`). */
export function ensureJobReconcileSchedule(client: Client, options: ReconcileScheduleOptions): Promise<'created' | 'updated'> {
  const args: [ReconcileJobsInput] = [options.pass];
  return ensurePeriodicWorkflow(client, JOB_RECONCILE_SCHEDULE_ID, {
    intervalMs: options.intervalMs,
    workflowType: 'reconcileJobsWorkflow',
    taskQueue: options.taskQueue,
    args,
  });
}
