import { EntitySchema } from '@mikro-orm/core';

export const creditTransactionTypes = [
  'signup_bonus',
  'purchase',
  'subscription_grant',
  'job_reserve',
  'job_refund',
  'revocation',
  'adjustment',
] as const;
export type CreditTransactionType = (typeof creditTransactionTypes)[number];

/** One append-only ledger entry; (type, reference) is unique, which makes every movement idempotent. */
export class CreditTransaction {
  id!: string;
  userId!: string;
  amount!: number;
  type!: CreditTransactionType;
  reference!: string;
  metadata!: Record<string, unknown>;
  createdAt!: Date;
}

export const CreditTransactionSchema = new EntitySchema<CreditTransaction>({
  class: CreditTransaction,
  tableName: 'credit_transactions',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    amount: { type: 'integer' },
    type: { type: 'string' },
    reference: { type: 'string' },
    metadata: { type: 'json' },
    createdAt: { type: 'Date' },
  },
});
