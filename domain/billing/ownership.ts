import { ErrorCode } from '../errors.js';

/**
 * Who owns a store purchase. The app binds each purchase to the buyer's account when it is made (StoreKit 2
 * `appAccountToken`, Google `obfuscatedExternalAccountId` = our user id); the store signs that binding, so it
 * decides. Purchases without it belong to the first account that presents them, unless the configured policy
 * lets a later account take them over, as subscription backends offer ("transfer"), recorded.
 */
export type OwnershipPolicy = 'keep' | 'transfer';

/**
 * What the caller presented: data the store signed for the device (StoreKit 2 JWS), the store's own purchase
 * token (Google), only a transaction id taken from an unverified legacy receipt, which anyone who saw the id
 * can forge, or a billing provider's signed event naming the account (Superwall, Stripe).
 */
export type PurchaseEvidence = 'signed_transaction' | 'purchase_token' | 'transaction_id' | 'provider_event';

export type ClaimDecision =
  | { action: 'bind' }
  | { action: 'owned' }
  | { action: 'transfer'; from: string }
  | { action: 'refuse'; code: typeof ErrorCode.PURCHASE_ACCOUNT_MISMATCH | typeof ErrorCode.TRANSACTION_CLAIMED };

export interface ClaimInput {
  caller: string;
  /** The account the store says the purchase was made for, if the app set one. */
  accountToken: string | null;
  /** The account that holds the purchase here now, if any. */
  owner: string | null;
  evidence: PurchaseEvidence;
  policy: OwnershipPolicy;
}

export function decideClaim({ caller, accountToken, owner, evidence, policy }: ClaimInput): ClaimDecision {
  if (accountToken !== null && !sameAccount(accountToken, caller)) return { action: 'refuse', code: ErrorCode.PURCHASE_ACCOUNT_MISMATCH };
  if (owner === null) return { action: 'bind' };
  if (owner === caller) return { action: 'owned' };
  // The store's binding outranks whoever presented the purchase first (e.g. through a forged legacy receipt).
  if (accountToken !== null) return { action: 'transfer', from: owner };
  if (evidence === 'transaction_id' || policy === 'keep') return { action: 'refuse', code: ErrorCode.TRANSACTION_CLAIMED };
  return { action: 'transfer', from: owner };
}

/** Account tokens are UUIDs; the stores may change their case. */
function sameAccount(accountToken: string, userId: string): boolean {
  return accountToken.toLowerCase() === userId.toLowerCase();
}
