import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../../db/orm.js';
import { inferenceEnvSchema } from '../../../domain/config/inference.js';
import { orchestratorProcessSchema } from '../../../domain/config/index.js';
import { createInferenceEngine, type InferenceEngine } from '../../../inference/index.js';
import { createObjectStore } from '../../../integrations/object-store.js';
import { startApi, type TestApi } from '../../helpers/api.js';
import { signUp, uploadImage } from '../../helpers/client-flows.js';
import { expectLedgerConsistent } from '../../helpers/db.js';
import { testConfig } from '../../helpers/env.js';
import { gradientPng } from '../../helpers/uploads.js';
import { integrationModelDir, startTestWorkers, TEST_FLEET, type TestWorkers } from '../../helpers/workers.js';

// Jobs are admitted and priced by what the inference workers advertise (db/inference-workers.ts).
let orm: MikroORM;
const opened: { api?: TestApi; workers?: TestWorkers; engine?: InferenceEngine }[] = [];

beforeAll(async () => {
  orm = await createOrm(testConfig(orchestratorProcessSchema));
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  for (const { api, workers, engine } of opened) {
    await api?.close();
    await workers?.shutdown();
    await engine?.close();
  }
  await orm?.close();
});

async function stack(options: Omit<Parameters<typeof startTestWorkers>[0], 'address' | 'namespace' | 'orm' | 'objectStore'>) {
  const config = testConfig(orchestratorProcessSchema);
  const workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore: createObjectStore(config), ...options });
  const api = await startApi({ RATE_LIMIT_JOBS_PER_MINUTE: '1000', MAX_JOBS_IN_FLIGHT: '100' }, { taskQueues: workers.taskQueues });
  opened.push({ api, workers, ...(options.engine ? { engine: options.engine } : {}) });
  return api;
}

const ledgerOf = async (userId: string) =>
  (await orm.em.fork().execute<{ type: string }[]>(`select type from credit_transactions where user_id = ? order by type`, [userId])).map((row) => row.type);

describe('jobs the inference fleet cannot run', () => {
  it('are refused with 422 MODEL_UNAVAILABLE before anything is charged or created', async () => {
    const api = await stack({ capabilities: { ...TEST_FLEET, upscalers: ['realesrgan-x4fast'], restorers: [], faceSwap: false } });
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(32, 32));

    for (const body of [
      { job_type: 'upscale', input, parameters: { model: 'realesrgan-x4plus' } },
      { job_type: 'face_restoration', input, parameters: {} },
      { job_type: 'face_swap', input, target: input, parameters: {} },
    ]) {
      const refused = await api.request('POST', '/jobs', { token: user.token, body });
      expect(refused.status, body.job_type).toBe(422);
      expect(refused.body.error.code).toBe('MODEL_UNAVAILABLE');
    }
    expect(await ledgerOf(user.id)).toEqual(['signup_bonus']);
    expect((await api.request('GET', '/jobs', { token: user.token })).body.jobs).toEqual([]);

    // What the fleet does offer is admitted.
    const accepted = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: {} } });
    expect(accepted.status).toBe(202);
    await api.request('POST', `/jobs/${accepted.body.job_id}/cancel`, { token: user.token });
  });

  it('are refused when no inference worker has ever served the queue', async () => {
    const api = await startApi({}, { taskQueues: { orchestrator: 'nobody-orchestrates', inference: 'nobody-serves-this-queue' } });
    opened.push({ api });
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(32, 32));
    const refused = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: {} } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringContaining('no inference worker') });
    expect(await ledgerOf(user.id)).toEqual(['signup_bonus']);
  });
});

describe('an upscale that names no model', () => {
  it('is priced by, recorded with and run on the model the worker runs by default', async () => {
    // A worker whose default is x4plus, as a CUDA worker's is; it advertises its real capabilities.
    const engine = await createInferenceEngine(inferenceEnvSchema.parse({ MODEL_DIR: await integrationModelDir(), UPSCALE_DEFAULT_MODEL: 'realesrgan-x4plus' }));
    expect(engine.capabilities().defaultUpscaler).toBe('realesrgan-x4plus');
    const api = await stack({ engine, capabilities: engine.capabilities() });
    const user = await signUp(api);
    const input = await uploadImage(api, user.token, await gradientPng(16, 16));

    const named = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 4, model: 'realesrgan-x4plus' } } });
    const unnamed = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 4 } } });
    expect(unnamed.status).toBe(202);
    expect(unnamed.body.credits_cost).toBe(named.body.credits_cost);
    const fast = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input, parameters: { scale_factor: 4, model: 'realesrgan-x4fast' } } });
    expect(unnamed.body.credits_cost).toBeGreaterThan(fast.body.credits_cost);

    // A restoration's background upscale too.
    const restoration = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'face_restoration', input, parameters: { scale_factor: 2 } } });
    const namedRestoration = await api.request('POST', '/jobs', {
      token: user.token,
      body: { job_type: 'face_restoration', input, parameters: { scale_factor: 2, upscale_model: 'realesrgan-x4plus' } },
    });
    expect(restoration.body.credits_cost).toBe(namedRestoration.body.credits_cost);

    let job: Record<string, unknown> = {};
    await expect
      .poll(async () => (job = (await api.request('GET', `/jobs/${unnamed.body.job_id}`, { token: user.token })).body).status, { timeout: 120_000, interval: 200 })
      .toBe('completed');
    expect(job.parameters).toMatchObject({ model: 'realesrgan-x4plus' });
    expect(job.credits_cost).toBe(named.body.credits_cost);
  });
});
