import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { JobStore } from '../db/job-store.js';
import { InsufficientCreditsError } from '../domain/errors.js';
import type { ProcessJobInput } from '../domain/jobs/contract.js';
import { JobFailure, type JobStatus, type UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';

/** Admission's transaction must end (commit or roll back) this long before its attempt times out. */
const ADMISSION_MARGIN_MS = 1_000;

/** Bookkeeping activities of the job workflows (orchestrator worker): job rows and money, all idempotent. */
export function createJobActivities(deps: { orm: MikroORM }) {
  const store = () => new JobStore(deps.orm.em.fork());
  return {
    async admitJob(input: ProcessJobInput): Promise<{ created: boolean; balance: number }> {
      // An attempt that times out is abandoned, not stopped: its transaction gets only the attempt's own time,
      // so it rolls back rather than reserving credits for a job the workflow has already given up on.
      const { startToCloseTimeoutMs, scheduledTimestampMs, scheduleToCloseTimeoutMs } = Context.current().info;
      const attemptEnds = Date.now() + startToCloseTimeoutMs;
      const admissionEnds = scheduleToCloseTimeoutMs ? scheduledTimestampMs + scheduleToCloseTimeoutMs : attemptEnds;
      const deadline = Math.min(attemptEnds, admissionEnds) - ADMISSION_MARGIN_MS;
      try {
        return await store().admit(input, deadline);
      } catch (error) {
        if (!(error instanceof InsufficientCreditsError)) throw error;
        throw ApplicationFailure.create({
          type: JobFailure.INSUFFICIENT_CREDITS,
          message: error.message,
          details: [{ required: error.required, balance: error.balance }],
          nonRetryable: true,
        });
      }
    },
    async markJobProcessing(jobId: string): Promise<void> {
      await store().markProcessing(jobId);
    },
    completeJob(input: { jobId: string; resultKey: string }): Promise<JobStatus> {
      return store().complete(input.jobId, input.resultKey);
    },
    refundJob(input: { userId: string; jobId: string }): Promise<{ refunded: boolean }> {
      return store().refund(input.userId, input.jobId);
    },
    async finishJobUnsuccessfully(input: { jobId: string; outcome: UnsuccessfulOutcome }): Promise<void> {
      await store().finishUnsuccessfully(input.jobId, input.outcome);
    },
    /** Settles a job its own workflow no longer can (see JobStore.settle). */
    settleJob(input: { jobId: string; outcome: UnsuccessfulOutcome }) {
      return store().settle(input.jobId, input.outcome);
    },
  };
}

export type JobActivities = ReturnType<typeof createJobActivities>;
