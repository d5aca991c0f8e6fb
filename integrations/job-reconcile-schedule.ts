import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { JOB_RECONCILE_SCHEDULE_ID, JOB_RECONCILE_WORKFLOW_ID } from '../domain/task-queues.js';
import type { ReconcileJobsInput } from '../workflows/reconcile-jobs.workflow.js';
import { ensureSchedule } from './schedules.js';

export interface ReconcileScheduleOptions {
  taskQueue: string;
  intervalMs: number;
  pass: Pick<ReconcileJobsInput, 'pageSize' | 'pagesPerRun' | 'pagePauseMs' | 'graceMs'>;
}

/** The Schedule that starts job reconciliation passes (operators: `temporal schedule trigger --schedule-id job-reconciler`). */
export function ensureJobReconcileSchedule(client: Client, options: ReconcileScheduleOptions): Promise<'created' | 'updated'> {
  const args: [ReconcileJobsInput] = [options.pass];
  return ensureSchedule(client, JOB_RECONCILE_SCHEDULE_ID, {
    spec: { intervals: [{ every: options.intervalMs }] },
    action: { type: 'startWorkflow', workflowType: 'reconcileJobsWorkflow', workflowId: JOB_RECONCILE_WORKFLOW_ID, taskQueue: options.taskQueue, args },
    // A pass still running when the next is due covers that one's work: skip it.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' },
  });
}
