/** Why credits moved: one ledger entry per movement, unique per (type, reference). */
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
