import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSession, closedDispute, refundedCharge, signStripeDelivery, stripeEvent } from '../../fakes/stripe-events.js';
import { startStripeMock, type StripeMock } from '../../fakes/stripe-mock.js';
import { superwallSecret } from '../../fakes/superwall.js';
import { balanceOf, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const WEBHOOK_SECRET = superwallSecret();
const stripeConfig = {
  STRIPE_SECRET_KEY: 'sk_test_oneshot',
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_PRICES: JSON.stringify({ credits_50: 'price_credits_50', pro_monthly: 'price_pro_monthly' }),
  STRIPE_CHECKOUT_SUCCESS_URL: 'https://app.oneshot.test/checkout/done',
  STRIPE_CHECKOUT_CANCEL_URL: 'https://app.oneshot.test/checkout/canceled',
  /** Set once stripe-mock listens; these hooks are registered before useBillingApi's, so they run before the API starts and stop after it. */
  STRIPE_API_URL: '',
};
let stripeMock: StripeMock | undefined;
beforeAll(async () => {
  stripeMock = await startStripeMock();
  stripeConfig.STRIPE_API_URL = stripeMock.url;
});
afterAll(async () => stripeMock?.stop());
const billing = useBillingApi(stripeConfig);
const signUp = () => clientSignUp(billing.api);

function deliver(event: object, options: { secret?: string; timestamp?: number; tamper?: boolean } = {}) {
  const { body, headers } = signStripeDelivery(options.secret ?? WEBHOOK_SECRET, event, options);
  return billing.api.request('POST', '/billing/stripe/webhooks', { rawBody: options.tamper ? body.replace('credits_50', 'credits_200') : body, headers });
}

describe('Stripe web checkout', () => {
  it('opens a Checkout Session for a credit pack through the Stripe API (stripe-mock validates the request)', async () => {
    const user = await signUp();
    const response = await billing.api.request('POST', '/billing/stripe/checkout', {
      token: user.token,
      body: { product_id: 'credits_50', idempotency_key: 'attempt-1' },
    });
    expect(response.status).toBe(201);
    expect(response.body.session_id).toMatch(/^cs_/);
  });

  it('refuses products that are not credit packs sold on the web, and anonymous callers', async () => {
    const user = await signUp();
    for (const product_id of ['pro_monthly', 'credits_10', 'nope']) {
      const response = await billing.api.request('POST', '/billing/stripe/checkout', { token: user.token, body: { product_id } });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('PRODUCT_UNKNOWN');
    }
    expect((await billing.api.request('POST', '/billing/stripe/checkout', { body: { product_id: 'credits_50' } })).status).toBe(401);
  });
});

describe('Stripe webhooks', () => {
  it('grants a paid checkout once, however often and under whichever event it is delivered', async () => {
    const user = await signUp();
    const session = checkoutSession(user.id, 'credits_50');
    const completed = stripeEvent('checkout.session.completed', session);
    expect((await deliver(completed)).body).toEqual({ status: 'granted' });
    expect((await deliver(completed)).body).toEqual({ status: 'duplicate' });
    // The same payment told again under other event ids, concurrently, grants nothing more.
    const again = await Promise.all(
      Array.from({ length: 10 }, () => deliver(stripeEvent('checkout.session.async_payment_succeeded', session))),
    );
    expect(again.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(await balanceOf(billing.api, user.id)).toBe(50);
  });

  it('waits for an asynchronous payment: an unpaid completed session grants nothing until it succeeds', async () => {
    const user = await signUp();
    const session = checkoutSession(user.id, 'credits_50', { payment_status: 'unpaid' });
    expect((await deliver(stripeEvent('checkout.session.completed', session))).body).toEqual({ status: 'ignored', reason: 'session unpaid' });
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect((await deliver(stripeEvent('checkout.session.async_payment_succeeded', { ...session, payment_status: 'paid' }))).body).toEqual({
      status: 'granted',
    });
    expect(await balanceOf(billing.api, user.id)).toBe(50);
  });

  it('claws back a full refund once; a partial refund is left to an operator', async () => {
    const user = await signUp();
    const session = checkoutSession(user.id, 'credits_50');
    await deliver(stripeEvent('checkout.session.completed', session));
    expect((await deliver(stripeEvent('charge.refunded', refundedCharge(session.payment_intent, false)))).body).toEqual({ status: 'ignored', reason: 'partial refund (100 of 499 usd): recorded for an operator' });
    expect(await balanceOf(billing.api, user.id)).toBe(50);
    const refund = stripeEvent('charge.refunded', refundedCharge(session.payment_intent));
    expect((await deliver(refund)).body).toEqual({ status: 'revoked' });
    expect((await deliver(refund)).body).toEqual({ status: 'duplicate' });
    expect((await deliver(stripeEvent('charge.dispute.closed', closedDispute(session.payment_intent, 'lost')))).status).toBe(200);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    // A late redelivery of the payment does not grant a refunded pack again.
    await deliver(stripeEvent('checkout.session.completed', session));
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });

  it('keeps a refund delivered before its payment: the payment then grants nothing and is recorded revoked', async () => {
    const user = await signUp();
    const session = checkoutSession(user.id, 'credits_50');
    // checkout.session.completed met a 5xx; support refunded; Stripe retries the session afterwards.
    const refund = await deliver(stripeEvent('charge.refunded', refundedCharge(session.payment_intent)));
    expect(refund.body).toMatchObject({ status: 'recorded_for_later' });
    expect((await deliver(stripeEvent('checkout.session.completed', session))).body).toEqual({ status: 'revoked' });
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    const [transaction] = await billing.api.orm.em
      .fork()
      .execute(`select user_id, revoked_at is not null as revoked from store_transactions where store = 'stripe' and transaction_id = ?`, [session.payment_intent]);
    expect(transaction).toEqual({ user_id: user.id, revoked: true });
  });

  it('lists partial refunds and deliveries that changed nothing for an operator', async () => {
    const user = await signUp();
    const session = checkoutSession(user.id, 'credits_50');
    await deliver(stripeEvent('checkout.session.completed', session));
    const partial = stripeEvent('charge.refunded', refundedCharge(session.payment_intent, false)) as { id: string };
    await deliver(partial);
    const em = billing.api.orm.em.fork();
    const [fact] = await em.execute(`select partial, reason from purchase_revocations where store = 'stripe' and transaction_id = ?`, [session.payment_intent]);
    expect(fact).toEqual({ partial: true, reason: 'partial refund (100 of 499 usd)' });
    // docs/billing.md: deliveries that changed nothing.
    const unchanged = await em.execute(
      `select source, delivery_id, outcome, reason from billing_deliveries where outcome in ('ignored', 'recorded_for_later') and delivery_id = ?`,
      [partial.id],
    );
    expect(unchanged).toEqual([{ source: 'stripe', delivery_id: partial.id, outcome: 'ignored', reason: 'partial refund (100 of 499 usd): recorded for an operator' }]);
    expect(await balanceOf(billing.api, user.id)).toBe(50);
  });

  it('claws back a lost dispute, not a won one', async () => {
    const won = await signUp();
    const wonSession = checkoutSession(won.id, 'credits_50');
    await deliver(stripeEvent('checkout.session.completed', wonSession));
    expect((await deliver(stripeEvent('charge.dispute.closed', closedDispute(wonSession.payment_intent, 'won')))).body).toEqual({ status: 'ignored', reason: 'dispute won' });
    expect(await balanceOf(billing.api, won.id)).toBe(50);

    const lost = await signUp();
    const lostSession = checkoutSession(lost.id, 'credits_50');
    await deliver(stripeEvent('checkout.session.completed', lostSession));
    expect((await deliver(stripeEvent('charge.dispute.closed', closedDispute(lostSession.payment_intent, 'lost')))).body).toEqual({ status: 'revoked' });
    expect(await balanceOf(billing.api, lost.id)).toBe(0);
  });

  it('refuses forged, tampered and stale deliveries without touching credits', async () => {
    const user = await signUp();
    const event = stripeEvent('checkout.session.completed', checkoutSession(user.id, 'credits_50'));
    const attempts = [
      await deliver(event, { secret: superwallSecret() }),
      await deliver(event, { tamper: true }),
      await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      await billing.api.request('POST', '/billing/stripe/webhooks', { body: event }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });

  it('acknowledges and records event types it does not use', async () => {
    const event = stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }) as { id: string };
    expect((await deliver(event)).body).toEqual({ status: 'ignored', reason: 'event type not used' });
    const rows = await billing.api.orm.em.fork().execute(`select event_type, outcome, reason from billing_deliveries where source = 'stripe' and delivery_id = ?`, [event.id]);
    expect(rows).toEqual([{ event_type: 'customer.created', outcome: 'ignored', reason: 'event type not used' }]);
  });
});
