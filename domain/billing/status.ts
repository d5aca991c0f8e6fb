import type { StoreSubscriptionStatus, SubscriptionState } from './purchase.js';

/** A user's subscription summary (`users.subscription_status`). */
export type UserSubscriptionStatus = 'inactive' | 'active' | 'grace_period' | 'billing_retry' | 'expired' | 'revoked';

// Best first: a user with an active subscription on one store and an expired one on the other is active.
const PRIORITY: StoreSubscriptionStatus[] = ['active', 'grace_period', 'billing_retry', 'paused', 'revoked', 'expired'];

/** The user-level summary of all their store subscriptions (`users.subscription_status/_expires_at`). */
export function summarizeSubscriptions(rows: { status: StoreSubscriptionStatus; expiresAt: Date }[]): {
  status: UserSubscriptionStatus;
  expiresAt: Date | null;
} {
  const best = [...rows].sort(
    (a, b) => PRIORITY.indexOf(a.status) - PRIORITY.indexOf(b.status) || b.expiresAt.getTime() - a.expiresAt.getTime(),
  )[0];
  if (!best) return { status: 'inactive', expiresAt: null };
  // users.subscription_status has no "paused": a paused subscription grants nothing, like none at all.
  return { status: best.status === 'paused' ? 'inactive' : best.status, expiresAt: best.expiresAt };
}

export interface RecheckTiming {
  RENEWAL_CHECK_DELAY: number;
  RENEWAL_RETRY_INTERVAL: number;
  RENEWAL_EXPIRED_RECHECK: number;
}

/**
 * When the renewal sweep should next ask the store: just after the paid period ends (the store has renewed or
 * not by then), periodically while payment is being retried, rarely once expired. Always in the future, so a
 * sweep never meets the same subscription twice.
 */
export function nextCheckAt(state: Pick<SubscriptionState, 'status' | 'expiresAt'>, now: Date, timing: RecheckTiming): Date {
  const soonest = now.getTime() + 60_000;
  switch (state.status) {
    case 'active':
      return new Date(Math.max(state.expiresAt.getTime() + timing.RENEWAL_CHECK_DELAY, soonest));
    case 'grace_period':
    case 'billing_retry':
    case 'paused':
      return new Date(now.getTime() + timing.RENEWAL_RETRY_INTERVAL);
    case 'expired':
    case 'revoked':
      return new Date(now.getTime() + timing.RENEWAL_EXPIRED_RECHECK);
  }
}
