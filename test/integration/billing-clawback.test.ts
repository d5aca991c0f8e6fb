import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../db/ledger.js';
import { balanceOf, ledgerSum, useBillingApi } from '../helpers/billing.js';
import { signUp as clientSignUp } from '../helpers/client-flows.js';

const billing = useBillingApi();
const signUp = () => clientSignUp(billing.api);
const ledger = () => new Ledger(billing.api.orm.em.fork());

/** Buys a pack on the fake App Store and validates it; returns the store transaction. */
async function buy(token: string, productId: string) {
  const transaction = billing.stores.apple.buy(productId);
  const response = await billing.api.request('POST', '/billing/validate', {
    token,
    body: { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(transaction), product_id: productId },
  });
  expect(response.status).toBe(200);
  return transaction;
}

async function storeRefund(transactionId: string) {
  const notification = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(transactionId));
  const response = await billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: notification } });
  expect(response.body).toEqual({ status: 'revoked' });
}

async function clawbackOf(reference: string) {
  const [row] = await billing.api.orm.em
    .fork()
    .execute<{ requested: number; outstanding: number; settled: boolean }[]>(
      `select requested, outstanding, settled_at is not null as settled from clawbacks where reference = ?`,
      [reference],
    );
  return row;
}

describe('a store refund while credits are reserved by running jobs', () => {
  it('buy 10, reserve 10 on jobs, store refund, jobs fail: the user ends with what they paid for (nothing)', async () => {
    const user = await signUp();
    const pack = await buy(user.token, 'credits_10');
    const [jobA, jobB] = [randomUUID(), randomUUID()];
    // The same ledger calls the job workflow makes: reserve at admission, refund when the job fails.
    await ledger().reserve(user.id, 6, jobA);
    await ledger().reserve(user.id, 4, jobB);

    await storeRefund(pack.transactionId);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect(await clawbackOf(`apple:${pack.transactionId}`)).toEqual({ requested: 10, outstanding: 10, settled: false });

    // Both jobs fail; each refund is delivered twice, concurrently (activity retries, operator resets).
    const refunds = await Promise.all([jobA, jobB, jobA, jobB].map((jobId) => ledger().refund(user.id, jobId)));
    expect(refunds.filter((refund) => refund.applied)).toHaveLength(2);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect(await ledgerSum(billing.api, user.id)).toBe(0);
    expect(await clawbackOf(`apple:${pack.transactionId}`)).toEqual({ requested: 10, outstanding: 0, settled: true });
    expect(await ledger().outstanding(user.id)).toBe(0);

    // Nothing is collected twice: a later grant stays whole.
    await buy(user.token, 'credits_50');
    expect(await balanceOf(billing.api, user.id)).toBe(50);
    expect(await ledgerSum(billing.api, user.id)).toBe(50);
  });

  it('collects what a finished job left owed from the next purchase, once', async () => {
    const user = await signUp();
    const pack = await buy(user.token, 'credits_50');
    const [failing, finished] = [randomUUID(), randomUUID()];
    await ledger().reserve(user.id, 10, failing);
    await ledger().reserve(user.id, 20, finished);

    // 20 free credits are taken now; 30 are reserved, so 30 stay owed.
    await storeRefund(pack.transactionId);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect(await ledger().outstanding(user.id)).toBe(30);

    // One job fails (its 10 credits pay the debt); the other completes, so its 20 were spent on real work.
    await ledger().refund(user.id, failing);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect(await ledger().outstanding(user.id)).toBe(20);

    // The next purchase pays the remaining 20 first; the response still reports what the purchase earned.
    const next = billing.stores.apple.buy('credits_50');
    const body = { platform: 'ios', receipt_data: billing.stores.apple.signTransaction(next), product_id: 'credits_50' };
    const responses = await Promise.all([1, 2].map(() => billing.api.request('POST', '/billing/validate', { token: user.token, body })));
    expect(responses.map((response) => [response.status, response.body.credits_added])).toEqual([
      [200, 50],
      [200, 50],
    ]);
    expect(await balanceOf(billing.api, user.id)).toBe(30);
    expect(await ledger().outstanding(user.id)).toBe(0);
    expect(await ledgerSum(billing.api, user.id)).toBe(30);
  });

  it('records a refund notification delivered twice at once as one clawback', async () => {
    const user = await signUp();
    const pack = await buy(user.token, 'credits_10');
    await ledger().reserve(user.id, 10, randomUUID());
    const notification = billing.stores.apple.signNotification('REFUND', billing.stores.apple.refund(pack.transactionId));
    const deliveries = await Promise.all(
      [1, 2].map(() => billing.api.request('POST', '/billing/apple/notifications', { body: { signedPayload: notification } })),
    );
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    expect(await ledger().outstanding(user.id)).toBe(10);
    // Another clawback call with the same reference (e.g. a Google voided notification path) adds nothing.
    expect(await ledger().claw(user.id, 10, `apple:${pack.transactionId}`)).toMatchObject({ applied: false, outstanding: 10 });
    expect(await ledger().outstanding(user.id)).toBe(10);
  });

  it('ends the same whichever way a clawback races twenty job refunds, each repeated', async () => {
    const user = await signUp();
    const pack = await buy(user.token, 'credits_200');
    const jobs = Array.from({ length: 20 }, () => randomUUID());
    for (const jobId of jobs) await ledger().reserve(user.id, 10, jobId);
    expect(await balanceOf(billing.api, user.id)).toBe(0);

    const reference = `apple:${pack.transactionId}`;
    await Promise.all([
      ...jobs.flatMap((jobId) => [ledger().refund(user.id, jobId), ledger().refund(user.id, jobId)]),
      ledger().claw(user.id, 200, reference),
      ledger().claw(user.id, 200, reference),
    ]);
    expect(await balanceOf(billing.api, user.id)).toBe(0);
    expect(await ledgerSum(billing.api, user.id)).toBe(0);
    expect(await clawbackOf(reference)).toEqual({ requested: 200, outstanding: 0, settled: true });
  });
});
