import type { ProductKind } from './catalog.js';

/** Where a purchase was paid: the app stores, or Stripe web checkout (credit packs only). */
export type Store = 'apple' | 'google' | 'stripe';
/** `xcode`: transactions signed by Xcode's local StoreKit testing; accepted only in development. */
export type StoreEnvironment = 'production' | 'sandbox' | 'xcode';
export type StoreSubscriptionStatus = 'active' | 'grace_period' | 'billing_retry' | 'expired' | 'revoked' | 'paused';

/** A subscription's state as the store reports it. */
export interface SubscriptionState {
  status: StoreSubscriptionStatus;
  expiresAt: Date;
  autoRenew: boolean;
}

/**
 * One purchase or renewal after the store vouched for it (signature verified or fetched from the store's API),
 * in store-neutral terms. Everything that moves credits starts from one of these.
 */
export interface VerifiedPurchase {
  store: Store;
  environment: StoreEnvironment;
  productId: string;
  kind: ProductKind;
  /** Unique per purchase and per renewal (Apple transactionId, Google orderId): the ledger reference. */
  transactionId: string;
  /** Stable across renewals (Apple originalTransactionId, Google purchase token): binds a subscription to an account. */
  originalReference: string;
  /** When the store produced this view; older views never overwrite newer ones. */
  observedAt: Date;
  /** The store's time of the transaction itself (a subscription period's start): what a revocation is compared with. */
  purchasedAt: Date;
  /** Set when the store refunded or revoked this transaction. */
  revokedAt: Date | null;
  subscription: SubscriptionState | null;
  /** Google: the purchase token this one replaced (upgrade, downgrade, resubscribe). */
  replacesReference: string | null;
  /**
   * The account the app bound the purchase to when it was made (Apple `appAccountToken`, Google
   * `obfuscatedExternalAccountId`): our user id, or null when the app set none.
   */
  accountToken: string | null;
}

/** Statuses during which the subscriber is entitled to the product; a renewal in one of them earns credits. */
export function isEntitled(status: StoreSubscriptionStatus): boolean {
  return status === 'active' || status === 'grace_period';
}

export function ledgerReference(store: Store, transactionId: string): string {
  return `${store}:${transactionId}`;
}
