import { describe, expect, it } from 'vitest';
import { createSigningChain } from '../../fakes/apple-ca.js';
import { legacyReceipt } from '../../fakes/apple-store.js';
import { BUNDLE_ID, DAY, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const billing = useBillingApi();
const signUp = () => clientSignUp(billing.api);

function validate(token: string, body: Record<string, unknown>) {
  return billing.api.request('POST', '/billing/validate', { token, body });
}

async function balance(userId: string): Promise<number> {
  const [row] = await billing.api.orm.em.fork().execute<{ credits: number }[]>(`select credits from users where id = ?`, [userId]);
  return row!.credits;
}

describe('POST /billing/validate — App Store', () => {
  it('grants a StoreKit 2 credit pack once; a replay answers the same and adds nothing', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_50');
    const body = { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'credits_50', transaction_id: transaction.transactionId };

    const first = await validate(user.token, body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ valid: true, credits_added: 50, subscription_status: 'inactive', expires_at: null });
    const replay = await validate(user.token, body);
    expect(replay.body).toEqual(first.body);
    expect(await balance(user.id)).toBe(50);
  });

  it('counts validations by store and outcome on the metrics endpoint', async () => {
    const counted = async (outcome: string) =>
      ((await billing.api.metricsRegistry.getSingleMetric('oneshot_billing_validations_total')?.get())?.values ?? []).find(
        (value) => value.labels.store === 'ios' && value.labels.outcome === outcome,
      )?.value ?? 0;
    const [valid, forged] = [await counted('valid'), await counted('RECEIPT_INVALID')];
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_10');
    await validate(user.token, { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'credits_10' });
    await validate(user.token, { platform: 'ios', receipt_data: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', product_id: 'credits_10' });
    expect([await counted('valid'), await counted('RECEIPT_INVALID')]).toEqual([valid + 1, forged + 1]);
  });

  it('activates a subscription from a StoreKit 2 transaction, with status from Get All Subscription Statuses', async () => {
    const user = await signUp();
    const expires = Date.now() + 30 * DAY;
    const transaction = billing.stores.apple.subscribe('pro_monthly', expires);
    const response = await validate(user.token, { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'pro_monthly' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ valid: true, credits_added: 100, subscription_status: 'active', expires_at: new Date(expires).toISOString() });
    const [row] = await billing.api.orm.em
      .fork()
      .execute(`select status, store_reference, latest_transaction_id from subscriptions where user_id = ?`, [user.id]);
    expect(row).toEqual({ status: 'active', store_reference: transaction.originalTransactionId, latest_transaction_id: transaction.transactionId });
  });

  it('resolves a legacy receipt to its transaction through the App Store Server API', async () => {
    const user = await signUp();
    const transaction = billing.stores.apple.buy('credits_200');
    const response = await validate(user.token, { platform: 'ios', receipt_data: legacyReceipt(BUNDLE_ID, transaction.transactionId), product_id: 'credits_200' });
    expect(response.status).toBe(200);
    expect(response.body.credits_added).toBe(200);
  });

  it('refuses the same transaction for another account with 409', async () => {
    const [owner, other] = [await signUp(), await signUp()];
    const transaction = billing.stores.apple.buy('credits_50');
    const body = { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: 'credits_50' };
    expect((await validate(owner.token, body)).status).toBe(200);
    const stolen = await validate(other.token, body);
    expect(stolen.status).toBe(409);
    expect(stolen.body.error.code).toBe('TRANSACTION_CLAIMED');
    expect(await balance(other.id)).toBe(0);
  });

  it('refuses forged, altered, wrong-app and wrong-environment data with a code, granting nothing', async () => {
    const user = await signUp();
    const stranger = await createSigningChain('Not Apple');
    const cases: [string, string, string][] = [
      ['signed by an untrusted CA', billing.stores.apple.signTransaction(billing.stores.apple.buy('credits_50'), stranger), 'RECEIPT_INVALID'],
      ['altered after signing', alter(billing.stores.apple.signTransaction(billing.stores.apple.buy('credits_50')), { productId: 'credits_200' }), 'RECEIPT_INVALID'],
      ['for another app', billing.stores.apple.signTransaction(billing.stores.apple.buy('credits_50', { bundleId: 'com.other.app' })), 'RECEIPT_WRONG_APP'],
      ['from the sandbox', billing.stores.apple.signTransaction(billing.stores.apple.buy('credits_50', { environment: 'Sandbox' })), 'RECEIPT_WRONG_ENVIRONMENT'],
      ['not a receipt at all', 'bm90IGEgcmVjZWlwdA==', 'RECEIPT_INVALID'],
    ];
    for (const [label, receipt, code] of cases) {
      const response = await validate(user.token, { platform: 'ios', receipt_data: receipt, product_id: 'credits_50' });
      expect([label, response.status, response.body.error?.code]).toEqual([label, 422, code]);
    }
    expect(await balance(user.id)).toBe(0);
    const [row] = await billing.api.orm.em.fork().execute(`select count(*)::int as n from store_transactions where user_id = ?`, [user.id]);
    expect(row).toEqual({ n: 0 });
  });

  it('refuses a receipt for another product than the one claimed', async () => {
    const user = await signUp();
    const receipt = billing.stores.apple.signTransaction(billing.stores.apple.buy('credits_50'));
    const response = await validate(user.token, { platform: 'ios', receipt_data: receipt, product_id: 'credits_200' });
    expect([response.status, response.body.error.code]).toEqual([422, 'PRODUCT_MISMATCH']);
  });
});

describe('POST /billing/validate — Google Play', () => {
  it('grants a one-time pack once and consumes it', async () => {
    const user = await signUp();
    const token = billing.stores.google.buy('credits_50');
    const body = { platform: 'android', receipt_data: token, product_id: 'credits_50' };
    const first = await validate(user.token, body);
    expect(first.body).toEqual({ valid: true, credits_added: 50, subscription_status: 'inactive', expires_at: null });
    expect(billing.stores.google.products.get(token)).toMatchObject({ consumptionState: 1, acknowledgementState: 1 });
    expect((await validate(user.token, body)).body).toEqual(first.body);
    expect(await balance(user.id)).toBe(50);
  });

  it('activates a subscription through subscriptionsv2 and acknowledges it', async () => {
    const user = await signUp();
    const expires = Date.now() + 30 * DAY;
    const token = billing.stores.google.subscribe('pro_monthly', expires);
    const response = await validate(user.token, { platform: 'android', receipt_data: token, product_id: 'pro_monthly' });
    expect(response.body).toEqual({ valid: true, credits_added: 100, subscription_status: 'active', expires_at: new Date(expires).toISOString() });
    expect(billing.stores.google.subscriptions.get(token)!.acknowledged).toBe(true);
  });

  it('refuses a token of another app, an unknown token, a test purchase, and another account', async () => {
    const [user, other] = [await signUp(), await signUp()];
    const foreign = billing.stores.google.buy('credits_50', { packageName: 'com.other.app' });
    const test = billing.stores.google.buy('credits_50', { test: true });
    for (const [token, code] of [[foreign, 'RECEIPT_INVALID'], ['forged-token', 'RECEIPT_INVALID'], [test, 'RECEIPT_WRONG_ENVIRONMENT']] as const) {
      const response = await validate(user.token, { platform: 'android', receipt_data: token, product_id: 'credits_50' });
      expect([response.status, response.body.error.code]).toEqual([422, code]);
    }
    const token = billing.stores.google.subscribe('pro_monthly', Date.now() + DAY);
    expect((await validate(user.token, { platform: 'android', receipt_data: token, product_id: 'pro_monthly' })).status).toBe(200);
    const stolen = await validate(other.token, { platform: 'android', receipt_data: token, product_id: 'pro_monthly' });
    expect([stolen.status, stolen.body.error.code]).toEqual([409, 'TRANSACTION_CLAIMED']);
    expect(await balance(other.id)).toBe(0);
  });
});

/** Re-encodes the JWS payload with changes, keeping the original signature. */
function alter(jws: string, changes: object): string {
  const [header, payload, signature] = jws.split('.');
  const altered = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), ...changes };
  return `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
}
