import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { JobStore } from '../db/job-store.js';
import { InsufficientCreditsError } from '../domain/errors.js';
import { JobFailure, type JobStatus, type ProcessJobInput } from '../domain/jobs.js';

/** Bookkeeping activities of the job workflow (orchestrator worker): job rows and money, all idempotent. */
export function createJobActivities(deps: { orm: MikroORM }) {
  const store = () => new JobStore(deps.orm.em.fork());
  return {
    async admitJob(input: ProcessJobInput): Promise<{ created: boolean; balance: number }> {
      try {
        return await store().admit(input);
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
    async finishJobUnsuccessfully(input: {
      jobId: string;
      status: 'failed' | 'canceled';
      code: JobFailure;
      message: string;
    }): Promise<void> {
      await store().finishUnsuccessfully(input.jobId, input.status, input.code, input.message);
    },
  };
}

export type JobActivities = ReturnType<typeof createJobActivities>;
