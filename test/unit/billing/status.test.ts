import { describe, expect, it } from 'vitest';
import { nextCheckAt, summarizeSubscriptions } from '../../../domain/billing/status.js';

const now = new Date('2026-01-01T00:00:00Z');
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
const timing = { RENEWAL_CHECK_DELAY: 600_000, RENEWAL_RETRY_INTERVAL: 6 * 3_600_000, RENEWAL_EXPIRED_RECHECK: 7 * 86_400_000 };

describe('summarizeSubscriptions', () => {
  it('is inactive without subscriptions', () => {
    expect(summarizeSubscriptions([])).toEqual({ status: 'inactive', expiresAt: null });
  });

  it('takes the best status across stores, then the latest expiry', () => {
    const rows = [
      { status: 'expired' as const, expiresAt: at(-10) },
      { status: 'grace_period' as const, expiresAt: at(-1) },
      { status: 'active' as const, expiresAt: at(5) },
      { status: 'active' as const, expiresAt: at(50) },
    ];
    expect(summarizeSubscriptions(rows)).toEqual({ status: 'active', expiresAt: at(50) });
  });

  it('reports a paused subscription as inactive', () => {
    expect(summarizeSubscriptions([{ status: 'paused', expiresAt: at(1) }]).status).toBe('inactive');
  });
});

describe('nextCheckAt', () => {
  it('checks an active subscription just after its period ends, never in the past', () => {
    expect(nextCheckAt({ status: 'active', expiresAt: at(24) }, now, timing)).toEqual(new Date(at(24).getTime() + 600_000));
    expect(nextCheckAt({ status: 'active', expiresAt: at(-24) }, now, timing)).toEqual(new Date(now.getTime() + 60_000));
  });

  it('retries grace period and billing retry periodically, and looks rarely at expired ones', () => {
    expect(nextCheckAt({ status: 'billing_retry', expiresAt: at(-1) }, now, timing)).toEqual(at(6));
    expect(nextCheckAt({ status: 'expired', expiresAt: at(-1) }, now, timing)).toEqual(at(7 * 24));
  });
});
