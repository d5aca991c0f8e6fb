import type { Client } from '@temporalio/client';
import { lifecycleDays } from '../domain/lifecycle/retention.js';
import { RESULTS_PREFIX, UPLOADS_PREFIX } from '../domain/object-keys.js';
import type { RetentionSweepInput } from '../workflows/retention-sweep.workflow.js';
import type { ObjectStore } from './object-store.js';
import { ensurePeriodicWorkflow } from './schedules.js';

/** The Temporal Schedule that starts retention sweeps (and the prefix of their workflow ids). */
const RETENTION_SWEEP_SCHEDULE_ID = 'retention-sweep';

/** The Schedule that starts retention sweeps (operators: `temporal schedule trigger --schedule-id retention-sweep`). */
export function ensureRetentionSweepSchedule(client: Client, options: { taskQueue: string; intervalMs: number; sweep: RetentionSweepInput }): Promise<'created' | 'updated'> {
  const args: [RetentionSweepInput] = [options.sweep];
  return ensurePeriodicWorkflow(client, RETENTION_SWEEP_SCHEDULE_ID, {
    intervalMs: options.intervalMs,
    workflowType: 'retentionSweepWorkflow',
    taskQueue: options.taskQueue,
    args,
  });
}

/**
 * S3 lifecycle rules behind the sweep: results expire after the result retention, uploads after the longest an
 * upload is kept (whole days, S3's unit, rounded up). Returns false where the store has no lifecycle support.
 */
export function installRetentionLifecycleRules(objectStore: ObjectStore, periods: { resultRetentionMs: number; uploadMaxAgeMs: number }): Promise<boolean> {
  return objectStore.putExpirationRules([
    { id: 'oneshot-results-retention', prefix: RESULTS_PREFIX, days: lifecycleDays(periods.resultRetentionMs) },
    { id: 'oneshot-uploads-max-age', prefix: UPLOADS_PREFIX, days: lifecycleDays(periods.uploadMaxAgeMs) },
  ]);
}
