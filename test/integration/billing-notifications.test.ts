import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../db/ledger.js';
import { createSigningChain } from '../../fakes/apple-ca.js';
import { DAY, RTDN_AUDIENCE, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const billing = useBillingApi();
const signUp = () => clientSignUp(billing.api);

async function account(userId: string): Promise<{ credits: number; subscription_status: string }> {
  const [row] = await billing.api.orm.em
    .fork()
    .execute<{ credits: number; subscription_status: string }[]>(`select credits, subscription_status from users where id = ?`, [userId]);
  return row!;
}

function appleNotify(signedPayload: string) {
  return billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload } });
}

function googleNotify(push: { authorization: string; body: object }) {
  return billing.api.request('POST', '/billing/google/notifications', { body: push.body, headers: { authorization: push.authorization } });
}

describe('App Store Server Notifications V2', () => {
  it('grants a renewal once however often the notification is delivered, then expires', async () => {
    const user = await signUp();
    const first = billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY);
    await billing.api.request('POST', '/billing/validate', {
      token: user.token,
      body: { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(first), product_id: 'pro_monthly' },
    });
    const renewal = billing.stores.apple.renew(first.originalTransactionId, Date.now() + 31 * DAY);
    const notification = billing.stores.apple.signNotification('DID_RENEW', renewal);
    expect((await appleNotify(notification)).body).toEqual({ status: 'granted' });
    expect((await appleNotify(notification)).body).toEqual({ status: 'duplicate' });
    // The same renewal told again under another notificationUUID still grants nothing more.
    expect((await appleNotify(billing.stores.apple.signNotification('DID_RENEW', renewal))).body).toEqual({ status: 'updated' });
    expect(await account(user.id)).toEqual({ credits: 200, subscription_status: 'active' });

    billing.stores.apple.setStatus(first.originalTransactionId, 2, false);
    expect((await appleNotify(billing.stores.apple.signNotification('EXPIRED', renewal, { subtype: 'VOLUNTARY' }))).status).toBe(200);
    expect(await account(user.id)).toEqual({ credits: 200, subscription_status: 'expired' });
  });

  it('keeps a REFUND that arrives before the app validates the purchase: validate then grants nothing', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    // What the device holds: the transaction as signed when it was bought.
    const signed = billing.stores.apple.signTransaction(transaction);
    const refund = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(transaction.transactionId));
    expect((await appleNotify(refund)).body).toMatchObject({ status: 'recorded_for_later' });
    const validated = await billing.api.request('POST', '/billing/validate', {
      token: user.token,
      body: { platform: 'ios', receipt_data: signed, product_id: 'credits_50' },
    });
    expect([validated.status, validated.body.error?.code]).toEqual([422, 'PURCHASE_REVOKED']);
    expect((await account(user.id)).credits).toBe(0);
  });

  it('takes back a refunded pack when the app presents the refunded transaction, also without the REFUND notification', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    const validate = (signed: string) =>
      billing.api.request('POST', '/billing/validate', { token: user.token, body: { platform: 'ios', receipt_data: signed, product_id: 'credits_50' } });
    expect((await validate(billing.stores.apple.signTransaction(transaction))).body.credits_added).toBe(50);
    const refunded = billing.stores.apple.refund(transaction.transactionId);
    expect((await validate(billing.stores.apple.signTransaction(refunded))).body.error.code).toBe('PURCHASE_REVOKED');
    expect((await account(user.id)).credits).toBe(0);
  });

  it('grants nothing for a renewal that began after its subscription was refunded, in either delivery order', async () => {
    for (const refundFirst of [true, false]) {
      const user = await signUp();
      const first = billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY);
      await billing.api.request('POST', '/billing/validate', {
        token: user.token,
        body: { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(first), product_id: 'pro_monthly' },
      });
      const refund = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(first.transactionId));
      await sleep(5);
      const renewal = billing.stores.apple.renew(first.originalTransactionId, Date.now() + 31 * DAY);
      billing.stores.apple.setStatus(first.originalTransactionId, 1, true);
      const renewed = billing.stores.apple.signNotification('DID_RENEW', renewal);
      for (const payload of refundFirst ? [refund, renewed] : [renewed, refund]) expect((await appleNotify(payload)).status).toBe(200);
      expect((await account(user.id)).credits).toBe(0);
    }
  });

  it('claws back a refunded pack without going below zero: credits already spent stay spent', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    await billing.api.request('POST', '/billing/validate', {
      token: user.token,
      body: { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'credits_50' },
    });
    await new Ledger(billing.api.orm.em.fork()).reserve(user.id, 30, randomUUID());
    const notification = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(transaction.transactionId));
    expect((await appleNotify(notification)).body).toEqual({ status: 'revoked' });
    expect((await appleNotify(notification)).body).toEqual({ status: 'duplicate' });
    expect((await account(user.id)).credits).toBe(0);
    const [entry] = await billing.api.orm.em
      .fork()
      .execute(`select amount, metadata->>'requested' as requested from credit_transactions where user_id = ? and type = 'revocation'`, [user.id]);
    expect(entry).toEqual({ amount: -20, requested: '50' });
  });

  it('revokes a refunded subscription period', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.subscribe('pro_monthly', Date.now() + 20 * DAY);
    await billing.api.request('POST', '/billing/validate', {
      token: user.token,
      body: { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'pro_monthly' },
    });
    await appleNotify(billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(transaction.transactionId)));
    expect(await account(user.id)).toEqual({ credits: 0, subscription_status: 'revoked' });
  });

  it('refuses a payload signed outside the trusted chain', async () => {
    const stranger = await createSigningChain('Not Apple');
    const response = await appleNotify(billing.stores.apple.signNotification('DID_RENEW', billing.stores.apple.subscribe('pro_monthly', Date.now() + DAY), { chain: stranger }));
    expect([response.status, response.body.error.code]).toEqual([422, 'RECEIPT_INVALID']);
  });
});

describe('Google Play RTDN over Pub/Sub push', () => {
  async function subscribed() {
    const user = await signUp();
    const token = billing.stores.google.subscribe('pro_monthly', Date.now() + DAY);
    await billing.api.request('POST', '/billing/validate', { token: user.token, body: { platform: 'android', receipt_data: token, product_id: 'pro_monthly' } });
    return { user, token };
  }
  const subscriptionEvent = (notificationType: number, purchaseToken: string) => ({
    subscriptionNotification: { version: '1.0', notificationType, purchaseToken, subscriptionId: 'pro_monthly' },
  });

  it('refuses pushes without a valid Google OIDC token for our audience and push account', async () => {
    const { token } = await subscribed();
    const event = subscriptionEvent(2, token);
    const good = billing.stores.google.push(RTDN_AUDIENCE, event);
    for (const push of [
      { ...good, authorization: '' },
      billing.stores.google.push('https://elsewhere.example/push', event),
      billing.stores.google.push(RTDN_AUDIENCE, event, { email: 'intruder@example.com' }),
      { ...good, authorization: good.authorization.slice(0, -4) + 'AAAA' },
    ]) {
      const response = await googleNotify(push);
      expect([response.status, response.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    }
  });

  it('grants a renewal once per order, deduplicates deliveries, then revokes with a claw-back', async () => {
    const { user, token } = await subscribed();
    billing.stores.google.renew(token, Date.now() + 31 * DAY);
    const renewed = billing.stores.google.push(RTDN_AUDIENCE, subscriptionEvent(2, token));
    expect((await googleNotify(renewed)).body).toEqual({ status: 'granted' });
    expect((await googleNotify(renewed)).body).toEqual({ status: 'duplicate' });
    expect(await account(user.id)).toEqual({ credits: 200, subscription_status: 'active' });

    const revoke = billing.stores.google.push(RTDN_AUDIENCE, subscriptionEvent(12, token));
    expect((await googleNotify(revoke)).body).toEqual({ status: 'revoked' });
    expect((await googleNotify(revoke)).body).toEqual({ status: 'duplicate' });
    // The revoked (latest) period's credits are taken back; the earlier paid period's stay.
    expect(await account(user.id)).toEqual({ credits: 100, subscription_status: 'revoked' });
  });

  it('moves to grace period, billing retry and expiry as the store says', async () => {
    const { user, token } = await subscribed();
    const steps = [
      ['SUBSCRIPTION_STATE_IN_GRACE_PERIOD', 6, 'grace_period'],
      ['SUBSCRIPTION_STATE_ON_HOLD', 5, 'billing_retry'],
      ['SUBSCRIPTION_STATE_EXPIRED', 13, 'expired'],
    ] as const;
    for (const [state, type, status] of steps) {
      billing.stores.google.subscriptions.get(token)!.state = state;
      expect((await googleNotify(billing.stores.google.push(RTDN_AUDIENCE, subscriptionEvent(type, token)))).status).toBe(200);
      expect((await account(user.id)).subscription_status).toBe(status);
    }
    expect((await account(user.id)).credits).toBe(100);
  });

  it('follows an upgrade to the new purchase token and grants the new tier', async () => {
    const { user, token } = await subscribed();
    const upgraded = billing.stores.google.subscribe('pro_plus_monthly', Date.now() + 30 * DAY, { linkedPurchaseToken: token });
    billing.stores.google.subscriptions.get(token)!.state = 'SUBSCRIPTION_STATE_EXPIRED';
    expect((await googleNotify(billing.stores.google.push(RTDN_AUDIENCE, subscriptionEvent(4, upgraded)))).body).toEqual({ status: 'granted' });
    expect(await account(user.id)).toEqual({ credits: 350, subscription_status: 'active' });
    const rows = await billing.api.orm.em
      .fork()
      .execute(`select product_id, status from subscriptions where user_id = ? order by created_at`, [user.id]);
    expect(rows).toEqual([
      { product_id: 'pro_monthly', status: 'expired' },
      { product_id: 'pro_plus_monthly', status: 'active' },
    ]);
  });

  it('keeps a voided purchase that arrives before the app validates it: validate then grants nothing', async () => {
    const user = await signUp();
    const token = billing.stores.google.buy('credits_200');
    const voided = billing.stores.google.push(RTDN_AUDIENCE, {
      voidedPurchaseNotification: { purchaseToken: token, orderId: billing.stores.google.products.get(token)!.orderId, productType: 2, refundType: 1 },
    });
    expect((await googleNotify(voided)).body).toMatchObject({ status: 'recorded_for_later' });
    const validated = await billing.api.request('POST', '/billing/validate', {
      token: user.token,
      body: { platform: 'android', receipt_data: token, product_id: 'credits_200' },
    });
    expect([validated.status, validated.body.error?.code]).toEqual([422, 'PURCHASE_REVOKED']);
    expect((await account(user.id)).credits).toBe(0);
  });

  it('claws back a voided one-time purchase once', async () => {
    const user = await signUp();
    const token = billing.stores.google.buy('credits_200');
    await billing.api.request('POST', '/billing/validate', { token: user.token, body: { platform: 'android', receipt_data: token, product_id: 'credits_200' } });
    const voided = billing.stores.google.push(RTDN_AUDIENCE, {
      voidedPurchaseNotification: { purchaseToken: token, orderId: billing.stores.google.products.get(token)!.orderId, productType: 2, refundType: 1 },
    });
    expect((await googleNotify(voided)).body).toEqual({ status: 'revoked' });
    expect((await googleNotify({ ...voided, body: { ...voided.body, message: { ...voided.body.message, messageId: 'another' } } })).status).toBe(200);
    expect((await account(user.id)).credits).toBe(0);
  });
});
