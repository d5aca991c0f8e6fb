import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../api/services/ids.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { createLogger } from '../../integrations/logger.js';
import { createObjectStore } from '../../integrations/object-store.js';
import { createOrchestratorWorker } from '../../workers/orchestrator-worker.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { signUp, uploadImage } from '../helpers/client-flows.js';
import { expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, type TestWorkers } from '../helpers/workers.js';

// An orchestrator outage: POST /jobs must not hang. With no worker to admit the job it answers 503 with
// Retry-After once JOB_ADMISSION_TIMEOUT has passed, and when an orchestrator comes back the abandoned request is
// refused, not admitted: the client that saw the 503 is never charged for it. Its retry then starts the job.

const ADMISSION_TIMEOUT_MS = 3_000;
let orm: MikroORM;
let workers: TestWorkers;
let api: TestApi;
let client: Client;
let connection: NativeConnection;
let lateOrchestrator: Worker | undefined;
let lateRun: Promise<void> | undefined;
/** The API's orchestrator queue: no worker polls it until the test starts one. */
const orchestratorQueue = `admission-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  // Advertises an inference fleet for the API to price and admit by; its own orchestrator polls another queue.
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore: createObjectStore(config) });
  api = await startApi(
    { JOB_ADMISSION_TIMEOUT: `${ADMISSION_TIMEOUT_MS}ms`, JOB_QUEUE_TIMEOUT: '2s', RATE_LIMIT_JOBS_PER_MINUTE: '1000' },
    { taskQueues: { orchestrator: orchestratorQueue, inference: workers.taskQueues.inference } },
  );
  connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  lateOrchestrator?.shutdown();
  await lateRun;
  await api?.close();
  await workers?.shutdown();
  await client?.connection.close();
  await connection?.close();
  await orm?.close();
});

const credits = async (token: string) => (await api.request('GET', '/auth/me', { token })).body.credits as number;
const ledgerEntries = async (jobId: string) =>
  (await orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from credit_transactions where reference like ?`, [`${jobId}%`]))[0]?.n;

describe('admission deadline', () => {
  it('with no orchestrator, POST /jobs answers 503 with Retry-After within its deadline; a late orchestrator reserves nothing', async () => {
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(48, 32));
    const before = await credits(user.token);
    const idempotencyKey = `admission-${randomUUID()}`;
    const body = { job_type: 'upscale', input, parameters: { scale_factor: 2 } };

    const started = Date.now();
    const refused = await api.request('POST', '/jobs', { token: user.token, body, headers: { 'idempotency-key': idempotencyKey } });
    const waitedMs = Date.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The deadline plus the grace the API gives a just-in-time admission to reach it; never an open-ended wait.
    expect(waitedMs).toBeGreaterThanOrEqual(ADMISSION_TIMEOUT_MS);
    expect(waitedMs).toBeLessThan(ADMISSION_TIMEOUT_MS + 6_000);

    // The orchestrator comes back and finds the abandoned workflow: it refuses the admission, writes nothing.
    lateOrchestrator = await createOrchestratorWorker({
      connection,
      namespace: api.config.TEMPORAL_NAMESPACE,
      taskQueue: orchestratorQueue,
      orm,
      temporal: client,
      logger: createLogger({ level: 'silent', name: 'late-orchestrator' }),
    });
    lateRun = lateOrchestrator.run();
    const jobId = jobIdFor(user.id, idempotencyKey);
    await expect(client.workflow.getHandle(jobId).result()).rejects.toBeInstanceOf(WorkflowFailedError);
    expect((await api.request('GET', `/jobs/${jobId}`, { token: user.token })).status).toBe(404);
    expect(await ledgerEntries(jobId)).toBe(0);
    expect(await credits(user.token)).toBe(before);

    // The client's retry with the same key now starts the job (a new run: the refused one failed).
    const accepted = await api.request('POST', '/jobs', { token: user.token, body, headers: { 'idempotency-key': idempotencyKey } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.job_id).toBe(jobId);
    expect(await credits(user.token)).toBe(before - accepted.body.credits_cost);
    // No inference worker here: it fails NO_CAPACITY after its queue deadline and is refunded.
    await expect.poll(async () => (await api.request('GET', `/jobs/${jobId}`, { token: user.token })).body.status, { timeout: 30_000 }).toBe('failed');
    expect(await credits(user.token)).toBe(before);
  }, 90_000);
});
