import { continueAsNew, log, patched, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention.activities.js';
import { SWEEP_PAGE } from './activity-options.js';

export interface RetentionTotals {
  uploads: number;
  results: number;
  resumedDeletions: number;
  /** Objects found under erased accounts' prefixes (written after their erasure) and deleted. */
  strayObjects?: number;
  runs: number;
}

/**
 * An erased account's prefixes are emptied again this long after its erasure: longer than an inference attempt
 * may run (its start-to-close timeout, 15 minutes), so nothing still running can write there afterwards.
 */
export const ERASED_OBJECTS_RECHECK_DELAY_MS = 60 * 60_000;

export interface RetentionSweepInput {
  uploadRetentionMs: number;
  resultRetentionMs: number;
  pageSize: number;
  /** Pages per workflow run; then the sweep continues as new so no run's history grows large. */
  pagesPerRun: number;
  /** Closed accounts not erased after this long have a deletion that stopped or never started: it is resumed. */
  deletionGraceMs: number;
  totals?: RetentionTotals;
}

const { purgeExpiredPage, resumeAccountDeletions, recheckErasedAccountObjects } = proxyActivities<RetentionActivities>(SWEEP_PAGE);

/**
 * The retention guarantee (S3 lifecycle rules are only a second line): deletes uploads whose last job ended
 * more than the upload retention ago and results older than the result retention, page by page, then resumes
 * account deletions that never finished and empties erased accounts' prefixes once more (stray writes; see
 * ERASED_OBJECTS_RECHECK_DELAY_MS). Started by a Temporal Schedule; every step is idempotent.
 */
export async function retentionSweepWorkflow(input: RetentionSweepInput): Promise<RetentionTotals> {
  let totals: RetentionTotals = input.totals ?? { uploads: 0, results: 0, resumedDeletions: 0, runs: 0 };
  totals = { ...totals, runs: totals.runs + 1 };
  for (let page = 0; page < input.pagesPerRun; page++) {
    const result = await purgeExpiredPage({ uploadRetentionMs: input.uploadRetentionMs, resultRetentionMs: input.resultRetentionMs, limit: input.pageSize });
    totals = { ...totals, uploads: totals.uploads + result.uploads, results: totals.results + result.results };
    setCurrentDetails(`Deleted ${totals.uploads} uploads and ${totals.results} results so far.`);
    if (!result.more) {
      const { resumed } = await resumeAccountDeletions({ graceMs: input.deletionGraceMs, limit: input.pageSize });
      totals = { ...totals, resumedDeletions: resumed };
      // Sweeps recorded before this step replay without it.
      if (patched('retention-rechecks-erased-accounts')) {
        const { objects } = await recheckErasedAccountObjects({ delayMs: ERASED_OBJECTS_RECHECK_DELAY_MS, limit: input.pageSize });
        totals = { ...totals, strayObjects: (totals.strayObjects ?? 0) + objects };
      }
      setCurrentDetails(`Deleted ${totals.uploads} uploads and ${totals.results} results; resumed ${resumed} account deletions.`);
      log.info('retention sweep finished', { ...totals });
      return totals;
    }
    if (workflowInfo().continueAsNewSuggested) break;
  }
  return continueAsNew<typeof retentionSweepWorkflow>({ ...input, totals });
}
