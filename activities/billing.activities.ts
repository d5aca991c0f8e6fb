import { setTimeout as sleep } from 'node:timers/promises';
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { BillingRecords, type SweepCursor } from '../db/billing.js';
import { PURCHASE_GONE, type AcknowledgementInput } from '../domain/billing/acknowledgement.js';
import type { StoreSubscriptionStatus } from '../domain/billing/purchase.js';
import type { RecheckTiming } from '../domain/billing/status.js';
import { AppError, ErrorCode } from '../domain/errors.js';
import type { BillingService } from '../application/billing/billing-service.js';
import type { Logger } from '../integrations/logger.js';
import { Registry } from 'prom-client';
import { createBillingWorkMetrics, type BillingWorkMetrics } from '../integrations/metrics/billing-metrics.js';

export interface BillingActivitiesDeps {
  orm: MikroORM;
  billing: BillingService;
  timing: RecheckTiming & { RENEWAL_FAILURE_BACKOFF: number };
  /** Store calls in flight at once, and started per second, within one page. */
  concurrency: number;
  ratePerSecond: number;
  logger: Logger;
  /** Renewal re-checks counted by outcome; by default a registry nobody serves. */
  metrics?: BillingWorkMetrics;
}

export interface RecheckPageInput {
  /** Subscriptions due at or before this instant (the sweep's start) are checked. */
  dueBefore: string;
  after: SweepCursor | null;
  limit: number;
}

export interface RecheckPageResult {
  listed: number;
  checked: number;
  renewed: number;
  failed: number;
  byStatus: Partial<Record<StoreSubscriptionStatus, number>>;
  /** Where the next page starts; null when this page was the last. */
  next: SweepCursor | null;
}

/**
 * The renewal sweep's unit of work (one page of due subscriptions, re-checked with the stores), and one attempt
 * at a durable store acknowledgement.
 */
export function createBillingActivities(deps: BillingActivitiesDeps) {
  const metrics = deps.metrics ?? createBillingWorkMetrics(new Registry());
  return {
    /** Throws to be retried; a purchase Google no longer knows is a non-retryable PurchaseGone. */
    async acknowledgePurchase(input: AcknowledgementInput): Promise<void> {
      try {
        await deps.billing.acknowledgeNow(input);
      } catch (error) {
        if (error instanceof AppError && error.code === ErrorCode.RECEIPT_INVALID) {
          throw ApplicationFailure.create({ type: PURCHASE_GONE, message: error.message, nonRetryable: true });
        }
        throw error;
      }
      deps.logger.info({ transactionId: input.transactionId, userId: input.userId }, 'google purchase acknowledged after retrying');
    },

    async recheckDuePage(input: RecheckPageInput): Promise<RecheckPageResult> {
      const records = new BillingRecords(deps.orm.em.fork(), deps.timing);
      const due = await records.dueSubscriptions(new Date(input.dueBefore), input.after, input.limit);
      const result: RecheckPageResult = { listed: due.length, checked: 0, renewed: 0, failed: 0, byStatus: {}, next: null };
      const pace = pacer(deps.ratePerSecond);
      const signal = cancellationSignal();
      let cursor = 0;
      const worker = async () => {
        for (let index = cursor++; index < due.length && !signal.aborted; index = cursor++) {
          const subscription = due[index]!;
          await pace();
          try {
            const outcome = await deps.billing.recheck(subscription);
            metrics.renewalChecked.inc({ outcome: outcome.renewed ? 'renewed' : 'unchanged' });
            result.checked++;
            if (outcome.renewed) result.renewed++;
            result.byStatus[outcome.status] = (result.byStatus[outcome.status] ?? 0) + 1;
          } catch (error) {
            // One subscription's failure never stops the sweep: it is retried after a back-off.
            result.failed++;
            metrics.renewalFailures.inc();
            deps.logger.warn({ err: error, subscriptionId: subscription.id, store: subscription.store }, 'renewal check failed');
            await records.checked(subscription.id, new Date(Date.now() + deps.timing.RENEWAL_FAILURE_BACKOFF));
          }
          heartbeat(result.checked + result.failed);
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency, due.length) }, worker));
      // Cancelled mid-page: report the cancellation; the unchecked rest stays due for the next sweep.
      signal.throwIfAborted();
      const last = due.at(-1);
      if (last && due.length === input.limit) result.next = { nextCheckAt: last.nextCheckAt.toISOString(), id: last.id };
      return result;
    },
  };
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;

/** Spaces calls evenly at `ratePerSecond` across all callers. */
function pacer(ratePerSecond: number): () => Promise<void> {
  const interval = 1_000 / ratePerSecond;
  let nextSlot = 0;
  return async () => {
    const now = performance.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await sleep(slot - now);
  };
}
