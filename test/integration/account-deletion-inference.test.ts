import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { SlowInferenceEngine } from '../../fakes/slow-inference-engine.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { startApi, uniqueEmail, uniqueIp, type TestApi } from '../helpers/api.js';
import { uploadImage } from '../helpers/client-flows.js';
import { expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, type TestWorkers } from '../helpers/workers.js';

// An inference worker whose runs take seconds and ignore cancellation (one long model step after a first progress
// report, whose heartbeat makes the worker throttle the next ones for many seconds): the case where a deletion that
// does not wait for inference to stop lets the worker write a result after the purge.
const RUN_MS = 6_000;
const PASSWORD = 'long enough password';

const engine = new SlowInferenceEngine(RUN_MS);
let orm: Awaited<ReturnType<typeof createOrm>>;
let objectStore: ObjectStore;
let workers: TestWorkers;
let api: TestApi;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  objectStore = createObjectStore(config);
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore, engine });
  api = await startApi({}, { taskQueues: workers.taskQueues });
});
afterEach(() => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  await api?.close();
  await workers?.shutdown();
  await orm?.close();
});

const sql = <T extends object>(query: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(query, params);

it('a deletion that cancels a job mid-inference waits for the run to stop: afterwards the account has no object in S3', async () => {
  const registered = await api.request('POST', '/auth/register', { body: { email: uniqueEmail(), password: PASSWORD }, headers: { 'x-forwarded-for': uniqueIp() } });
  const user = { id: registered.body.user.id as string, token: registered.body.access_token as string };
  const input = await uploadImage(api, user.token, await gradientPng(16, 16));
  const progressedBefore = engine.progressed;
  const finishedBefore = engine.finished;
  const job = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 2 } } });
  expect(job.status).toBe(202);
  // The job reports stage `upscale`: the deletion comes mid-inference.
  await expect.poll(() => engine.progressed, { timeout: 30_000, interval: 50 }).toBe(progressedBefore + 1);

  expect((await api.request('DELETE', '/auth/me', { token: user.token, body: { password: PASSWORD } })).status).toBe(202);
  await expect
    .poll(async () => (await sql<{ erased: boolean }>(`select erased_at is not null as erased from users where id = ?`, [user.id]))[0]?.erased, {
      timeout: 90_000,
      interval: 200,
    })
    .toBe(true);
  // Once the run has ended (and written whatever it would), nothing of the account is left.
  await expect.poll(() => engine.finished, { timeout: 30_000, interval: 50 }).toBe(finishedBefore + 1);
  await sleep(1_500);
  expect([...(await objectStore.list(`uploads/${user.id}/`)), ...(await objectStore.list(`results/${user.id}/`))]).toEqual([]);
  // Whichever landed first, the cancel or the result, the job's money is settled and it points at nothing.
  const [row] = await sql<{ status: string; credit_state: string; result_key: string | null }>(`select status, credit_state, result_key from jobs where id = ?`, [
    job.body.job_id,
  ]);
  expect([{ status: 'canceled', credit_state: 'refunded', result_key: null }, { status: 'completed', credit_state: 'charged', result_key: null }]).toContainEqual(row);
}, 120_000);
