import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { decideStripeEvent } from '../../../domain/billing/stripe.js';
import { decideSuperwallEvent, superwallEventSchema, type SuperwallRules } from '../../../domain/billing/superwall.js';
import { checkoutSession, closedDispute, refundedCharge, stripeEvent } from '../../../fakes/stripe-events.js';
import { superwallEvent } from '../../../fakes/superwall.js';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const stripe = (type: string, object: object) => stripeEvent(type, object) as Stripe.Event;

describe('Stripe event decisions', () => {
  it('grants a paid session of ours, keyed by its payment intent and bound to its buyer', () => {
    const session = checkoutSession(USER, 'credits_50');
    const decision = decideStripeEvent(stripe('checkout.session.completed', session));
    expect(decision).toMatchObject({ action: 'grant', userId: USER, purchase: { store: 'stripe', transactionId: session.payment_intent, accountToken: USER, kind: 'consumable' } });
  });

  it('waits for unpaid sessions and ignores sessions without our metadata', () => {
    expect(decideStripeEvent(stripe('checkout.session.completed', checkoutSession(USER, 'credits_50', { payment_status: 'unpaid' }))).action).toBe('ignore');
    expect(decideStripeEvent(stripe('checkout.session.completed', checkoutSession(USER, 'credits_50', { metadata: {}, client_reference_id: null }))).action).toBe('ignore');
  });

  it('revokes full refunds and lost disputes; records partial refunds as partial; ignores won disputes', () => {
    const refund = stripe('charge.refunded', refundedCharge('pi_1'));
    const at = new Date(refund.created * 1000);
    expect(decideStripeEvent(refund)).toEqual({ action: 'revoke', paymentIntentId: 'pi_1', partial: false, reason: 'refund', revokedAt: at });
    expect(decideStripeEvent(stripe('charge.refunded', refundedCharge('pi_1', false)))).toMatchObject({
      action: 'revoke',
      partial: true,
      reason: 'partial refund (100 of 499 usd)',
    });
    expect(decideStripeEvent(stripe('charge.dispute.closed', closedDispute('pi_1', 'lost')))).toMatchObject({ action: 'revoke', paymentIntentId: 'pi_1', partial: false, reason: 'dispute lost' });
    expect(decideStripeEvent(stripe('charge.dispute.closed', closedDispute('pi_1', 'won')))).toEqual({ action: 'ignore', reason: 'dispute won' });
    expect(decideStripeEvent(stripe('customer.created', {})).action).toBe('ignore');
  });
});

describe('Superwall event decisions', () => {
  const rules: SuperwallRules = {
    catalog: { credits_50: { type: 'consumable', credits: 50 }, pro: { type: 'subscription', credits_per_period: 100 } },
    accepts: (_store, environment) => environment === 'production',
    appIds: { apple: 'com.oneshot.app' },
  };
  const decide = (input: Parameters<typeof superwallEvent>[0]) => decideSuperwallEvent(superwallEventSchema.parse(superwallEvent(input)), rules);

  it('applies paid events with the identified user, and refunds as revocations', () => {
    expect(decide({ type: 'renewal', transactionId: 't2', originalTransactionId: 't1', productId: 'pro', appUserId: USER.toUpperCase() })).toMatchObject({
      action: 'apply',
      userIds: [USER.toUpperCase()],
      purchase: { store: 'apple', transactionId: 't2', originalReference: 't1', kind: 'subscription', revokedAt: null, subscription: null },
    });
    const refund = decide({ type: 'cancellation', transactionId: 't1', productId: 'credits_50', cancelReason: 'CUSTOMER_SUPPORT' });
    expect(refund.action === 'apply' && refund.purchase.revokedAt).toBeInstanceOf(Date);
    expect(decide({ type: 'initial_purchase', transactionId: 't3', productId: 'credits_50' })).toMatchObject({ action: 'apply', userIds: [] });
  });

  it('records lifecycle, unknown, foreign, unaccepted and web-store events without acting', () => {
    for (const input of [
      { type: 'expiration', transactionId: 't', productId: 'pro' },
      { type: 'something_new', transactionId: 't', productId: 'pro' },
      { type: 'renewal', transactionId: 't', productId: 'pro', bundleId: 'com.other' },
      { type: 'renewal', transactionId: 't', productId: 'pro', environment: 'SANDBOX' as const },
      { type: 'renewal', transactionId: 't', productId: 'pro', store: 'STRIPE' as const },
      { type: 'renewal', transactionId: 't', productId: 'unknown' },
    ]) {
      expect(decide(input).action, input.type).toBe('ignore');
    }
  });
});
