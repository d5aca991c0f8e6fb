import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { createObjectStore, createS3Client } from '../../integrations/object-store.js';
import { installRetentionLifecycleRules } from '../../integrations/retention-schedule.js';
import type { retentionSweepWorkflow } from '../../workflows/retention-sweep.workflow.js';
import { signUp } from '../helpers/client-flows.js';
import { testConfig } from '../helpers/env.js';
import { storedUpload } from '../helpers/uploads.js';
import { useJobStack } from '../helpers/job-stack.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const stack = useJobStack({ api: { UPLOAD_RETENTION: '1d', RESULT_RETENTION: '7d' } });

const sql = <T extends object>(query: string, params: unknown[] = []) => stack.api.orm.em.fork().execute<T[]>(query, params);

/** An upload created `ageMs` ago, with its object in S3. */
async function agedUpload(userId: string, ageMs: number) {
  const upload = await storedUpload(stack.api.orm, stack.objectStore, userId, Buffer.from('selfie'));
  await sql(`update uploads set created_at = now() - ? * interval '1 millisecond' where id = ?`, [ageMs, upload.id]);
  return upload;
}

/** A free job (no credits move) on `uploadId` that ended `endedMsAgo` ago, completed with a stored result or still running. */
async function job(userId: string, uploadId: string, endedMsAgo: number | 'running') {
  const id = randomUUID();
  const resultKey = `results/${userId}/${id}`;
  const running = endedMsAgo === 'running';
  if (!running) await stack.objectStore.put(resultKey, Buffer.from('result'), 'image/png');
  await sql(
    `insert into jobs (id, user_id, job_type, status, input_upload_id, credits_cost, credit_state, result_key, created_at, completed_at)
     values (?, ?, 'upscale', ?, ?, 0, 'none', ?, now() - interval '30 days', ${running ? 'null' : `now() - ? * interval '1 millisecond'`})`,
    [id, userId, running ? 'processing' : 'completed', uploadId, running ? null : resultKey, ...(running ? [] : [endedMsAgo])],
  );
  return { id, resultKey };
}

const stored = async (key: string) => (await stack.objectStore.head(key)) !== null;

describe('retention', () => {
  it('the sweep deletes uploads a day after their last job and results a week after completion; expired results answer 410', async () => {
    const user = await signUp(stack.api);
    const unused = await agedUpload(user.id, 2 * DAY);
    const fresh = await agedUpload(user.id, HOUR);
    const usedRecently = await agedUpload(user.id, 10 * DAY);
    const recentJob = await job(user.id, usedRecently.id, 2 * HOUR);
    const usedLongAgo = await agedUpload(user.id, 10 * DAY);
    const oldJob = await job(user.id, usedLongAgo.id, 8 * DAY);
    const inUse = await agedUpload(user.id, 10 * DAY);
    await job(user.id, inUse.id, 'running');

    const totals = await stack.workers.client.workflow.execute<typeof retentionSweepWorkflow>('retentionSweepWorkflow', {
      workflowId: `retention-test-${randomUUID()}`,
      taskQueue: stack.workers.taskQueues.orchestrator,
      args: [{ uploadRetentionMs: DAY, resultRetentionMs: 7 * DAY, pageSize: 2, pagesPerRun: 1, deletionGraceMs: DAY }],
    });
    // Small pages and one page per run: the sweep continued as new until nothing was due.
    expect(totals.runs).toBeGreaterThan(1);

    expect(await stored(unused.key)).toBe(false);
    expect(await stored(usedLongAgo.key)).toBe(false);
    expect(await stored(fresh.key)).toBe(true);
    expect(await stored(usedRecently.key)).toBe(true);
    expect(await stored(inUse.key)).toBe(true);
    expect(await stored(oldJob.resultKey)).toBe(false);
    expect(await stored(recentJob.resultKey)).toBe(true);
    const purged = await sql<{ id: string }>(`select id from uploads where user_id = ? and purged_at is not null order by id`, [user.id]);
    expect(purged.map((row) => row.id)).toEqual([unused.id, usedLongAgo.id].sort());

    const expired = await stack.api.request('GET', `/jobs/${oldJob.id}`, { token: user.token });
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ code: 'RESULT_EXPIRED', details: { job_id: oldJob.id } });
    const kept = await stack.api.request('GET', `/jobs/${recentJob.id}`, { token: user.token });
    expect(kept.status).toBe(200);
    expect(kept.body.result_url).toMatch(/^http/);
    const listed = await stack.api.request('GET', '/jobs', { token: user.token });
    expect(listed.body.jobs.find((listedJob: { job_id: string }) => listedJob.job_id === oldJob.id).result_url).toBeNull();
  });

  it('empties an erased account\'s prefixes once more an hour after its erasure: a stray write that no row points to goes', async () => {
    const erasedLongAgo = await signUp(stack.api);
    const erasedJustNow = await signUp(stack.api);
    const strays = [`results/${erasedLongAgo.id}/${randomUUID()}`, `uploads/${erasedLongAgo.id}/${randomUUID()}`];
    const tooSoon = `results/${erasedJustNow.id}/${randomUUID()}`;
    for (const key of [...strays, tooSoon]) await stack.objectStore.put(key, Buffer.from('written after the erasure'), 'image/png');
    await sql(`update users set deleted_at = now() - interval '2 hours', erased_at = now() - interval '61 minutes' where id = ?`, [erasedLongAgo.id]);
    await sql(`update users set deleted_at = now() - interval '10 minutes', erased_at = now() - interval '5 minutes' where id = ?`, [erasedJustNow.id]);

    const sweep = () =>
      stack.workers.client.workflow.execute<typeof retentionSweepWorkflow>('retentionSweepWorkflow', {
        workflowId: `retention-test-${randomUUID()}`,
        taskQueue: stack.workers.taskQueues.orchestrator,
        args: [{ uploadRetentionMs: DAY, resultRetentionMs: 7 * DAY, pageSize: 50, pagesPerRun: 1, deletionGraceMs: DAY }],
      });
    expect((await sweep()).strayObjects).toBeGreaterThanOrEqual(2);
    for (const key of strays) expect(await stored(key)).toBe(false);
    // Erased minutes ago: an inference attempt may still be running, so its prefixes are rechecked later, once.
    expect(await stored(tooSoon)).toBe(true);
    const rechecked = await sql<{ id: string }>(`select id from users where id in (?, ?) and objects_rechecked_at is not null`, [erasedLongAgo.id, erasedJustNow.id]);
    expect(rechecked).toEqual([{ id: erasedLongAgo.id }]);
  });

  it('answers 410 once the retention has passed, before any sweep ran', async () => {
    const user = await signUp(stack.api);
    const upload = await agedUpload(user.id, 9 * DAY);
    const old = await job(user.id, upload.id, 8 * DAY);
    expect(await stored(old.resultKey)).toBe(true);
    expect((await stack.api.request('GET', `/jobs/${old.id}`, { token: user.token })).status).toBe(410);
  });

  it('installs S3 lifecycle rules next to the bucket\'s own, in whole days (local radosgw)', async () => {
    const config = testConfig(orchestratorProcessSchema);
    const bucket = `retention-${randomUUID().slice(0, 8)}`;
    const client = createS3Client(config);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    try {
      const store = createObjectStore({ ...config, S3_BUCKET: bucket }, client);
      await store.putExpirationRules([{ id: 'operators-own', prefix: 'tmp/', days: 1 }]);
      expect(await installRetentionLifecycleRules(store, { resultRetentionMs: 7 * DAY, uploadMaxAgeMs: 30 * DAY - HOUR })).toBe(true);
      expect(await installRetentionLifecycleRules(store, { resultRetentionMs: 3 * DAY, uploadMaxAgeMs: 30 * DAY })).toBe(true);
      const { Rules } = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
      const summary = (Rules ?? []).map((rule) => [rule.ID, rule.Filter?.Prefix, rule.Expiration?.Days]).sort();
      expect(summary).toEqual([
        ['oneshot-results-retention', 'results/', 3],
        ['oneshot-uploads-max-age', 'uploads/', 30],
        ['operators-own', 'tmp/', 1],
      ]);
    } finally {
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    }
  });
});
