import type { Client } from '@temporalio/client';
import { RENEWAL_SWEEP_SCHEDULE_ID } from '../domain/task-queues.js';
import type { RenewalSweepInput } from '../workflows/renewal-sweep.workflow.js';
import { ensurePeriodicWorkflow } from './schedules.js';

export interface RenewalScheduleOptions {
  taskQueue: string;
  intervalMs: number;
  pageSize: number;
  pagesPerRun: number;
  scheduleId?: string;
}

/**
 * Creates the Schedule that starts renewal sweeps, or brings an existing one up to date with the current
 * configuration (interval, task queue, page settings). Safe to call at every start of every worker.
 */
export function ensureRenewalSweepSchedule(client: Client, options: RenewalScheduleOptions): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? RENEWAL_SWEEP_SCHEDULE_ID;
  const args: [RenewalSweepInput] = [{ pageSize: options.pageSize, pagesPerRun: options.pagesPerRun }];
  return ensurePeriodicWorkflow(client, scheduleId, {
    intervalMs: options.intervalMs,
    workflowType: 'renewalSweepWorkflow',
    taskQueue: options.taskQueue,
    args,
  });
}
