import { continueAsNew, log, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { ReconcileJobsActivities, ReconcilePageResult } from '../activities/reconcile-jobs.activities.js';
import { SWEEP_PAGE } from './activity-options.js';

export interface ReconcileTotals {
  pages: number;
  examined: number;
  settled: number;
  repaired: number;
  running: number;
  /** Settlements that failed after their bounded retries (absent in passes started before it was counted). */
  failed?: number;
  runs: number;
}

export interface ReconcileJobsInput {
  pageSize: number;
  /** Pages per workflow run; then the pass continues as new so no run's history grows large. */
  pagesPerRun: number;
  /** Pause between pages: bounds the rate of Temporal describes and database writes. */
  pagePauseMs: number;
  /** Jobs younger than this are left to their workflow. */
  graceMs: number;
  /** Only this user's jobs: an operator's targeted pass. */
  userId?: string;
  /** Set by the first run: the pass covers the jobs that existed when it started, so it always ends. */
  createdBefore?: string;
  after?: { createdAt: string; id: string } | null;
  totals?: ReconcileTotals;
}

/**
 * A reconciliation pass: pages through jobs whose credits are still reserved or whose status is still open,
 * and settles each one whose workflow is no longer running (see reconcileJob). Started by a Temporal Schedule;
 * operators can trigger the schedule or start this workflow themselves. Every settlement is idempotent, so a
 * repeated or overlapping pass changes nothing twice.
 */
export async function reconcileJobsWorkflow(input: ReconcileJobsInput): Promise<ReconcileTotals> {
  const { reconcileJobsPage } = proxyActivities<ReconcileJobsActivities>(SWEEP_PAGE);
  const createdBefore = input.createdBefore ?? new Date(Date.now() - input.graceMs).toISOString();
  let after = input.after ?? null;
  let totals: ReconcileTotals = input.totals ?? { pages: 0, examined: 0, settled: 0, repaired: 0, running: 0, runs: 0 };
  totals = { ...totals, runs: totals.runs + 1 };

  for (let page = 0; page < input.pagesPerRun; page++) {
    const result: ReconcilePageResult = await reconcileJobsPage({ createdBefore, after, limit: input.pageSize, userId: input.userId });
    totals = {
      ...totals,
      pages: totals.pages + 1,
      examined: totals.examined + result.examined,
      settled: totals.settled + result.settled,
      repaired: totals.repaired + result.repaired,
      running: totals.running + result.running,
      failed: (totals.failed ?? 0) + (result.failed ?? 0),
    };
    setCurrentDetails(
      `Jobs created before ${createdBefore}: ${totals.examined} examined, ${totals.settled} settled, ${totals.repaired} repaired, ${totals.running} left to their running workflow, ${totals.failed} failed.`,
    );
    if (!result.next) {
      log.info('job reconciliation finished', { ...totals });
      return totals;
    }
    after = result.next;
    if (workflowInfo().continueAsNewSuggested) break;
    await sleep(input.pagePauseMs);
  }
  return continueAsNew<typeof reconcileJobsWorkflow>({ ...input, createdBefore, after, totals });
}
