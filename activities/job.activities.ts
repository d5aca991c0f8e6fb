import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { JobQueries } from '../db/job-queries.js';
import { JobStore } from '../db/job-store.js';
import { AccountClosedError, InsufficientCreditsError } from '../domain/errors.js';
import type { AdmissionResult } from '../domain/jobs/attempts.js';
import type { ProcessJobInput } from '../domain/jobs/contract.js';
import type { JobSettlement } from '../domain/jobs/reconciliation.js';
import { JobFailure, type JobStatus, type UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';
import type { JobMetrics } from '../integrations/metrics/job-metrics.js';

/** Admission's transaction must end (commit or roll back) this long before its attempt times out. */
const ADMISSION_MARGIN_MS = 1_000;
/** Failure type of an admission that came after the API stopped waiting for it. */
export const ADMISSION_EXPIRED = 'AdmissionExpired';

/**
 * Bookkeeping activities of the job workflows (orchestrator worker): job rows and money, all idempotent. Metrics
 * count what a call changed, never a repeat, so retries and resets don't inflate them.
 */
export function createJobActivities(deps: { orm: MikroORM; metrics: JobMetrics }) {
  const store = () => new JobStore(deps.orm.em.fork());
  const { metrics } = deps;
  return {
    /** Admits the run's attempt (see JobStore.admit): a new job, the attempt already running, a retry, or a replay. */
    async admitJob(input: ProcessJobInput): Promise<AdmissionResult> {
      // An attempt that times out is abandoned, not stopped: its transaction gets only the attempt's own time,
      // so it rolls back rather than reserving credits for a job the workflow has already given up on.
      const { startToCloseTimeoutMs, scheduledTimestampMs, scheduleToCloseTimeoutMs } = Context.current().info;
      const attemptEnds = Date.now() + startToCloseTimeoutMs;
      const admissionEnds = scheduleToCloseTimeoutMs ? scheduledTimestampMs + scheduleToCloseTimeoutMs : attemptEnds;
      const deadline = Math.min(attemptEnds, admissionEnds) - ADMISSION_MARGIN_MS;
      // A new job must also be created before the API stops waiting for it (admitBy): past that the API answered
      // 503, and a job it reported as not started must never start later. An existing job (a retry by reset, a
      // replay) is not bound by its first request's deadline.
      const creationEnds = input.admitBy === undefined ? Infinity : input.admitBy - ADMISSION_MARGIN_MS;
      if (Date.now() >= creationEnds && !(await new JobQueries(deps.orm.em.fork()).findOwn(input.userId, input.jobId))) {
        throw ApplicationFailure.create({ type: ADMISSION_EXPIRED, message: `admission deadline ${new Date(input.admitBy ?? 0).toISOString()} passed`, nonRetryable: true });
      }
      try {
        const admitted = await store().admit(input, Date.now() < creationEnds ? Math.min(deadline, creationEnds) : deadline);
        if (admitted.created || admitted.retried) {
          metrics.admitted.inc({ job_type: input.jobType });
          metrics.credits.inc({ movement: 'reserved' }, input.creditsCost);
        }
        if (admitted.retried) metrics.retries.inc({ job_type: input.jobType, outcome: 'admitted' });
        if (admitted.refused) metrics.retries.inc({ job_type: input.jobType, outcome: 'refused' });
        return admitted;
      } catch (error) {
        if (error instanceof AccountClosedError) {
          throw ApplicationFailure.create({ type: JobFailure.ACCOUNT_CLOSED, message: error.message, nonRetryable: true });
        }
        if (!(error instanceof InsufficientCreditsError)) throw error;
        throw ApplicationFailure.create({
          type: JobFailure.INSUFFICIENT_CREDITS,
          message: error.message,
          details: [{ required: error.required, balance: error.balance }],
          nonRetryable: true,
        });
      }
    },
    async completeJob(input: { jobId: string; resultKey: string }): Promise<JobStatus> {
      const { status, charged } = await store().complete(input.jobId, input.resultKey);
      if (charged) countCompleted(metrics, charged);
      return status;
    },
    async refundJob(input: { userId: string; jobId: string }): Promise<{ refunded: boolean }> {
      const { refunded } = await store().refund(input.userId, input.jobId);
      if (refunded > 0) metrics.credits.inc({ movement: 'refunded' }, refunded);
      return { refunded: refunded > 0 };
    },
    async finishJobUnsuccessfully(input: { jobId: string; outcome: UnsuccessfulOutcome }): Promise<void> {
      const jobType = await store().finishUnsuccessfully(input.jobId, input.outcome);
      if (jobType) metrics.finished.inc({ job_type: jobType, status: input.outcome.status, code: input.outcome.code });
    },
    /** Settles a job its own workflow no longer can (see JobStore.settle). */
    async settleJob(input: { jobId: string; outcome: UnsuccessfulOutcome }): Promise<JobSettlement | null> {
      const settlement = await store().settle(input.jobId, input.outcome);
      if (settlement) countSettlement(metrics, settlement, input.outcome);
      return settlement;
    },
  };
}

export type JobActivities = ReturnType<typeof createJobActivities>;

export function countCompleted(metrics: JobMetrics, charged: { jobType: string; credits: number }): void {
  metrics.finished.inc({ job_type: charged.jobType, status: 'completed', code: '' });
  metrics.credits.inc({ movement: 'charged' }, charged.credits);
}

function countSettlement(metrics: JobMetrics, settlement: JobSettlement, outcome: UnsuccessfulOutcome): void {
  if (settlement.refunded > 0) metrics.credits.inc({ movement: 'refunded' }, settlement.refunded);
  if (settlement.finished) metrics.finished.inc({ job_type: settlement.jobType, status: outcome.status, code: outcome.code });
}
