import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../../db/orm.js';
import { orchestratorProcessSchema } from '../../../domain/config/index.js';
import type { InferenceEngine } from '../../../inference/index.js';
import { createObjectStore } from '../../../integrations/object-store.js';
import { startApi, type ApiResponse, type TestApi } from '../../helpers/api.js';
import { signUp, uploadImage } from '../../helpers/client-flows.js';
import { expectLedgerConsistent } from '../../helpers/db.js';
import { testConfig } from '../../helpers/env.js';
import { gradientPng } from '../../helpers/uploads.js';
import { startTestWorkers, testInferenceEngine, type TestWorkers } from '../../helpers/workers.js';

let api: TestApi;
let engine: InferenceEngine;
let workers: TestWorkers;
let facePhoto: Buffer;
let workersOrm: MikroORM;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  workersOrm = await createOrm(config);
  engine = await testInferenceEngine();
  workers = await startTestWorkers({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    orm: workersOrm,
    objectStore: createObjectStore(config),
    engine,
  });
  // The API under test starts workflows on this file's own task queues, served by the workers above.
  api = await startApi(
    { RATE_LIMIT_JOBS_PER_MINUTE: '1000', RATE_LIMIT_API_PER_MINUTE: '100000', MAX_JOBS_IN_FLIGHT: '100', CANCEL_WAIT_SECONDS: '20' },
    { taskQueues: workers.taskQueues },
  );
  facePhoto = await readFile(path.join(import.meta.dirname, '../../fixtures/inference/three-faces.jpg'));
});
afterEach(async () => expectLedgerConsistent(api.orm.em.fork()));
afterAll(async () => {
  await api?.close();
  await workers?.shutdown();
  await engine?.close();
  await workersOrm?.close();
});

const postJob = (token: string, body: object, headers: Record<string, string> = {}) => api.request('POST', '/jobs', { token, body, headers });
const credits = async (token: string) => (await api.request('GET', '/auth/me', { token })).body.credits as number;

async function finished(token: string, jobId: string): Promise<ApiResponse['body']> {
  let job: ApiResponse['body'];
  await expect
    .poll(
      async () => {
        job = (await api.request('GET', `/jobs/${jobId}`, { token })).body;
        return ['completed', 'failed', 'canceled'].includes(job.status);
      },
      { timeout: 90_000, interval: 100 },
    )
    .toBe(true);
  return job;
}

async function resultImage(job: ApiResponse['body']) {
  const response = await fetch(job.result_url as string);
  expect(response.status).toBe(200);
  return sharp(Buffer.from(await response.arrayBuffer())).metadata();
}

describe('jobs over HTTP, through real Temporal, PostgreSQL and S3', () => {
  it('upscales: 202 with Location, progress to completed, a result URL, charged once', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(48, 32));
    const accepted = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 4 } });
    expect(accepted.status).toBe(202);
    // The answer reports the row as it stands: a fast worker may already have picked the job up.
    expect(accepted.body).toMatchObject({ status: expect.stringMatching(/^(pending|processing)$/), credits_cost: 2, estimated_time: expect.any(Number) });
    expect(accepted.headers.get('location')).toBe(`/jobs/${accepted.body.job_id}`);

    const job = await finished(user.token, accepted.body.job_id);
    expect(job).toMatchObject({ status: 'completed', progress: 1, error_code: null, completed_at: expect.any(String) });
    const image = await resultImage(job);
    expect([image.width, image.height]).toEqual([192, 128]);
    expect(await credits(user.token)).toBe(8);
  });

  it('restores the faces of a real photo', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, facePhoto, 'image/jpeg');
    const accepted = await postJob(user.token, { job_type: 'face_restoration', input, parameters: { model: 'codeformer', fidelity: 0.7 } });
    expect(accepted.status).toBe(202);
    const job = await finished(user.token, accepted.body.job_id);
    expect(job.status).toBe('completed');
    const image = await resultImage(job);
    expect([image.width, image.height, image.format]).toEqual([800, 533, 'jpeg']);
    expect(await credits(user.token)).toBe(9);
  });

  it('swaps faces between two of the caller\'s uploads given as upload URLs', async () => {
    const user = await signUp(api);
    const source = await uploadImage(api, user.token, facePhoto, 'image/jpeg');
    const target = await uploadImage(api, user.token, facePhoto, 'image/jpeg');
    const urlOf = (id: string) => `${api.config.S3_ENDPOINT}/${api.config.S3_BUCKET}/uploads/${user.id}/${id}`;
    const accepted = await postJob(user.token, {
      job_type: 'face_swap',
      input_image_url: urlOf(source),
      target_image_url: urlOf(target),
      parameters: { face_selection: 'largest' },
    });
    expect(accepted.status).toBe(202);
    expect((await finished(user.token, accepted.body.job_id)).status).toBe('completed');
    expect(await credits(user.token)).toBe(8);
  });

  it('answers 402 synchronously when credits are short, leaving the balance and the job list untouched', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));
    for (let spent = 0; spent < 5; spent++) {
      const job = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 4 } });
      expect(job.status).toBe(202);
    }
    const before = await api.request('GET', '/jobs', { token: user.token });
    const refused = await postJob(user.token, { job_type: 'upscale', input });
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', details: { required: 1, balance: 0 } });
    expect(await credits(user.token)).toBe(0);
    expect((await api.request('GET', '/jobs', { token: user.token })).body.jobs).toHaveLength(before.body.jobs.length);
  });

  it('accepts exactly 10 of 50 concurrent submissions against 10 credits and refuses 40 with 402', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));
    const responses = await Promise.all(Array.from({ length: 50 }, () => postJob(user.token, { job_type: 'upscale', input })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(10);
    expect(statuses.filter((status) => status === 402)).toHaveLength(40);
    expect(await credits(user.token)).toBe(0);
    const listed = await api.request('GET', '/jobs?limit=100', { token: user.token });
    expect(listed.body.jobs).toHaveLength(10);
    for (const response of responses.filter((r) => r.status === 202)) await finished(user.token, response.body.job_id);
  });

  it('answers 429 JOBS_IN_FLIGHT_LIMIT while the user already has the maximum of unfinished jobs', async () => {
    const limited = await startApi({ MAX_JOBS_IN_FLIGHT: '1', RATE_LIMIT_JOBS_PER_MINUTE: '1000' }, { taskQueues: workers.taskQueues });
    try {
      const user = await signUp(limited);
      const input = await uploadImage(limited, user.token, await gradientPng(640, 640));
      const first = await limited.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 4 } } });
      expect(first.status).toBe(202);
      const second = await limited.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input } });
      expect([second.status, second.body.error.code]).toEqual([429, 'JOBS_IN_FLIGHT_LIMIT']);
      expect(second.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await limited.request('GET', '/auth/me', { token: user.token })).body.credits).toBe(8);
      await limited.request('POST', `/jobs/${first.body.job_id}/cancel`, { token: user.token });
    } finally {
      await limited.close();
    }
  });

  it('returns the same job for the same Idempotency-Key and charges once, even when concurrent', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));
    const headers = { 'Idempotency-Key': 'tap-2026-11-26-0001' };
    const responses = await Promise.all([1, 2, 3].map(() => postJob(user.token, { job_type: 'upscale', input }, headers)));
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202]);
    const ids = new Set(responses.map((response) => response.body.job_id));
    expect(ids.size).toBe(1);
    const [jobId] = [...ids] as string[];
    await finished(user.token, jobId!);
    const again = await postJob(user.token, { job_type: 'upscale', input }, headers);
    expect(again.body).toMatchObject({ job_id: jobId, status: 'completed' });
    expect(await credits(user.token)).toBe(9);

    const otherUser = await signUp(api);
    const theirInput = await uploadImage(api, otherUser.token, await gradientPng(16, 16));
    const theirs = await postJob(otherUser.token, { job_type: 'upscale', input: theirInput }, headers);
    expect(theirs.body.job_id).not.toBe(jobId);
    await finished(otherUser.token, theirs.body.job_id);
  });

  it('refuses an Idempotency-Key reused with a different request (422), charging nothing more', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));
    const headers = { 'Idempotency-Key': 'tap-reused-0001' };
    const first = await postJob(user.token, { job_type: 'upscale', input }, headers);
    expect(first.status).toBe(202);
    // Same request written differently (defaults spelled out): the same job.
    const same = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 2, face_enhance: false } }, headers);
    expect(same.body.job_id).toBe(first.body.job_id);
    const other = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 4 } }, headers);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: { job_id: first.body.job_id } });
    await finished(user.token, first.body.job_id);
    expect(await credits(user.token)).toBe(9);
  });

  it('caps concurrent live-progress streams per user with 429 TOO_MANY_STREAMS, and frees a slot when a stream ends', async () => {
    const capped = await startApi({ JOB_EVENT_STREAMS_PER_USER: '1' }, { taskQueues: workers.taskQueues });
    try {
      const user = await signUp(capped);
      const input = await uploadImage(capped, user.token, await gradientPng(512, 512));
      const accepted = await capped.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 4 } } });
      const open = await fetch(`${capped.url}/jobs/${accepted.body.job_id}/events`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(open.status).toBe(200);
      const refused = await capped.request('GET', `/jobs/${accepted.body.job_id}/events`, { token: user.token });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('TOO_MANY_STREAMS');
      // The first stream ends with the job; its slot is free again.
      expect(await open.text()).toContain('"status":"completed"');
      const again = await fetch(`${capped.url}/jobs/${accepted.body.job_id}/events`, { headers: { authorization: `Bearer ${user.token}` } });
      expect(again.status).toBe(200);
      await again.text();
    } finally {
      await capped.close();
    }
  });

  it("hides other users' jobs and uploads behind 404", async () => {
    const owner = await signUp(api);
    const stranger = await signUp(api);
    const input = await uploadImage(api, owner.token, await gradientPng(16, 16));
    const job = await postJob(owner.token, { job_type: 'upscale', input });
    for (const route of [`/jobs/${job.body.job_id}`, `/jobs/${job.body.job_id}/events`]) {
      expect((await api.request('GET', route, { token: stranger.token })).status).toBe(404);
    }
    expect((await api.request('POST', `/jobs/${job.body.job_id}/cancel`, { token: stranger.token })).status).toBe(404);
    const borrowed = await postJob(stranger.token, { job_type: 'upscale', input });
    expect(borrowed.status).toBe(404);
    const byUrl = await postJob(stranger.token, { job_type: 'upscale', input_image_url: `https://cdn.example/uploads/${owner.id}/${input}` });
    expect(byUrl.status).toBe(404);
    expect(await credits(stranger.token)).toBe(10);
    await finished(owner.token, job.body.job_id);
  });

  it('refuses uploads that never arrived (422) and malformed requests (400) before charging anything', async () => {
    const user = await signUp(api);
    const presigned = await api.request('POST', '/uploads/presign', {
      token: user.token,
      body: { filename: 'x.png', content_type: 'image/png', file_size: 1000 },
    });
    const missing = await postJob(user.token, { job_type: 'upscale', input: presigned.body.upload_id });
    expect([missing.status, missing.body.error.code]).toEqual([422, 'UPLOAD_MISSING']);
    const wrongParams = await postJob(user.token, { job_type: 'upscale', input: presigned.body.upload_id, parameters: { scale_factor: 3 } });
    expect([wrongParams.status, wrongParams.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const noInput = await postJob(user.token, { job_type: 'face_swap', input: presigned.body.upload_id });
    expect(noInput.status).toBe(400);
    const badKey = await postJob(user.token, { job_type: 'upscale', input: presigned.body.upload_id }, { 'Idempotency-Key': 'ünïcode' });
    expect([badKey.status, badKey.body.error.code]).toEqual([400, 'IDEMPOTENCY_KEY_INVALID']);
    expect(await credits(user.token)).toBe(10);
  });

  it('refuses an upload that is not really an image (422 UPLOAD_NOT_IMAGE) before charging anything', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, Buffer.from('GIF89a but not really an image at all'), 'image/png');
    const refused = await postJob(user.token, { job_type: 'upscale', input });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('UPLOAD_NOT_IMAGE');
    expect(await credits(user.token)).toBe(10);
    expect((await api.request('GET', '/jobs', { token: user.token })).body.jobs).toEqual([]);
  });

  it('prices an upscale by the input size it reads from the image, and by the model asked for', async () => {
    const user = await signUp(api);
    const large = await uploadImage(api, user.token, await gradientPng(1600, 1400));
    const accepted = await postJob(user.token, { job_type: 'upscale', input: large, parameters: { scale_factor: 2, model: 'esrgan-slim' } });
    // 2.24 MP is two blocks of 2 MP: the ×2 upscale's 1 credit twice.
    expect(accepted.body.credits_cost).toBe(2);
    const cancel = await api.request('POST', `/jobs/${accepted.body.job_id}/cancel`, { token: user.token });
    expect(['canceled', 'completed']).toContain(cancel.body.status);
    const small = await uploadImage(api, user.token, await gradientPng(64, 64));
    const premium = await postJob(user.token, { job_type: 'upscale', input: small, parameters: { scale_factor: 4, model: 'realesrgan-x4plus' } });
    expect(premium.body).toMatchObject({ credits_cost: 4, estimated_time: expect.any(Number) });
    await finished(user.token, premium.body.job_id);
  });

  it('cancels a processing job (refunded) and refuses to cancel a finished one (409)', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(640, 640));
    const accepted = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 4 } });
    await expect
      .poll(async () => (await api.request('GET', `/jobs/${accepted.body.job_id}`, { token: user.token })).body.status, { timeout: 30_000, interval: 50 })
      .toBe('processing');
    const canceled = await api.request('POST', `/jobs/${accepted.body.job_id}/cancel`, { token: user.token });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled', error_code: 'CANCELED' });
    expect(await credits(user.token)).toBe(10);
    const again = await api.request('POST', `/jobs/${accepted.body.job_id}/cancel`, { token: user.token });
    expect([again.status, again.body.error.code]).toEqual([409, 'JOB_NOT_CANCELABLE']);
  });

  it('lists jobs newest first with a cursor and a status filter', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await postJob(user.token, { job_type: 'upscale', input })).body.job_id);
    for (const id of ids) await finished(user.token, id);
    const first = await api.request('GET', '/jobs?limit=2', { token: user.token });
    const second = await api.request('GET', `/jobs?limit=2&cursor=${first.body.next_cursor}`, { token: user.token });
    const third = await api.request('GET', `/jobs?limit=2&cursor=${second.body.next_cursor}`, { token: user.token });
    const pages = [first, second, third].flatMap((page) => page.body.jobs.map((job: { job_id: string }) => job.job_id));
    expect(pages).toEqual([...ids].reverse());
    expect(third.body.next_cursor).toBeNull();
    expect((await api.request('GET', '/jobs?status=failed', { token: user.token })).body.jobs).toEqual([]);
    expect((await api.request('GET', '/jobs?status=completed', { token: user.token })).body.jobs).toHaveLength(5);
  });

  it('streams progress as Server-Sent Events until the job completes', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(256, 256));
    const accepted = await postJob(user.token, { job_type: 'upscale', input, parameters: { scale_factor: 4 } });
    const response = await fetch(`${api.url}/jobs/${accepted.body.job_id}/events`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: job'))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as { status: string; progress: number });
    expect(events.at(-1)).toMatchObject({ status: 'completed', progress: 1 });
    const progress = events.map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });
});
