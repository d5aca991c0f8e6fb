import type { MikroORM } from '@mikro-orm/postgresql';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { JobStore } from '../db/job-store.js';
import { reconcileJob } from '../domain/jobs/reconciliation.js';
import { jobWorkflowState, settleJobThroughWorkflow } from '../integrations/job-workflows.js';
import type { Logger } from '../integrations/logger.js';
import type { JobMetrics } from '../integrations/metrics/job-metrics.js';
import { countCompleted } from './job.activities.js';

export interface ReconcilePageResult {
  examined: number;
  settled: number;
  repaired: number;
  running: number;
  /** Settlements that failed after their bounded retries (counted and logged; the next pass tries again). */
  failed: number;
  next: { createdAt: string; id: string } | null;
}

export interface ReconcileJobsDeps {
  orm: MikroORM;
  temporal: Client;
  /** Where settlement workflows run (the orchestrator's own queue). */
  taskQueue: string;
  logger: Logger;
  metrics: JobMetrics;
}

/** The reconciler's page: one activity per page, so a retry re-examines the page (every step is idempotent). */
export function createReconcileJobsActivities(deps: ReconcileJobsDeps) {
  return {
    async reconcileJobsPage(input: {
      createdBefore: string;
      after: { createdAt: string; id: string } | null;
      limit: number;
      userId?: string | undefined;
    }): Promise<ReconcilePageResult> {
      const store = new JobStore(deps.orm.em.fork());
      const jobs = await store.findUnsettled({
        createdBefore: new Date(input.createdBefore),
        after: input.after ? { createdAt: new Date(input.after.createdAt), id: input.after.id } : undefined,
        limit: input.limit,
        userId: input.userId,
      });
      const result: ReconcilePageResult = { examined: jobs.length, settled: 0, repaired: 0, running: 0, failed: 0, next: null };
      for (const job of jobs) {
        const decision = reconcileJob(await jobWorkflowState(deps.temporal, job.id));
        if (decision.action === 'leave') {
          result.running++;
        } else if (decision.action === 'complete') {
          const { status, charged } = await store.complete(job.id, decision.resultKey);
          if (charged) countCompleted(deps.metrics, charged);
          deps.metrics.settlements.inc({ action: 'repaired', code: '' });
          deps.logger.warn({ jobId: job.id, userId: job.userId, status }, 'reconciler: job workflow had completed; job row repaired');
          result.repaired++;
        } else {
          const settlement = await settleJobThroughWorkflow(deps.temporal, deps.taskQueue, job, decision.outcome, 'Settled by the reconciler').catch(
            (error: unknown) => {
              if (!(error instanceof WorkflowFailedError)) throw error;
              // One job's settlement failing for good must not stop the pass over the others; operators are told.
              deps.metrics.settlements.inc({ action: 'failed', code: decision.outcome.code });
              deps.logger.error({ jobId: job.id, userId: job.userId, error: String(error.cause ?? error) }, 'reconciler: settlement failed after its retries');
              return 'failed' as const;
            },
          );
          if (settlement === 'failed') {
            result.failed++;
          } else if (settlement === 'running') {
            result.running++;
          } else {
            deps.metrics.settlements.inc({ action: 'settled', code: decision.outcome.code });
            deps.logger.warn({ jobId: job.id, userId: job.userId, code: decision.outcome.code, ...settlement }, 'reconciler: settled a job its workflow left open');
            result.settled++;
          }
        }
      }
      const last = jobs.at(-1);
      if (last && jobs.length === input.limit) result.next = { createdAt: last.createdAt.toISOString(), id: last.id };
      return result;
    },
  };
}

export type ReconcileJobsActivities = ReturnType<typeof createReconcileJobsActivities>;
