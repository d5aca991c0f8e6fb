import { isEntitled, type VerifiedPurchase } from './purchase.js';

export type CreditDecision = { action: 'grant'; type: 'purchase' | 'subscription_grant'; amount: number } | { action: 'none' };

/**
 * What one verified view of a purchase earns its owner: a paid pack or an entitled subscription period earns its
 * credits (once: the ledger reference is the store transaction); a view that says refunded or revoked, a product
 * outside the catalog or a lapsed period earns none. Revocations are facts of their own (see facts.ts): whether
 * the transaction keeps what it earned is decided from all of them together.
 */
export function decideCredits(purchase: VerifiedPurchase, credits: number): CreditDecision {
  if (purchase.revokedAt || credits <= 0) return { action: 'none' };
  if (purchase.subscription && !isEntitled(purchase.subscription.status)) return { action: 'none' };
  return { action: 'grant', type: purchase.kind === 'consumable' ? 'purchase' : 'subscription_grant', amount: credits };
}
