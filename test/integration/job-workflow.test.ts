import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { InsufficientCreditsError } from '../../domain/errors.js';
import type { ProcessJobInput } from '../../domain/jobs/contract.js';
import type { JobSpecInput } from '../../domain/jobs/parameters.js';
import type { InferenceEngine } from '../../inference/index.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { cancelJobWorkflow, startJobWorkflow } from '../../integrations/job-workflows.js';
import type { processJobWorkflow } from '../../workflows/process-job.workflow.js';
import { smokeWorkflow } from '../../workflows/smoke.workflow.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { balanceOf, jobInput, jobRow as row, ledgerEntries as entries } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, testInferenceEngine, type TestWorkers } from '../helpers/workers.js';

let orm: MikroORM;
let objectStore: ObjectStore;
let engine: InferenceEngine;
let workers: TestWorkers;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  objectStore = createObjectStore(config);
  engine = await testInferenceEngine();
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore, engine });
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  await workers?.shutdown();
  await engine?.close();
  await orm?.close();
});

const jobFor = (userId: string, spec: JobSpecInput, image: Buffer) =>
  jobInput({ orm, objectStore, inferenceTaskQueue: workers.taskQueues.inference }, userId, spec, image);

const start = (input: ProcessJobInput) => startJobWorkflow(workers.client, input, workers.taskQueues.orchestrator);
const result = (jobId: string) => workers.client.workflow.getHandle(jobId).result();

const jobRow = (jobId: string) => row(orm, jobId);
const balance = (userId: string) => balanceOf(orm, userId);
const ledgerEntries = (jobId: string) => entries(orm, jobId);

/** What the Web UI's "Reset" does: replay the job from its first workflow task, in a new run; its result. */
async function resetToFirstTask(jobId: string) {
  const history = await workers.client.workflow.getHandle(jobId).fetchHistory();
  const firstTask = history.events?.find((event) => event.workflowTaskCompletedEventAttributes);
  const { runId } = await workers.client.workflowService.resetWorkflowExecution({
    namespace: workers.client.options.namespace,
    workflowExecution: { workflowId: jobId },
    workflowTaskFinishEventId: firstTask!.eventId,
    reason: 'operator retry',
    requestId: randomUUID(),
  });
  return workers.client.workflow.getHandle<typeof processJobWorkflow>(jobId, runId ?? undefined).result();
}

describe('job workflow through real Temporal, PostgreSQL and S3', () => {
  it('upscales, stores the result in S3 and charges once', async () => {
    const user = await createUser(orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(40, 30));
    expect(await start(input)).toEqual({ admitted: true, balance: 9 });
    expect(await result(input.jobId)).toMatchObject({ status: 'completed' });

    const row = await jobRow(input.jobId);
    expect(row).toMatchObject({ status: 'completed', credit_state: 'charged', progress: 1 });
    const output = await sharp(await objectStore.get(row!.result_key as string)).metadata();
    expect([output.width, output.height]).toEqual([80, 60]);
    expect(await balance(user.id)).toBe(9);
  });

  it('refuses admission synchronously when credits are short, leaving no job behind', async () => {
    const user = await createUser(orm, 1);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 4 } }, await gradientPng(16, 16));
    await expect(start(input)).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await jobRow(input.jobId)).toBeUndefined();
    expect(await balance(user.id)).toBe(1);
  });

  it('admits a job id once however many times it is started', async () => {
    const user = await createUser(orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(16, 16));
    const outcomes = await Promise.all([start(input), start(input), start(input)]);
    expect(outcomes.filter((outcome) => outcome.admitted).length).toBeGreaterThanOrEqual(1);
    await result(input.jobId);
    expect(await start(input)).toEqual({ admitted: false, reason: 'already_started' });
    expect(await balance(user.id)).toBe(9);
  });

  it('fails a job whose input is not an image with a stable code and refunds it once', async () => {
    const user = await createUser(orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, Buffer.from('definitely not an image'));
    await start(input);
    expect(await result(input.jobId)).toEqual({ status: 'failed', errorCode: 'UNSUPPORTED_IMAGE' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'failed', credit_state: 'refunded', error_code: 'UNSUPPORTED_IMAGE' });
    expect(await balance(user.id)).toBe(5);
  });

  it('cancels a job while it is processing and refunds it once', async () => {
    const user = await createUser(orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 4 } }, await gradientPng(640, 640));
    await start(input);
    await expect.poll(async () => (await jobRow(input.jobId))?.status, { timeout: 30_000, interval: 50 }).toBe('processing');
    await cancelJobWorkflow(workers.client, input.jobId);
    expect(await result(input.jobId)).toEqual({ status: 'canceled', errorCode: 'CANCELED' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'canceled', credit_state: 'refunded' });
    expect(await balance(user.id)).toBe(5);
  });

  it('survives an operator reset of a completed job without charging again', async () => {
    const user = await createUser(orm, 10);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(24, 24));
    await start(input);
    await result(input.jobId);
    expect(await resetToFirstTask(input.jobId)).toMatchObject({ status: 'completed' });
    expect(await jobRow(input.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged' });
    expect(await balance(user.id)).toBe(9);
    expect(await ledgerEntries(input.jobId)).toEqual(['job_reserve']);
  });

  it('survives an operator reset of a failed job without refunding again', async () => {
    const user = await createUser(orm, 5);
    const input = await jobFor(user.id, { jobType: 'upscale', params: { scale_factor: 2 } }, Buffer.from('not an image either'));
    await start(input);
    await result(input.jobId);
    expect(await resetToFirstTask(input.jobId)).toMatchObject({ status: 'failed' });
    expect(await balance(user.id)).toBe(5);
    expect(await ledgerEntries(input.jobId)).toEqual(['job_refund', 'job_reserve']);
  });

  it('runs the smoke workflow through both workers', async () => {
    const roles = await workers.client.workflow.execute(smokeWorkflow, {
      workflowId: `smoke-${randomUUID()}`,
      taskQueue: workers.taskQueues.orchestrator,
      args: [{ inferenceTaskQueue: workers.taskQueues.inference }],
    });
    expect(roles).toEqual([
      { role: 'orchestrator', taskQueue: workers.taskQueues.orchestrator },
      { role: 'inference', taskQueue: workers.taskQueues.inference },
    ]);
  });
});
