import type { Store } from '../billing/purchase.js';

/** One deletion workflow per account: its id, so a repeated or resumed deletion joins the same one. */
export function accountDeletionWorkflowId(userId: string): string {
  return `account-deletion-${userId}`;
}

export type SubscriptionStore = Exclude<Store, 'stripe'>;

/**
 * Where the user cancels a store subscription themselves: the backend cannot, and Apple and Google require
 * apps to send users there when they delete their account.
 */
export function subscriptionManagementUrl(store: SubscriptionStore, packageName?: string): string {
  if (store === 'apple') return 'https://apps.apple.com/account/subscriptions';
  return packageName
    ? `https://play.google.com/store/account/subscriptions?package=${encodeURIComponent(packageName)}`
    : 'https://play.google.com/store/account/subscriptions';
}

/** What the account deletion workflow did, for operators and tests. */
export interface AccountDeletionSummary {
  jobsCanceled: number;
  objectsDeleted: number;
  devicesRemoved: number;
}
