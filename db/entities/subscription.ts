import { EntitySchema } from '@mikro-orm/core';

export type Store = 'apple' | 'google';
export type StoreEnvironment = 'production' | 'sandbox';
export type StoreSubscriptionStatus = 'active' | 'grace_period' | 'billing_retry' | 'expired' | 'revoked' | 'paused';

/**
 * A store subscription. `storeReference` is Apple's original transaction id or Google's purchase token
 * (stable across renewals); `latestTransactionId` is the renewal last seen.
 */
export class Subscription {
  id!: string;
  userId!: string;
  store!: Store;
  productId!: string;
  storeReference!: string;
  latestTransactionId!: string;
  status!: StoreSubscriptionStatus;
  expiresAt!: Date;
  environment!: StoreEnvironment;
  autoRenew!: boolean;
  lastCheckedAt?: Date | null;
  nextCheckAt!: Date;
  /** When the store produced the state stored here; older store views never overwrite newer ones. */
  observedAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;
}

export const SubscriptionSchema = new EntitySchema<Subscription>({
  class: Subscription,
  tableName: 'subscriptions',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    store: { type: 'string' },
    productId: { type: 'string' },
    storeReference: { type: 'text' },
    latestTransactionId: { type: 'string' },
    status: { type: 'string' },
    expiresAt: { type: 'Date' },
    environment: { type: 'string' },
    autoRenew: { type: 'boolean' },
    lastCheckedAt: { type: 'Date', nullable: true },
    nextCheckAt: { type: 'Date' },
    observedAt: { type: 'Date' },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
  },
});
