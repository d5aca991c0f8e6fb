import { isEntitled, type VerifiedPurchase } from './purchase.js';

export type CreditDecision =
  | { action: 'grant'; type: 'purchase' | 'subscription_grant'; amount: number }
  | { action: 'claw' }
  | { action: 'none' };

/**
 * What a verified purchase does to its owner's credits: a refund or revocation takes back what the transaction
 * earned; a paid pack or an entitled subscription period earns its credits (once: the ledger reference is the
 * store transaction); anything else (already revoked, nothing in the catalog, lapsed subscription) earns none.
 */
export function decideCredits(purchase: VerifiedPurchase, credits: number, options: { revokedBefore: boolean }): CreditDecision {
  if (purchase.revokedAt) return { action: 'claw' };
  if (options.revokedBefore || credits <= 0) return { action: 'none' };
  if (purchase.subscription && !isEntitled(purchase.subscription.status)) return { action: 'none' };
  return { action: 'grant', type: purchase.kind === 'consumable' ? 'purchase' : 'subscription_grant', amount: credits };
}
