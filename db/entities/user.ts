import { EntitySchema } from '@mikro-orm/core';

export type SubscriptionStatus = 'inactive' | 'active' | 'grace_period' | 'billing_retry' | 'expired' | 'revoked';

export class User {
  id!: string;
  email!: string;
  passwordHash!: string;
  /** Cached balance; always equals the sum of this user's ledger entries (see domain ledger rules). */
  credits!: number;
  subscriptionStatus!: SubscriptionStatus;
  subscriptionExpiresAt?: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const UserSchema = new EntitySchema<User>({
  class: User,
  tableName: 'users',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string' },
    passwordHash: { type: 'string' },
    credits: { type: 'integer' },
    subscriptionStatus: { type: 'string' },
    subscriptionExpiresAt: { type: 'Date', nullable: true },
    createdAt: { type: 'Date' },
    updatedAt: { type: 'Date' },
  },
});
