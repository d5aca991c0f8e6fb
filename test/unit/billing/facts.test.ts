import { describe, expect, it } from 'vitest';
import { revokedAt, type TransactionFacts } from '../../../domain/billing/facts.js';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

function facts(overrides: Partial<TransactionFacts>): TransactionFacts {
  return { kind: 'consumable', observedAt: day(0), ownRevocations: [], subscriptionRevocations: [], ...overrides };
}

describe('when a store transaction counts as revoked', () => {
  it('is not revoked without a revocation', () => {
    expect(revokedAt(facts({}))).toBeNull();
  });

  it('is revoked by its own revocation, at the earliest one reported, whatever the order of the reports', () => {
    expect(revokedAt(facts({ ownRevocations: [day(3), day(2)] }))).toEqual(day(2));
    expect(revokedAt(facts({ ownRevocations: [day(2), day(3)] }))).toEqual(day(2));
  });

  it('revokes a subscription period that began at or after a revocation of its subscription, not one before', () => {
    const renewal = facts({ kind: 'subscription', observedAt: day(30) });
    expect(revokedAt({ ...renewal, subscriptionRevocations: [day(1)] })).toEqual(day(1));
    expect(revokedAt({ ...renewal, subscriptionRevocations: [day(30)] })).toEqual(day(30));
    expect(revokedAt({ ...renewal, subscriptionRevocations: [day(31)] })).toBeNull();
  });

  it('never lets a revocation of another pack take this one', () => {
    expect(revokedAt(facts({ subscriptionRevocations: [day(-1)] }))).toBeNull();
  });
});
