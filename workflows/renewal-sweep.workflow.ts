import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BillingActivities, RecheckPageResult } from '../activities/billing.activities.js';
import type { SweepCursor } from '../db/billing.js';

/** A page re-checks up to pageSize subscriptions at the configured store rate; heartbeats after each one. */
const PAGE_ACTIVITY = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
} as const;

export interface RenewalSweepTotals {
  pages: number;
  checked: number;
  renewed: number;
  failed: number;
  runs: number;
}

export interface RenewalSweepInput {
  pageSize: number;
  /** Pages per workflow run; then the sweep continues as new so no run's history grows large. */
  pagesPerRun: number;
  /** Set by the first run: the sweep covers what was due when it started, so it always ends. */
  dueBefore?: string;
  after?: SweepCursor | null;
  totals?: RenewalSweepTotals;
}

/**
 * Pages through every subscription due for a re-check and asks its store what happened (renewed, expired,
 * in grace or billing retry, refunded). Renewal credits are granted once per store transaction by the
 * ledger's unique reference, so a retried page or an operator's reset never grants twice.
 */
export async function renewalSweepWorkflow(input: RenewalSweepInput): Promise<RenewalSweepTotals> {
  const { recheckDuePage } = proxyActivities<BillingActivities>(PAGE_ACTIVITY);
  const dueBefore = input.dueBefore ?? new Date().toISOString();
  let after = input.after ?? null;
  let totals: RenewalSweepTotals = input.totals ?? { pages: 0, checked: 0, renewed: 0, failed: 0, runs: 0 };
  totals = { ...totals, runs: totals.runs + 1 };

  for (let page = 0; page < input.pagesPerRun; page++) {
    const result: RecheckPageResult = await recheckDuePage({ dueBefore, after, limit: input.pageSize });
    totals = {
      ...totals,
      pages: totals.pages + 1,
      checked: totals.checked + result.checked,
      renewed: totals.renewed + result.renewed,
      failed: totals.failed + result.failed,
    };
    if (!result.next) {
      log.info('renewal sweep finished', { ...totals });
      return totals;
    }
    after = result.next;
    if (workflowInfo().continueAsNewSuggested) break;
  }
  return continueAsNew<typeof renewalSweepWorkflow>({ ...input, dueBefore, after, totals });
}
