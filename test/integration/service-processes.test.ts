import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import type { ProcessJobInput } from '../../domain/jobs/contract.js';
import { creditsCost, planJob } from '../../domain/jobs/plan.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { startJobWorkflow } from '../../integrations/job-workflows.js';
import { smokeWorkflow } from '../../workflows/smoke.workflow.js';
import type { processJobWorkflow } from '../../workflows/process-job.workflow.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig, testEnv } from '../helpers/env.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/processes.js';
import { gradientPng, storedUpload } from '../helpers/uploads.js';
import { integrationModelDir } from '../helpers/workers.js';

// The API and worker mains as separate processes, as deployed: they start from the environment alone, the
// workers register on their queues and survive the loss of an inference worker mid-job, and all drain on SIGTERM.

let orm: MikroORM;
let objectStore: ObjectStore;
let client: Client;
let env: NodeJS.ProcessEnv;
const running: ServiceProcess[] = [];
const suffix = randomUUID().slice(0, 8);
const queues = { orchestrator: `proc-orchestrator-${suffix}`, inference: `proc-inference-${suffix}` };

function start(entry: 'workers/orchestrator.ts' | 'workers/inference.ts' | 'api/server.ts', extraEnv: NodeJS.ProcessEnv = {}): ServiceProcess {
  const service = startServiceProcess(entry, { ...env, ...extraEnv });
  running.push(service);
  return service;
}

beforeAll(async () => {
  const modelDir = await integrationModelDir();
  env = {
    ...process.env,
    ...testEnv({
      LOG_LEVEL: 'info',
      MODEL_DIR: modelDir,
      UPSCALE_TILE_SIZE: '64',
      TEMPORAL_TASK_QUEUE_ORCHESTRATOR: queues.orchestrator,
      TEMPORAL_TASK_QUEUE_INFERENCE: queues.inference,
    }),
  };
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  objectStore = createObjectStore(config);
  client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
  await client?.connection.close();
  await orm?.close();
});

describe('service processes', () => {
  it('the API main starts from the environment, is ready against the real stack, and drains on SIGTERM', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const api = start('api/server.ts', { API_PORT: String(port) });
    await api.waitFor('api listening');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await api.stop('SIGTERM')).toBe(0);
    expect(api.output()).toContain('api stopped');
  });

  it('register on their task queues, finish a job whose inference worker was SIGKILLed mid-way, and drain on SIGTERM', async () => {
    const orchestrator = start('workers/orchestrator.ts');
    const firstInference = start('workers/inference.ts');
    await Promise.all([orchestrator.waitFor('orchestrator worker running'), firstInference.waitFor('inference worker running')]);

    const roles = await client.workflow.execute(smokeWorkflow, {
      workflowId: `smoke-${randomUUID()}`,
      taskQueue: queues.orchestrator,
      args: [{ inferenceTaskQueue: queues.inference }],
    });
    expect(roles.map((role) => role.role)).toEqual(['orchestrator', 'inference']);

    const user = await createUser(orm, 10);
    const upload = await storedUpload(orm, objectStore, user.id, await gradientPng(768, 768));
    const input: ProcessJobInput = {
      jobId: randomUUID(),
      userId: user.id,
      jobType: 'upscale',
      params: { scale_factor: 4, face_enhance: false },
      creditsCost: creditsCost(planJob({ jobType: 'upscale', params: { scale_factor: 4, face_enhance: false } })),
      inputUploadId: upload.id,
      inputKey: upload.key,
      inferenceTaskQueue: queues.inference,
    };
    await startJobWorkflow(client, input, queues.orchestrator);
    const progress = async () => {
      const [row] = await orm.em.fork().execute<{ progress: number }[]>(`select progress from jobs where id = ?`, [input.jobId]);
      return row?.progress ?? 0;
    };
    // Kill the worker once it has demonstrably done part of the work.
    await expect.poll(progress, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0.05);
    expect(await firstInference.stop('SIGKILL')).toBeNull();

    const secondInference = start('workers/inference.ts');
    const result = await client.workflow.getHandle<typeof processJobWorkflow>(input.jobId).result();
    expect(result).toMatchObject({ status: 'completed' });
    const [row] = await orm.em.fork().execute(`select status, credit_state from jobs where id = ?`, [input.jobId]);
    expect(row).toEqual({ status: 'completed', credit_state: 'charged' });
    const [balance] = await orm.em.fork().execute(`select credits from users where id = ?`, [user.id]);
    expect(balance).toEqual({ credits: 10 - input.creditsCost });

    expect(await secondInference.stop('SIGTERM')).toBe(0);
    expect(await orchestrator.stop('SIGTERM')).toBe(0);
    expect(secondInference.output()).toContain('inference worker stopped');
    expect(orchestrator.output()).toContain('orchestrator worker stopped');
    // Two partial runs of a large upscale plus Temporal's 30 s heartbeat timeout: more than the default budget.
  }, 240_000);
});
