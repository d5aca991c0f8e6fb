import type { DeliverySource } from './delivery.js';
import type { Store } from './purchase.js';

/**
 * A store transaction's outcome is a function of the facts received about it, never of their order: whoever
 * presented it (the grant fact), the revocations reported for it or for the subscription it belongs to, and the
 * store's time of each. These are the facts and the rule.
 */

/** A refund, revocation or lost dispute reported for one store transaction, by one delivery. */
export interface RevocationFact {
  store: Store;
  transactionId: string;
  /** The subscription (or purchase token) it belongs to, when the source says. */
  originalReference: string | null;
  /** Who reported it and under which id: recorded once per (source, event id). */
  source: DeliverySource | 'validate' | 'recheck';
  eventId: string;
  /** A partial refund is recorded for an operator and changes no credits. */
  partial: boolean;
  reason: string;
  /** The store's time of the revocation. */
  revokedAt: Date;
}

export interface TransactionFacts {
  kind: 'consumable' | 'subscription';
  /** The store's time of the transaction (a subscription period's start, as first reported). */
  observedAt: Date;
  /** Full revocations of this transaction. */
  ownRevocations: Date[];
  /** Full revocations of other transactions of the same subscription. */
  subscriptionRevocations: Date[];
}

/**
 * When the transaction counts as revoked, or null: its own full revocation, or, for a subscription period, a
 * revocation of the subscription at or before the period began (a renewal after a refund earns nothing). The
 * earliest time wins, so the answer is the same for any order of the same facts.
 */
export function revokedAt(facts: TransactionFacts): Date | null {
  const applicable = [
    ...facts.ownRevocations,
    ...(facts.kind === 'subscription' ? facts.subscriptionRevocations.filter((at) => at.getTime() <= facts.observedAt.getTime()) : []),
  ];
  if (applicable.length === 0) return null;
  return new Date(Math.min(...applicable.map((at) => at.getTime())));
}
