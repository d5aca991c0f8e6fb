import type { Store } from './purchase.js';

/** Where a delivery came from: the stores' own notifications, or a billing provider's webhook. */
export type DeliverySource = 'apple' | 'google' | 'stripe' | 'superwall';

/**
 * What one delivery did. `recorded_for_later`: a fact was kept that changes nothing yet (a refund of a purchase
 * nobody has presented: it wins when the purchase arrives); `updated`: subscription state moved, no credits did;
 * `ignored` and `duplicate` changed nothing (the first always says why).
 */
export const deliveryOutcomes = ['granted', 'revoked', 'recorded_for_later', 'updated', 'duplicate', 'ignored'] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** Why nothing changed, or what the fact was (e.g. "partial refund"). */
  reason?: string;
  /** The store transaction the delivery concerned, when it named one. */
  store?: Store;
  transactionId?: string;
}

export function ignored(reason: string, about: Pick<DeliveryResult, 'store' | 'transactionId'> = {}): DeliveryResult {
  return { outcome: 'ignored', reason, ...about };
}
