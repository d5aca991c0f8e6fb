import { describe, expect, it } from 'vitest';
import { signSuperwallDelivery, superwallEvent, superwallSecret, type SuperwallEventInput } from '../../fakes/superwall.js';
import { startApi } from '../helpers/api.js';
import { balanceOf, BUNDLE_ID, DAY, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const SECRET = superwallSecret();
const billing = useBillingApi({ SUPERWALL_WEBHOOK_SECRET: SECRET });
const signUp = () => clientSignUp(billing.api);

function deliver(event: object, options: { secret?: string; at?: Date; messageId?: string; tamper?: boolean } = {}) {
  const { body, headers } = signSuperwallDelivery(options.secret ?? SECRET, event, options);
  return billing.api.request('POST', '/billing/superwall/webhooks', { rawBody: options.tamper ? body.replace('credits_10', 'credits_200') : body, headers });
}

function event(input: SuperwallEventInput) {
  return superwallEvent({ bundleId: BUNDLE_ID, ...input });
}

function validateApple(token: string, signedTransaction: string, productId: string) {
  return billing.api.request('POST', '/billing/validate', { token, body: { platform: 'ios', receipt_data: signedTransaction, product_id: productId } });
}

describe('Superwall webhooks', () => {
  it('grants a purchase to the identified app user once, however often it is delivered', async () => {
    const user = await signUp();
    const purchase = event({ type: 'non_renewing_purchase', transactionId: `sw-${Date.now()}`, productId: 'credits_50', appUserId: user.id });
    const delivery = signSuperwallDelivery(SECRET, purchase);
    const send = () => billing.api.request('POST', '/billing/superwall/webhooks', { rawBody: delivery.body, headers: delivery.headers });
    expect((await send()).body).toEqual({ status: 'granted' });
    expect((await send()).body).toEqual({ status: 'duplicate' });
    expect(await balanceOf(billing.api, user.id)).toBe(50);
  });

  it('grants the same store transaction once across Superwall, /billing/validate and concurrent deliveries', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    const fromSuperwall = () =>
      deliver(event({ type: 'non_renewing_purchase', transactionId: transaction.transactionId, productId: 'credits_50', appUserId: user.id }));
    const responses = await Promise.all([...Array.from({ length: 8 }, fromSuperwall), validateApple(user.token, billing.stores.apple.signTransaction(transaction), 'credits_50')]);
    expect(responses.map((response) => response.status)).toEqual(Array(9).fill(200));
    expect(await balanceOf(billing.api, user.id)).toBe(50);

    // Validated first, told by Superwall afterwards: still one grant.
    const later = billing.stores.apple.buy('credits_10');
    expect((await validateApple(user.token, billing.stores.apple.signTransaction(later), 'credits_10')).body.credits_added).toBe(10);
    expect((await deliver(event({ type: 'non_renewing_purchase', transactionId: later.transactionId, productId: 'credits_10', appUserId: user.id }))).body).toEqual({
      status: 'ignored',
      reason: 'already granted',
    });
    expect(await balanceOf(billing.api, user.id)).toBe(60);
  });

  it('grants a subscription renewal once when both Superwall and the App Store report it', async () => {
    const user = await signUp();
    const first = billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY);
    await validateApple(user.token, billing.stores.apple.signTransaction(first), 'pro_monthly');
    const renewal = billing.stores.apple.renew(first.originalTransactionId, Date.now() + 31 * DAY);
    const told = event({ type: 'renewal', transactionId: renewal.transactionId, originalTransactionId: first.originalTransactionId, productId: 'pro_monthly' });
    expect((await deliver(told)).body).toEqual({ status: 'granted' });
    const notification = billing.stores.apple.signNotification('DID_RENEW', renewal);
    expect((await billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: notification } })).body).toEqual({ status: 'updated' });
    expect(await balanceOf(billing.api, user.id)).toBe(200);
  });

  it('claws back a refund reported by Superwall for the account holding the transaction', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    await validateApple(user.token, billing.stores.apple.signTransaction(transaction), 'credits_50');
    // No app user id on the refund: the transaction's holder is found from the store transaction.
    const refund = event({ type: 'cancellation', transactionId: transaction.transactionId, productId: 'credits_50', cancelReason: 'CUSTOMER_SUPPORT', price: -4.99 });
    expect((await deliver(refund)).body).toEqual({ status: 'revoked' });
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    // A late purchase event for the refunded transaction does not grant it again.
    await deliver(event({ type: 'non_renewing_purchase', transactionId: transaction.transactionId, productId: 'credits_50', appUserId: user.id }));
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });

  it('keeps a refund delivered before its purchase: the purchase then grants nothing', async () => {
    const user = await signUp();
    const transactionId = `sw-early-refund-${Date.now()}`;
    const refund = event({ type: 'cancellation', transactionId, productId: 'credits_50', appUserId: user.id, cancelReason: 'CUSTOMER_SUPPORT', price: -4.99 });
    expect((await deliver(refund)).body).toMatchObject({ status: 'recorded_for_later' });
    const purchase = event({ type: 'initial_purchase', transactionId, productId: 'credits_50', appUserId: user.id });
    expect((await deliver(purchase)).body).toEqual({ status: 'revoked' });
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });

  it('grants nothing when Superwall and the App Store both report the refund, before and after the purchase, twice at once', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    const signed = billing.stores.apple.signTransaction(transaction);
    const refund = event({ type: 'cancellation', transactionId: transaction.transactionId, productId: 'credits_50', cancelReason: 'CUSTOMER_SUPPORT', price: -4.99 });
    const notification = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(transaction.transactionId));
    const notify = () => billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: notification } });
    const first = await Promise.all([deliver(refund), deliver(refund), notify(), notify()]);
    expect(first.map((response) => response.body.status).sort()).toEqual(['duplicate', 'duplicate', 'recorded_for_later', 'recorded_for_later']);
    expect((await validateApple(user.token, signed, 'credits_50')).body.error.code).toBe('PURCHASE_REVOKED');
    const purchase = event({ type: 'non_renewing_purchase', transactionId: transaction.transactionId, productId: 'credits_50', appUserId: user.id });
    expect((await deliver(purchase)).body).toEqual({ status: 'ignored', reason: 'already revoked' });
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });

  it('takes back a refunded subscription and a refunded pack of one account delivered at the same moment', async () => {
    // Found by the long property run: two clawbacks for one account deadlocked on the account row.
    for (let round = 0; round < 5; round++) {
      const user = await signUp();
      const subscription = billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY);
      const pack = billing.stores.apple.buy('credits_50');
      // Bound through Superwall: the store's refund is the first to write its subscription row.
      const bought = event({ type: 'initial_purchase', transactionId: subscription.transactionId, productId: 'pro_monthly', appUserId: user.id });
      expect((await deliver(bought)).body).toEqual({ status: 'granted' });
      expect((await validateApple(user.token, billing.stores.apple.signTransaction(pack), 'credits_50')).status).toBe(200);
      const storeRefund = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(subscription.transactionId));
      const superwallRefund = event({ type: 'cancellation', transactionId: pack.transactionId, productId: 'credits_50', cancelReason: 'CUSTOMER_SUPPORT', price: -4.99 });
      const responses = await Promise.all([
        billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: storeRefund } }),
        deliver(superwallRefund),
        deliver(superwallRefund),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
      expect(await balanceOf(billing.api, user.id)).toBe(0);
    }
  });

  it('grants a renewal the App Store reported while Superwall was binding the subscription, at the same moment', async () => {
    // Found by the long property run: the first period's binding did not wait for its renewal's facts.
    for (let round = 0; round < 8; round++) {
      const user = await signUp();
      const first = billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY);
      const renewal = billing.stores.apple.renew(first.originalTransactionId, Date.now() + 31 * DAY);
      const renewed = billing.stores.apple.signNotification('DID_RENEW', renewal);
      const bought = event({ type: 'initial_purchase', transactionId: first.transactionId, productId: 'pro_monthly', appUserId: user.id });
      await Promise.all([billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: renewed } }), deliver(bought)]);
      expect(await balanceOf(billing.api, user.id)).toBe(200);
    }
  });

  it('records without acting on lifecycle, unknown, foreign and Stripe-paid events; keeps an unidentified purchase for validate', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    const anonymous = event({ type: 'non_renewing_purchase', transactionId: transaction.transactionId, productId: 'credits_50' });
    expect((await deliver(anonymous)).body).toEqual({ status: 'recorded_for_later', reason: 'no known account yet; kept for /billing/validate' });
    expect((await validateApple(user.token, billing.stores.apple.signTransaction(transaction), 'credits_50')).body.credits_added).toBe(50);
    const recordedOnly = [
      event({ type: 'expiration', transactionId: 'sw-exp', productId: 'pro_monthly', appUserId: user.id }),
      event({ type: 'brand_new_event_type', transactionId: 'sw-new', productId: 'credits_50', appUserId: user.id }),
      event({ type: 'non_renewing_purchase', transactionId: 'sw-other-app', productId: 'credits_50', appUserId: user.id, bundleId: 'com.someone.else' }),
      event({ type: 'non_renewing_purchase', transactionId: 'sw-sandbox', productId: 'credits_50', appUserId: user.id, environment: 'SANDBOX' }),
      event({ type: 'non_renewing_purchase', transactionId: 'pi_web', productId: 'credits_50', appUserId: user.id, store: 'STRIPE' }),
      event({ type: 'non_renewing_purchase', transactionId: 'sw-unknown-product', productId: 'not_sold_here', appUserId: user.id }),
    ];
    for (const recorded of recordedOnly) expect((await deliver(recorded)).body).toMatchObject({ status: 'ignored' });
    expect(await balanceOf(billing.api, user.id)).toBe(50);
    const rows = await billing.api.orm.em
      .fork()
      .execute(`select event_type from billing_deliveries where source = 'superwall' and delivery_id in (?) order by event_type`, [recordedOnly.map((e) => e.data.id)]);
    expect(rows).toHaveLength(recordedOnly.length);
  });

  it('refuses forged, tampered, stale and unsigned deliveries without touching credits', async () => {
    const user = await signUp();
    const purchase = event({ type: 'non_renewing_purchase', transactionId: `sw-forged-${Date.now()}`, productId: 'credits_10', appUserId: user.id });
    const attempts = [
      await deliver(purchase, { secret: superwallSecret() }),
      await deliver(purchase, { tamper: true }),
      await deliver(purchase, { at: new Date(Date.now() - 10 * 60_000) }),
      await deliver(purchase, { at: new Date(Date.now() + 10 * 60_000) }),
      await billing.api.request('POST', '/billing/superwall/webhooks', { body: purchase }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    expect(await balanceOf(billing.api, user.id)).toBe(0);
  });
});

describe('billing providers without configuration', () => {
  it('answer 503 STORE_NOT_CONFIGURED', async () => {
    const api = await startApi();
    try {
      const user = await clientSignUp(api);
      const responses = [
        await api.request('POST', '/billing/superwall/webhooks', { body: {} }),
        await api.request('POST', '/billing/stripe/webhooks', { body: {} }),
        await api.request('POST', '/billing/stripe/checkout', { token: user.token, body: { product_id: 'credits_50' } }),
      ];
      for (const response of responses) {
        expect(response.status).toBe(503);
        expect(response.body.error.code).toBe('STORE_NOT_CONFIGURED');
      }
    } finally {
      await api.close();
    }
  });
});
