import type { ProductKind } from './catalog.js';
import type { VerifiedPurchase } from './purchase.js';

/**
 * A Google Play purchase still to be acknowledged (subscriptions) or consumed (packs). Google refunds a purchase
 * that stays unacknowledged for three days, so a failed attempt is retried durably until then.
 */
export interface AcknowledgementInput {
  kind: ProductKind;
  productId: string;
  purchaseToken: string;
  /** The order id: names the workflow, so one purchase has one acknowledgement at a time. */
  transactionId: string;
  userId: string;
  /** ISO instant after which Google no longer accepts it (it refunds instead). */
  deadline: string;
  /** Backoff between attempts. */
  retry: { initialIntervalMs: number; maximumIntervalMs: number };
}

export type AcknowledgementOutcome = 'acknowledged' | 'expired' | 'gone';

/** The store no longer knows the purchase (refunded, or the token is invalid): nothing left to acknowledge. */
export const PURCHASE_GONE = 'PurchaseGone';

export function acknowledgementWorkflowId(transactionId: string): string {
  return `store-ack-google-${transactionId}`;
}

/** Hands a purchase whose acknowledgement failed to something that retries it durably (a workflow starter). */
export interface AcknowledgementQueue {
  enqueue(purchase: VerifiedPurchase, userId: string): Promise<void>;
}
