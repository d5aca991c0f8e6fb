import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunInferenceInput, RunInferenceResult } from '../../activities/inference.activities.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { pushEnvSchema } from '../../domain/config/push.js';
import { JobFailure } from '../../domain/jobs/vocabulary.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import type { PushTransports } from '../../integrations/push/message.js';
import { createPushTransports } from '../../integrations/push/transports.js';
import { FakeApns } from '../../fakes/apns.js';
import { FakeFcm } from '../../fakes/fcm.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { signUp, uploadImage } from '../helpers/client-flows.js';
import { expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, type TestWorkers } from '../helpers/workers.js';

// Pushes go to local fakes of APNs (HTTP/2, TLS, ES256 provider tokens) and FCM HTTP v1 (OAuth service account).
// A stub GPU worker decides outcomes: upscales complete (a result is written), restorations fail NO_FACE_FOUND.

let api: TestApi;
let workers: TestWorkers;
let workersOrm: MikroORM;
let objectStore: ObjectStore;
let apns: FakeApns;
let fcm: FakeFcm;
let push: PushTransports;
let gpu: { worker: Worker; running: Promise<void>; connection: NativeConnection };

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  workersOrm = await createOrm(config);
  objectStore = createObjectStore(config);
  apns = await new FakeApns('com.example.oneshot').start();
  fcm = await new FakeFcm().start();
  push = createPushTransports(
    pushEnvSchema.parse({
      APNS_KEY_ID: apns.keyId,
      APNS_TEAM_ID: apns.teamId,
      APNS_PRIVATE_KEY: apns.privateKeyPem,
      APNS_TOPIC: apns.topic,
      APNS_URL_PRODUCTION: apns.url,
      APNS_URL_SANDBOX: apns.url,
      APNS_CA: apns.caPem,
      FCM_SERVICE_ACCOUNT_JSON: fcm.serviceAccountJson,
      FCM_API_URL: fcm.url,
      FCM_OAUTH_TOKEN_URL: `${fcm.url}/token`,
    }),
  );
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm: workersOrm, objectStore, push });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: workers.taskQueues.inference,
    activities: {
      async runInference(input: RunInferenceInput): Promise<RunInferenceResult> {
        if (input.spec.jobType !== 'upscale') throw ApplicationFailure.create({ type: JobFailure.NO_FACE_FOUND, message: 'No face found.', nonRetryable: true });
        await objectStore.put(input.resultKey, await gradientPng(4, 4), 'image/png');
        return { resultKey: input.resultKey, contentType: 'image/png', width: 4, height: 4, inferenceMs: 1 };
      },
    },
  });
  gpu = { worker, running: worker.run(), connection };
  api = await startApi({ DEVICES_PER_USER: '3', RATE_LIMIT_API_PER_MINUTE: '100000', RATE_LIMIT_JOBS_PER_MINUTE: '1000' }, { taskQueues: workers.taskQueues });
});
afterEach(async () => expectLedgerConsistent(api.orm.em.fork()));
afterAll(async () => {
  await api?.close();
  gpu?.worker.shutdown();
  await gpu?.running;
  await gpu?.connection.close();
  await workers?.shutdown();
  await Promise.all([push?.ios?.close(), push?.android?.close()]);
  await Promise.all([apns?.stop(), fcm?.stop(), workersOrm?.close()]);
});

const apnsToken = () => randomBytes(32).toString('hex');
const fcmToken = () => `fcm:${randomBytes(24).toString('base64url')}`;
const register = (token: string, body: object) => api.request('POST', '/devices', { token, body });
const tokensOf = async (userId: string) =>
  (await api.orm.em.fork().execute<{ token: string }[]>(`select token from devices where user_id = ? order by token`, [userId])).map((row) => row.token).sort();

async function runJob(token: string, jobType: 'upscale' | 'face_restoration'): Promise<{ id: string; status: string }> {
  const input = await uploadImage(api, token, await gradientPng(16, 16));
  const accepted = await api.request('POST', '/jobs', { token, body: { job_type: jobType, input } });
  expect(accepted.status).toBe(202);
  let status = '';
  await expect.poll(async () => (status = (await api.request('GET', `/jobs/${accepted.body.job_id}`, { token })).body.status), { timeout: 30_000 }).toMatch(/completed|failed/);
  return { id: accepted.body.job_id, status };
}

describe('POST /devices, DELETE /devices/:id', () => {
  it('registers once per token, limits devices per account, and lets only the owner remove one', async () => {
    const owner = await signUp(api);
    const other = await signUp(api);
    const ios = apnsToken();
    const first = await register(owner.token, { platform: 'ios', token: ios, apns_environment: 'sandbox' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ platform: 'ios', apns_environment: 'sandbox' });
    const again = await register(owner.token, { platform: 'ios', token: ios, apns_environment: 'sandbox' });
    expect(again.body.device_id).toBe(first.body.device_id);
    expect((await register(owner.token, { platform: 'ios', token: apnsToken() })).status).toBe(400);

    expect((await api.request('DELETE', `/devices/${first.body.device_id}`, { token: other.token })).status).toBe(404);
    expect((await api.request('DELETE', '/devices/not-a-uuid', { token: other.token })).status).toBe(404);
    expect(await tokensOf(owner.id)).toEqual([ios]);

    const android = [fcmToken(), fcmToken(), fcmToken()];
    for (const token of android) expect((await register(owner.token, { platform: 'android', token })).status).toBe(200);
    // Three per account here: the least recently registered (the iOS one) is forgotten.
    expect(await tokensOf(owner.id)).toEqual([...android].sort());

    // A token registered by another account moves there (the install changed hands).
    const moved = await register(other.token, { platform: 'android', token: android[0] });
    expect(moved.status).toBe(200);
    expect(await tokensOf(other.id)).toEqual([android[0]]);
    expect(await tokensOf(owner.id)).toHaveLength(2);
    expect((await api.request('DELETE', `/devices/${moved.body.device_id}`, { token: other.token })).status).toBe(204);
    expect((await api.request('DELETE', `/devices/${moved.body.device_id}`, { token: other.token })).status).toBe(404);
  });
});

describe('job outcome pushes', () => {
  it('tells every device of the owner that the photo is ready, with the job id', async () => {
    const user = await signUp(api);
    const ios = apnsToken();
    const android = fcmToken();
    await register(user.token, { platform: 'ios', token: ios, apns_environment: 'production' });
    await register(user.token, { platform: 'android', token: android });
    const job = await runJob(user.token, 'upscale');
    expect(job.status).toBe('completed');
    await expect.poll(() => apns.delivered.find((push) => push.token === ios), { timeout: 15_000 }).toBeDefined();
    expect(apns.delivered.find((push) => push.token === ios)).toMatchObject({
      topic: 'com.example.oneshot',
      pushType: 'alert',
      collapseId: job.id,
      payload: { job_id: job.id, status: 'completed', aps: { alert: { title: 'Your photo is ready' } } },
    });
    await expect.poll(() => fcm.delivered.find((push) => push.token === android), { timeout: 15_000 }).toMatchObject({
      data: { job_id: job.id, status: 'completed' },
      android: { collapse_key: job.id },
    });
  });

  it('pushes a failure after the refund, forgets unregistered tokens and retries throttled ones once', async () => {
    const user = await signUp(api);
    const dead = { ios: apnsToken(), android: fcmToken() };
    const throttled = { ios: apnsToken(), android: fcmToken() };
    apns.unregistered.add(dead.ios);
    fcm.unregistered.add(dead.android);
    apns.throttled.set(throttled.ios, 1);
    fcm.throttled.set(throttled.android, 1);
    for (const token of [dead.ios, throttled.ios]) await register(user.token, { platform: 'ios', token, apns_environment: 'sandbox' });
    for (const token of [dead.android, throttled.android]) await register(user.token, { platform: 'android', token });

    const job = await runJob(user.token, 'face_restoration');
    expect(job.status).toBe('failed');
    expect((await api.request('GET', '/auth/me', { token: user.token })).body.credits).toBe(10);
    await expect.poll(() => tokensOf(user.id), { timeout: 15_000 }).toEqual([throttled.ios, throttled.android].sort());
    // Throttled devices get the push on the workflow's retry, each exactly once.
    await expect.poll(() => apns.delivered.filter((push) => push.token === throttled.ios).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => fcm.delivered.filter((push) => push.token === throttled.android).length, { timeout: 20_000 }).toBe(1);
    expect(apns.delivered.find((push) => push.token === throttled.ios)?.payload).toMatchObject({ job_id: job.id, status: 'failed' });
  });

  it('sends nothing to a user without devices', async () => {
    const user = await signUp(api);
    const before = apns.delivered.length + fcm.delivered.length;
    expect((await runJob(user.token, 'upscale')).status).toBe('completed');
    expect(apns.delivered.length + fcm.delivered.length).toBe(before);
  });
});
