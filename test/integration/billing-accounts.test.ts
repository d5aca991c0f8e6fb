import { describe, expect, it } from 'vitest';
import { legacyReceipt } from '../../fakes/apple-store.js';
import { balanceOf, BUNDLE_ID, DAY, RTDN_AUDIENCE, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const keeping = useBillingApi();
const transferring = useBillingApi({ PURCHASE_OWNERSHIP_POLICY: 'transfer' });

function validate(billing: typeof keeping, token: string, body: Record<string, unknown>) {
  return billing.api.request('POST', '/billing/validate', { token, body });
}

describe('purchases bound to an account by the app (appAccountToken / obfuscatedAccountId)', () => {
  it('grants a StoreKit 2 purchase made for the caller, and refuses it to anyone else with 409', async () => {
    const [buyer, other] = [await clientSignUp(keeping.api), await clientSignUp(keeping.api)];
    const transaction = keeping.stores.apple.buy('credits_50', { appAccountToken: buyer.id.toUpperCase() });
    const body = { platform: 'ios', receipt_data: keeping.stores.apple.signTransaction(transaction), product_id: 'credits_50' };

    // Presented by the wrong account first: refused, and that does not bind it to anyone.
    const stolen = await validate(keeping, other.token, body);
    expect([stolen.status, stolen.body.error?.code]).toEqual([409, 'PURCHASE_ACCOUNT_MISMATCH']);
    expect((await validate(keeping, buyer.token, body)).body).toMatchObject({ valid: true, credits_added: 50 });
    expect([await balanceOf(keeping.api, buyer.id), await balanceOf(keeping.api, other.id)]).toEqual([50, 0]);
  });

  it('refuses a forged legacy receipt carrying another buyer’s transaction id, before and after the buyer claims it', async () => {
    const [buyer, thief] = [await clientSignUp(keeping.api), await clientSignUp(keeping.api)];
    const bound = keeping.stores.apple.buy('credits_200', { appAccountToken: buyer.id });
    const forged = legacyReceipt(BUNDLE_ID, bound.transactionId);
    const before = await validate(keeping, thief.token, { platform: 'ios', receipt_data: forged, product_id: 'credits_200' });
    expect([before.status, before.body.error?.code]).toEqual([409, 'PURCHASE_ACCOUNT_MISMATCH']);
    expect((await validate(keeping, buyer.token, { platform: 'ios', receipt_data: forged, product_id: 'credits_200' })).status).toBe(200);
    const after = await validate(keeping, thief.token, { platform: 'ios', receipt_data: forged, product_id: 'credits_200' });
    expect([after.status, after.body.error?.code]).toEqual([409, 'PURCHASE_ACCOUNT_MISMATCH']);
    expect([await balanceOf(keeping.api, buyer.id), await balanceOf(keeping.api, thief.id)]).toEqual([200, 0]);
  });

  it('refuses a Google purchase made for another account', async () => {
    const [buyer, other] = [await clientSignUp(keeping.api), await clientSignUp(keeping.api)];
    const token = keeping.stores.google.subscribe('pro_monthly', Date.now() + DAY, { obfuscatedExternalAccountId: buyer.id });
    const body = { platform: 'android', receipt_data: token, product_id: 'pro_monthly' };
    const stolen = await validate(keeping, other.token, body);
    expect([stolen.status, stolen.body.error?.code]).toEqual([409, 'PURCHASE_ACCOUNT_MISMATCH']);
    expect((await validate(keeping, buyer.token, body)).body).toMatchObject({ credits_added: 100, subscription_status: 'active' });
  });
});

describe('purchases without an account binding', () => {
  it('stay with the first owner by default; two accounts racing for one get one 200 and one 409', async () => {
    const [first, second] = [await clientSignUp(keeping.api), await clientSignUp(keeping.api)];
    const transaction = keeping.stores.apple.buy('credits_50');
    const body = { platform: 'ios', receipt_data: keeping.stores.apple.signTransaction(transaction), product_id: 'credits_50' };
    const contenders = [first, second, first, second];
    const raced = await Promise.all(contenders.map((user) => validate(keeping, user.token, body)));
    const winners = new Set(contenders.filter((_, index) => raced[index]!.status === 200).map((user) => user.id));
    expect(winners.size).toBe(1);
    const losers = raced.filter((response) => response.status !== 200);
    expect(losers.map((response) => [response.status, response.body.error.code])).toEqual(losers.map(() => [409, 'TRANSACTION_CLAIMED']));
    const balances = [await balanceOf(keeping.api, first.id), await balanceOf(keeping.api, second.id)].sort();
    expect(balances).toEqual([0, 50]);
  });

  it('move to the account presenting them under the transfer policy, recorded; credits granted stay granted', async () => {
    const [previous, next] = [await clientSignUp(transferring.api), await clientSignUp(transferring.api)];
    const first = transferring.stores.apple.subscribe('pro_monthly', Date.now() + 20 * DAY);
    const body = { platform: 'ios', receipt_data: transferring.stores.apple.signTransaction(first), product_id: 'pro_monthly' };
    expect((await validate(transferring, previous.token, body)).body).toMatchObject({ credits_added: 100, subscription_status: 'active' });

    const moved = await validate(transferring, next.token, body);
    expect(moved.body).toMatchObject({ valid: true, credits_added: 0, subscription_status: 'active' });
    const em = transferring.api.orm.em.fork();
    expect(await em.execute(`select from_user_id, to_user_id from purchase_transfers where original_reference = ?`, [first.originalTransactionId])).toEqual([
      { from_user_id: previous.id, to_user_id: next.id },
    ]);
    const [statusOfPrevious] = await em.execute(`select subscription_status from users where id = ?`, [previous.id]);
    expect(statusOfPrevious).toEqual({ subscription_status: 'inactive' });

    // The next renewal is the new owner's; the first period's credits stayed with the account that paid for them.
    const renewal = transferring.stores.apple.renew(first.originalTransactionId, Date.now() + 50 * DAY);
    const notified = await transferring.api.request('POST', '/billing/apple/notifications', {
      body: { signedPayload: transferring.stores.apple.signNotification('DID_RENEW', renewal) },
    });
    expect(notified.body).toEqual({ status: 'granted' });
    expect([await balanceOf(transferring.api, previous.id), await balanceOf(transferring.api, next.id)]).toEqual([100, 100]);
  });

  it('never move on a legacy receipt, even under the transfer policy', async () => {
    const [owner, other] = [await clientSignUp(transferring.api), await clientSignUp(transferring.api)];
    const transaction = transferring.stores.apple.buy('credits_50');
    const signed = { platform: 'ios', receipt_data: transferring.stores.apple.signTransaction(transaction), product_id: 'credits_50' };
    expect((await validate(transferring, owner.token, signed)).status).toBe(200);
    const forged = await validate(transferring, other.token, {
      platform: 'ios',
      receipt_data: legacyReceipt(BUNDLE_ID, transaction.transactionId),
      product_id: 'credits_50',
    });
    expect([forged.status, forged.body.error?.code]).toEqual([409, 'TRANSACTION_CLAIMED']);
    expect([await balanceOf(transferring.api, owner.id), await balanceOf(transferring.api, other.id)]).toEqual([50, 0]);
  });

  it('a refund after a transfer claws back from the account the credits were granted to', async () => {
    const [previous, next] = [await clientSignUp(transferring.api), await clientSignUp(transferring.api)];
    const token = transferring.stores.google.buy('credits_50');
    const body = { platform: 'android', receipt_data: token, product_id: 'credits_50' };
    expect((await validate(transferring, previous.token, body)).body.credits_added).toBe(50);
    expect((await validate(transferring, next.token, body)).body.credits_added).toBe(0);
    const voided = transferring.stores.google.push(RTDN_AUDIENCE, {
      voidedPurchaseNotification: { purchaseToken: token, orderId: transferring.stores.google.products.get(token)!.orderId, productType: 2, refundType: 1 },
    });
    const response = await transferring.api.request('POST', '/billing/google/notifications', { body: voided.body, headers: { authorization: voided.authorization } });
    expect(response.body).toEqual({ status: 'revoked' });
    expect([await balanceOf(transferring.api, previous.id), await balanceOf(transferring.api, next.id)]).toEqual([0, 0]);
  });
});
