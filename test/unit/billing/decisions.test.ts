import { describe, expect, it } from 'vitest';
import { collectionReference, planClawback, planCollection } from '../../../domain/billing/clawback.js';
import { decideCredits } from '../../../domain/billing/entitlement.js';
import { decideClaim, type ClaimInput } from '../../../domain/billing/ownership.js';
import type { VerifiedPurchase } from '../../../domain/billing/purchase.js';

const CALLER = '5b0c3a52-8d6f-4a0e-9a51-3f1f7c2d9e01';
const OTHER = 'c7e1f0b4-2a3d-4e5f-8a9b-0c1d2e3f4a5b';

describe('planClawback', () => {
  it('takes what the balance covers and leaves the rest outstanding', () => {
    expect(planClawback(50, 50)).toEqual({ take: 50, outstanding: 0 });
    expect(planClawback(20, 50)).toEqual({ take: 20, outstanding: 30 });
    expect(planClawback(0, 10)).toEqual({ take: 0, outstanding: 10 });
    expect(planClawback(80, 10)).toEqual({ take: 10, outstanding: 0 });
  });
});

describe('planCollection', () => {
  const owed = [
    { reference: 'apple:1', outstanding: 6 },
    { reference: 'google:2', outstanding: 10 },
  ];

  it('pays the oldest clawback first, never more than came back', () => {
    expect(planCollection(4, owed)).toEqual([{ reference: 'apple:1', take: 4 }]);
    expect(planCollection(9, owed)).toEqual([
      { reference: 'apple:1', take: 6 },
      { reference: 'google:2', take: 3 },
    ]);
    expect(planCollection(100, owed)).toEqual([
      { reference: 'apple:1', take: 6 },
      { reference: 'google:2', take: 10 },
    ]);
  });

  it('takes nothing when nothing came back or nothing is owed', () => {
    expect(planCollection(0, owed)).toEqual([]);
    expect(planCollection(10, [])).toEqual([]);
    expect(planCollection(10, [{ reference: 'apple:1', outstanding: 0 }])).toEqual([]);
  });

  it('names each collection after the clawback and the credit that paid it', () => {
    expect(collectionReference('apple:1', { type: 'job_refund', reference: 'job-9' })).toBe('apple:1:collected:job_refund:job-9');
  });
});

describe('decideClaim', () => {
  const claim = (overrides: Partial<ClaimInput>) =>
    decideClaim({ caller: CALLER, accountToken: null, owner: null, evidence: 'signed_transaction', policy: 'keep', ...overrides });

  it('refuses a purchase the store bound to another account, whatever else holds', () => {
    for (const policy of ['keep', 'transfer'] as const) {
      expect(claim({ accountToken: OTHER, policy })).toEqual({ action: 'refuse', code: 'PURCHASE_ACCOUNT_MISMATCH' });
      expect(claim({ accountToken: OTHER, owner: CALLER, policy })).toEqual({ action: 'refuse', code: 'PURCHASE_ACCOUNT_MISMATCH' });
    }
  });

  it('binds an unowned purchase and accepts its owner again', () => {
    expect(claim({})).toEqual({ action: 'bind' });
    expect(claim({ accountToken: CALLER.toUpperCase() })).toEqual({ action: 'bind' });
    expect(claim({ owner: CALLER })).toEqual({ action: 'owned' });
  });

  it('moves a purchase the store bound to the caller away from whoever presented it first', () => {
    expect(claim({ accountToken: CALLER, owner: OTHER, evidence: 'transaction_id' })).toEqual({ action: 'transfer', from: OTHER });
  });

  it('keeps an unbound purchase with its first owner by default, and transfers it only when configured', () => {
    expect(claim({ owner: OTHER })).toEqual({ action: 'refuse', code: 'TRANSACTION_CLAIMED' });
    expect(claim({ owner: OTHER, policy: 'transfer' })).toEqual({ action: 'transfer', from: OTHER });
    expect(claim({ owner: OTHER, policy: 'transfer', evidence: 'purchase_token' })).toEqual({ action: 'transfer', from: OTHER });
  });

  it('never transfers on a legacy receipt, whose transaction id anyone can forge', () => {
    expect(claim({ owner: OTHER, policy: 'transfer', evidence: 'transaction_id' })).toEqual({ action: 'refuse', code: 'TRANSACTION_CLAIMED' });
  });
});

describe('decideCredits', () => {
  const purchase = (overrides: Partial<VerifiedPurchase>): VerifiedPurchase => ({
    store: 'apple',
    environment: 'production',
    productId: 'credits_50',
    kind: 'consumable',
    transactionId: '1',
    originalReference: '1',
    observedAt: new Date(),
    purchasedAt: new Date(),
    revokedAt: null,
    subscription: null,
    replacesReference: null,
    accountToken: null,
    ...overrides,
  });
  const period = (status: 'active' | 'grace_period' | 'billing_retry' | 'expired') => ({ status, expiresAt: new Date(), autoRenew: true });

  it('grants a pack as a purchase and an entitled period as a subscription grant', () => {
    expect(decideCredits(purchase({}), 50)).toEqual({ action: 'grant', type: 'purchase', amount: 50 });
    for (const status of ['active', 'grace_period'] as const) {
      const renewal = purchase({ kind: 'subscription', subscription: period(status) });
      expect(decideCredits(renewal, 100)).toEqual({ action: 'grant', type: 'subscription_grant', amount: 100 });
    }
  });

  it('grants nothing for a view that says refunded, a lapsed period or a product worth nothing', () => {
    expect(decideCredits(purchase({ revokedAt: new Date() }), 50)).toEqual({ action: 'none' });
    expect(decideCredits(purchase({}), 0)).toEqual({ action: 'none' });
    for (const status of ['billing_retry', 'expired'] as const) {
      expect(decideCredits(purchase({ kind: 'subscription', subscription: period(status) }), 100)).toEqual({ action: 'none' });
    }
  });
});
