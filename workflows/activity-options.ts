import { metricMeter } from '@temporalio/workflow';

/** Bookkeeping and compensations must eventually happen: retried until they do, with capped backoff. */
export const BOOKKEEPING = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/**
 * A job's bookkeeping and settlement: retried through a database restart or failover, but within a bound, so a
 * step that fails deterministically (a constraint, a bug) ends, frees the job's workflow id and is counted
 * (countBookkeepingGaveUp) instead of retrying unseen for ever. The reconciler settles what it left open.
 */
export const JOB_BOOKKEEPING = { ...BOOKKEEPING, scheduleToCloseTimeout: '5 minutes' } as const;

/** Counts a job bookkeeping step that gave up, by workflow and step (alert: OneShotJobBookkeepingGaveUp). */
export function countBookkeepingGaveUp(workflow: string, step: string): void {
  metricMeter
    .createCounter('oneshot_job_bookkeeping_gave_up_total', 'steps', 'Job bookkeeping or settlement steps whose bounded retries ran out')
    .add(1, { workflow, step });
}

/** One page of a periodic sweep or pass; retried with backoff while the database, S3 or Temporal is down. */
export const SWEEP_PAGE = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
} as const;
