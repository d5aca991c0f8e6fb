import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AccountClosedError } from '../../domain/errors.js';
import { accountDeletionWorkflowId } from '../../domain/lifecycle/account-deletion.js';
import { startJobWorkflow } from '../../integrations/job-workflows.js';
import type { retentionSweepWorkflow } from '../../workflows/retention-sweep.workflow.js';
import { uniqueEmail, uniqueIp } from '../helpers/api.js';
import { uploadImage } from '../helpers/client-flows.js';
import { jobInput } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { useJobStack } from '../helpers/job-stack.js';

// Jobs here never reach a GPU worker (none polls the inference queue): they stay running until the deletion
// cancels them, which is exactly the case the deletion must handle.

const stack = useJobStack({ api: { RATE_LIMIT_API_PER_MINUTE: '100000', RATE_LIMIT_JOBS_PER_MINUTE: '1000' } });

const PASSWORD = 'long enough password';

async function register() {
  const email = uniqueEmail();
  const ip = uniqueIp();
  const response = await stack.api.request('POST', '/auth/register', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': ip } });
  expect(response.status).toBe(201);
  return { email, ip, id: response.body.user.id as string, token: response.body.access_token as string, refresh: response.body.refresh_token as string };
}

const sql = <T extends object>(query: string, params: unknown[] = []) => stack.api.orm.em.fork().execute<T[]>(query, params);

async function erased(userId: string): Promise<void> {
  await expect.poll(async () => (await sql<{ erased: boolean }>(`select erased_at is not null as erased from users where id = ?`, [userId]))[0]?.erased, { timeout: 60_000, interval: 200 }).toBe(true);
}

async function objectsOf(userId: string): Promise<string[]> {
  return [...(await stack.objectStore.list(`uploads/${userId}/`)), ...(await stack.objectStore.list(`results/${userId}/`))];
}

describe('DELETE /auth/me', () => {
  it('closes the account at once, cancels running jobs with refunds, deletes objects, devices and personal data, keeps the ledger', async () => {
    const user = await register();
    const input = await uploadImage(stack.api, user.token, await gradientPng(16, 16));
    const jobs = await Promise.all([2, 4].map((scale) => stack.api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: scale } } })));
    expect(jobs.map((job) => job.status)).toEqual([202, 202]);
    await stack.objectStore.put(`results/${user.id}/${randomUUID()}`, Buffer.from('an earlier result'), 'image/png');
    expect((await stack.api.request('POST', '/devices', { token: user.token, body: { platform: 'android', token: `fcm-${randomUUID()}` } })).status).toBe(200);
    expect((await stack.api.request('GET', '/auth/me', { token: user.token })).body.credits).toBe(10 - 1 - 2);

    const deletion = await stack.api.request('DELETE', '/auth/me', { token: user.token, body: { password: PASSWORD } });
    expect(deletion.status).toBe(202);
    expect(deletion.body).toEqual({ status: 'deleting', subscription: null });

    // Unusable from the response on: its access token, its refresh token and its password are refused.
    expect((await stack.api.request('GET', '/auth/me', { token: user.token })).status).toBe(401);
    expect((await stack.api.request('GET', '/jobs', { token: user.token })).status).toBe(401);
    expect((await stack.api.request('POST', '/auth/refresh', { body: { refresh_token: user.refresh } })).status).toBe(401);
    const login = await stack.api.request('POST', '/auth/login', { body: { email: user.email, password: PASSWORD }, headers: { 'x-forwarded-for': user.ip } });
    expect(login.status).toBe(401);

    await erased(user.id);
    const jobRows = await sql<{ status: string; credit_state: string }>(`select status, credit_state from jobs where user_id = ?`, [user.id]);
    expect(jobRows).toEqual([
      { status: 'canceled', credit_state: 'refunded' },
      { status: 'canceled', credit_state: 'refunded' },
    ]);
    expect(await objectsOf(user.id)).toEqual([]);
    const [row] = await sql<{ email: string; credits: number }>(`select email, credits from users where id = ?`, [user.id]);
    expect(row).toEqual({ email: `deleted-${user.id}@deleted.invalid`, credits: 10 });
    expect(await sql(`select 1 from devices where user_id = ?`, [user.id])).toEqual([]);
    expect(await sql(`select 1 from refresh_tokens where user_id = ?`, [user.id])).toEqual([]);
    expect(await sql(`select 1 from uploads where user_id = ? and filename <> 'erased'`, [user.id])).toEqual([]);
    // The ledger stays, complete: signup, two reservations, two refunds.
    const ledger = await sql<{ type: string }>(`select type from credit_transactions where user_id = ? order by type`, [user.id]);
    expect(ledger.map((entry) => entry.type)).toEqual(['job_refund', 'job_refund', 'job_reserve', 'job_reserve', 'signup_bonus']);
    // The email is free again: a new account, with nothing of the old one.
    const again = await stack.api.request('POST', '/auth/register', { body: { email: user.email, password: PASSWORD }, headers: { 'x-forwarded-for': uniqueIp() } });
    expect(again.status).toBe(201);
    expect(again.body.user.id).not.toBe(user.id);
  });

  it('needs the password or a recent login, and sends subscribers to the store', async () => {
    const user = await register();
    const refreshed = await stack.api.request('POST', '/auth/refresh', { body: { refresh_token: user.refresh } });
    const noProof = await stack.api.request('DELETE', '/auth/me', { token: refreshed.body.access_token, body: {} });
    expect(noProof.status).toBe(403);
    expect(noProof.body.error.code).toBe('REAUTHENTICATION_REQUIRED');
    const wrong = await stack.api.request('DELETE', '/auth/me', { token: refreshed.body.access_token, body: { password: 'not the password' } });
    expect(wrong.status).toBe(403);
    expect((await stack.api.request('GET', '/auth/me', { token: refreshed.body.access_token })).status).toBe(200);

    await sql(
      `insert into subscriptions (id, user_id, store, product_id, store_reference, latest_transaction_id, status, expires_at, environment, next_check_at)
       values (?, ?, 'apple', 'pro_monthly', ?, ?, 'active', now() + interval '20 days', 'sandbox', now() + interval '20 days')`,
      [randomUUID(), user.id, `orig-${randomUUID()}`, `tx-${randomUUID()}`],
    );
    // The token from registration is a fresh sign-in: no password needed.
    const deletion = await stack.api.request('DELETE', '/auth/me', { token: user.token, body: {} });
    expect(deletion.status).toBe(202);
    expect(deletion.body.subscription).toEqual({ store: 'apple', manage_url: 'https://apps.apple.com/account/subscriptions' });
    await erased(user.id);
    // Store records stay for refunds and accounting, attached to the pseudonymous account.
    expect(await sql(`select 1 from subscriptions where user_id = ?`, [user.id])).toHaveLength(1);
  });

  it('runs once when asked twice at once, and resumes after its workflow was terminated mid-way', async () => {
    const user = await register();
    const input = await uploadImage(stack.api, user.token, await gradientPng(16, 16));
    expect((await stack.api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input } })).status).toBe(202);

    const both = await Promise.all([1, 2].map(() => stack.api.request('DELETE', '/auth/me', { token: user.token, body: { password: PASSWORD } })));
    expect(both.map((response) => response.status).filter((status) => status === 202).length).toBeGreaterThanOrEqual(1);
    expect(both.every((response) => [202, 401].includes(response.status))).toBe(true);
    const handle = stack.workers.client.workflow.getHandle(accountDeletionWorkflowId(user.id));
    await handle.terminate('operator stopped it mid-way');

    // The sweep finds the closed, unerased account and starts its deletion again; it finishes the job.
    const sweep = await stack.workers.client.workflow.execute<typeof retentionSweepWorkflow>('retentionSweepWorkflow', {
      workflowId: `retention-test-${randomUUID()}`,
      taskQueue: stack.workers.taskQueues.orchestrator,
      args: [{ uploadRetentionMs: 365 * 86_400_000, resultRetentionMs: 365 * 86_400_000, pageSize: 50, pagesPerRun: 2, deletionGraceMs: 0 }],
    });
    expect(sweep.resumedDeletions).toBeGreaterThanOrEqual(1);
    await erased(user.id);
    expect(await sql<{ credit_state: string }>(`select credit_state from jobs where user_id = ?`, [user.id])).toEqual([{ credit_state: 'refunded' }]);
    expect(await objectsOf(user.id)).toEqual([]);
    const [account] = await sql<{ credits: number }>(`select credits from users where id = ?`, [user.id]);
    expect(account?.credits).toBe(10);

    // Running it again after it finished changes nothing.
    const rerun = await stack.workers.client.workflow.execute('deleteAccountWorkflow', {
      workflowId: accountDeletionWorkflowId(user.id),
      taskQueue: stack.workers.taskQueues.orchestrator,
      args: [{ userId: user.id }],
    });
    expect(rerun).toEqual({ jobsCanceled: 0, objectsDeleted: 0, devicesRemoved: 0 });
  });

  it('admits no job for an account closed after the request was authenticated: no job row, no reservation', async () => {
    const user = await register();
    const input = await jobInput({ orm: stack.orm, objectStore: stack.objectStore, inferenceTaskQueue: stack.workers.taskQueues.inference }, user.id, { jobType: 'upscale', params: {} }, await gradientPng(16, 16));
    // The deletion closed the account between the request's authentication and its admission.
    await sql(`update users set deleted_at = now() where id = ?`, [user.id]);
    await expect(startJobWorkflow(stack.workers.client, input, stack.workers.taskQueues.orchestrator)).rejects.toBeInstanceOf(AccountClosedError);
    expect(await sql(`select 1 from jobs where user_id = ?`, [user.id])).toEqual([]);
    expect(await sql<{ type: string }>(`select type from credit_transactions where user_id = ?`, [user.id])).toEqual([{ type: 'signup_bonus' }]);
  });

  it('POST /jobs racing DELETE /auth/me: every job admitted is stopped and refunded, none runs on after the deletion', async () => {
    const user = await register();
    const input = await uploadImage(stack.api, user.token, await gradientPng(16, 16));
    const submit = () => stack.api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input } });
    const [deletion, ...submissions] = await Promise.all([
      sleep(30).then(() => stack.api.request('DELETE', '/auth/me', { token: user.token, body: { password: PASSWORD } })),
      ...Array.from({ length: 4 }, (_, n) => sleep(n * 20).then(submit)),
    ]);
    expect(deletion.status).toBe(202);
    for (const submission of submissions) expect([202, 401]).toContain(submission.status);
    await erased(user.id);
    // A job admitted after the deletion's last look would stay pending here (no GPU worker runs it).
    await sleep(1_000);
    const rows = await sql<{ status: string; credit_state: string }>(`select status, credit_state from jobs where user_id = ?`, [user.id]);
    expect(rows.filter((row) => row.status !== 'canceled' || row.credit_state !== 'refunded')).toEqual([]);
    expect(await objectsOf(user.id)).toEqual([]);
  });
});
