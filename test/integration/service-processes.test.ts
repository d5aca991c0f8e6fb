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

const freePort = () => 20_000 + Math.floor(Math.random() * 30_000);

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

describe('service processes', () => {
  it('the API main starts from the environment, is ready against the real stack, counts requests, and drains on SIGTERM', async () => {
    const port = freePort();
    const metricsPort = freePort();
    const api = start('api/server.ts', { API_PORT: String(port), API_METRICS_PORT: String(metricsPort) });
    await api.waitFor('api listening');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/no/such/page`);
    const metrics = await scrape(metricsPort);
    expect(metrics).toContain('oneshot_http_requests_total{route="/readyz",method="GET",status="200"} 1');
    expect(metrics).toContain('oneshot_http_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(metrics).toMatch(/oneshot_http_request_duration_seconds_count\{route="\/readyz",method="GET"\} 1/);
    expect(await api.stop('SIGTERM')).toBe(0);
    expect(api.output()).toContain('api stopped');
  });

  it('register on their task queues, finish a job whose inference worker was SIGKILLed mid-way, count it, and drain on SIGTERM', async () => {
    const ports = { orchestrator: freePort(), orchestratorSdk: freePort(), inference: freePort(), inferenceSdk: freePort() };
    const orchestrator = start('workers/orchestrator.ts', {
      ORCHESTRATOR_METRICS_PORT: String(ports.orchestrator),
      ORCHESTRATOR_TEMPORAL_METRICS_PORT: String(ports.orchestratorSdk),
    });
    const inferenceEnv = { INFERENCE_METRICS_PORT: String(ports.inference), INFERENCE_TEMPORAL_METRICS_PORT: String(ports.inferenceSdk) };
    const firstInference = start('workers/inference.ts', inferenceEnv);
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

    const secondInference = start('workers/inference.ts', inferenceEnv);
    const result = await client.workflow.getHandle<typeof processJobWorkflow>(input.jobId).result();
    expect(result).toMatchObject({ status: 'completed' });
    const [row] = await orm.em.fork().execute(`select status, credit_state from jobs where id = ?`, [input.jobId]);
    expect(row).toEqual({ status: 'completed', credit_state: 'charged' });
    const [balance] = await orm.em.fork().execute(`select credits from users where id = ?`, [user.id]);
    expect(balance).toEqual({ credits: 10 - input.creditsCost });

    // What the orchestrator counted: one admission, one completion, the reservation charged; no stale reservation.
    const money = await scrape(ports.orchestrator);
    expect(money).toContain('oneshot_jobs_admitted_total{job_type="upscale"} 1');
    expect(money).toContain('oneshot_jobs_finished_total{job_type="upscale",status="completed",code=""} 1');
    expect(money).toContain(`oneshot_credits_total{movement="reserved"} ${input.creditsCost}`);
    expect(money).toContain(`oneshot_credits_total{movement="charged"} ${input.creditsCost}`);
    expect(money).toContain('oneshot_stale_reservations 0');
    // Temporal lists a poller for a while after its worker died, so the killed one may still count.
    expect(money).toMatch(new RegExp(`oneshot_task_queue_pollers\\{task_queue="${queues.inference}"\\} [12]\n`));
    // The second inference worker ran the whole job: every stage timed once, the input measured.
    const inference = await scrape(ports.inference);
    expect(inference).toMatch(/oneshot_inference_stage_seconds_count\{stage="upscale",model="default"\} 1/);
    expect(inference).toMatch(/oneshot_inference_input_megapixels_count\{job_type="upscale"\} 1/);
    expect(inference).toContain('oneshot_inference_active_jobs 0');
    // The Temporal SDK's own worker metrics, from its runtime's exporter.
    expect(await scrape(ports.inferenceSdk)).toMatch(/temporal_activity_execution_latency_count\{[^}]*activity_type="runInference"/);

    expect(await secondInference.stop('SIGTERM')).toBe(0);
    expect(await orchestrator.stop('SIGTERM')).toBe(0);
    expect(secondInference.output()).toContain('inference worker stopped');
    expect(orchestrator.output()).toContain('orchestrator worker stopped');
    // Two partial runs of a large upscale plus Temporal's 30 s heartbeat timeout: more than the default budget.
  }, 240_000);
});
