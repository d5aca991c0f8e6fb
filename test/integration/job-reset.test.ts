import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunInferenceInput, RunInferenceResult } from '../../activities/inference.activities.js';
import { createOrm } from '../../db/orm.js';
import { Ledger } from '../../db/ledger.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import type { JobDeadlines, ProcessJobInput, ProcessJobResult } from '../../domain/jobs/contract.js';
import { FIXED_OUTCOMES, JobFailure } from '../../domain/jobs/vocabulary.js';
import { CreditStateKey, JobFailureCodeKey, JobStatusKey } from '../../domain/search-attributes.js';
import { cancelJobWorkflow, settleJobThroughWorkflow, startJobWorkflow } from '../../integrations/job-workflows.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import type { PushTransport } from '../../integrations/push/message.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { balanceOf, jobInput, jobRow } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, type TestWorkers } from '../helpers/workers.js';

// Operators retry jobs by resetting their workflow (Web UI → Reset, or `temporal workflow reset --type
// FirstWorkflowTask`, one by one or as a batch by query). A stub GPU worker plays the outage: it fails every
// attempt of the jobs told to, and completes the others (a result is written to S3), so a reset after the outage
// runs them again. Money is checked entry by entry: one reservation per attempt, one charge or refund each.

type Behaviour = 'complete' | 'outage' | 'gpu-lost' | 'no-face' | 'hang';

let orm: MikroORM;
let objectStore: ObjectStore;
let workers: TestWorkers;
let gpu: { worker: Worker; running: Promise<void>; connection: NativeConnection };
/** What the stub GPU worker does for each job (default: complete); how often it was asked to. */
const behaviour = new Map<string, Behaviour>();
const inferenceCalls = new Map<string, number>();
/** The job row as the stub GPU worker found it when it completed the job. */
const rowAtInference = new Map<string, Record<string, unknown> | undefined>();
/** Pushes sent to users' Android devices (a recording FCM stand-in), as `<job id> <status>`. */
const pushes: string[] = [];
const recordingFcm: PushTransport = {
  send: async (_device, push) => {
    pushes.push(`${push.jobId} ${push.status}`);
    return { outcome: 'sent' };
  },
  close: async () => undefined,
};

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  objectStore = createObjectStore(config);
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore, push: { android: recordingFcm } });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: workers.taskQueues.inference,
    // A cancel reaches a running attempt with its next heartbeat's answer: send them often.
    maxHeartbeatThrottleInterval: '200 milliseconds',
    activities: {
      async runInference(input: RunInferenceInput): Promise<RunInferenceResult> {
        inferenceCalls.set(input.jobId, (inferenceCalls.get(input.jobId) ?? 0) + 1);
        switch (behaviour.get(input.jobId) ?? 'complete') {
          case 'outage':
            throw new Error('CUDA error: an illegal memory access was encountered');
          case 'gpu-lost':
            // Fails the job at once (INFERENCE_FAILED) where a real outage would take four attempts.
            throw ApplicationFailure.create({ type: 'GpuLost', message: 'the GPU fell off the bus', nonRetryable: true });
          case 'no-face':
            throw ApplicationFailure.create({ type: JobFailure.NO_FACE_FOUND, message: 'No face found.', nonRetryable: true });
          case 'hang':
            while (!Context.current().cancellationSignal.aborted) {
              heartbeat();
              await sleep(100);
            }
            throw Context.current().cancellationSignal.reason;
          case 'complete':
            rowAtInference.set(input.jobId, await jobRow(orm, input.jobId));
            await objectStore.put(input.resultKey, await gradientPng(4, 4), 'image/png');
            return { resultKey: input.resultKey, contentType: 'image/png', width: 4, height: 4, inferenceMs: 1 };
        }
      },
    },
  });
  gpu = { worker, running: worker.run(), connection };
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  gpu?.worker.shutdown();
  await gpu?.running;
  await gpu?.connection.close();
  await workers?.shutdown();
  await orm?.close();
});

async function startedJob(userId: string, does: Behaviour, deadlines?: JobDeadlines): Promise<ProcessJobInput> {
  const input = await jobInput({ orm, objectStore, inferenceTaskQueue: workers.taskQueues.inference }, userId, { jobType: 'upscale', params: { scale_factor: 2 } }, await gradientPng(8, 8), deadlines);
  behaviour.set(input.jobId, does);
  await startJobWorkflow(workers.client, input, workers.taskQueues.orchestrator);
  return input;
}

const result = (jobId: string, runId?: string) => workers.client.workflow.getHandle(jobId, runId).result() as Promise<ProcessJobResult>;

/**
 * What the Web UI's Reset does (type FirstWorkflowTask): a run of the job (its latest unless `baseRunId`) again from
 * its first workflow task; the new run id.
 */
async function reset(jobId: string, baseRunId?: string): Promise<string> {
  const history = await workers.client.workflow.getHandle(jobId, baseRunId).fetchHistory();
  const firstTask = history.events?.find((event) => event.workflowTaskCompletedEventAttributes);
  const { runId } = await workers.client.workflowService.resetWorkflowExecution({
    namespace: workers.client.options.namespace,
    workflowExecution: { workflowId: jobId, ...(baseRunId ? { runId: baseRunId } : {}) },
    workflowTaskFinishEventId: firstTask!.eventId,
    reason: 'operator retry',
    requestId: randomUUID(),
  });
  if (!runId) throw new Error(`reset of ${jobId} started no run`);
  return runId;
}

/** Every ledger entry referencing the job or one of its attempts, as `type reference-suffix amount`. */
async function money(jobId: string): Promise<string[]> {
  const rows = await orm.em
    .fork()
    .execute<{ type: string; reference: string; amount: number }[]>(
      `select type, reference, amount from credit_transactions where reference = ? or reference like ? order by created_at, type`,
      [jobId, `${jobId}#%`],
    );
  return rows.map((row) => `${row.type} ${row.reference.slice(jobId.length) || '#1'} ${row.amount}`);
}

async function searchAttributes(jobId: string) {
  const { typedSearchAttributes } = await workers.client.workflow.getHandle(jobId).describe();
  return { status: typedSearchAttributes.get(JobStatusKey), credits: typedSearchAttributes.get(CreditStateKey), code: typedSearchAttributes.get(JobFailureCodeKey) };
}

/** Activities the given run scheduled, by type. */
async function scheduledActivities(jobId: string, runId: string) {
  const history = await workers.client.workflow.getHandle(jobId, runId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    return scheduled ? [{ type: scheduled.activityType?.name, scheduleToCloseSeconds: Number(scheduled.scheduleToCloseTimeout?.seconds ?? 0) }] : [];
  });
}

/** Waits until the visibility store lists exactly `count` executions for `query` (it is eventually consistent). */
async function listed(query: string, count: number): Promise<WorkflowExecutionInfo[]> {
  let found: WorkflowExecutionInfo[] = [];
  await expect
    .poll(
      async () => {
        found = [];
        for await (const execution of workers.client.workflow.list({ query })) found.push(execution);
        return found.length;
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(count);
  return found;
}

describe('an operator retries a failed job by resetting its workflow', () => {
  it('runs a job failed by an inference outage again: back to pending, a fresh reservation, completed and charged once', async () => {
    const user = await createUser(orm, 10);
    await withDevice(user.id);
    const deadlines = { queueSeconds: 30, lifetimeSeconds: 25 };
    const job = await startedJob(user.id, 'outage', deadlines);
    const failed = await result(job.jobId);
    expect(failed.status).toBe('failed');
    const code = failed.errorCode!;
    expect([JobFailure.INFERENCE_FAILED, JobFailure.DEADLINE_EXCEEDED]).toContain(code);
    expect(inferenceCalls.get(job.jobId)).toBeGreaterThan(1);
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'failed', credits: 'refunded', code });
    expect(await balanceOf(orm, user.id)).toBe(10);

    // The outage is over, and the job is older than its lifetime: its deadlines count from the retry's admission.
    behaviour.set(job.jobId, 'complete');
    await sleep(Math.max(0, job.deadlines!.lifetimeSeconds * 1000 + 500 - (Date.now() - (await startTimeOf(job.jobId)))));
    const changes = await listenForChanges(job.jobId);
    try {
      const runId = await reset(job.jobId);
      expect(await result(job.jobId, runId)).toMatchObject({ status: 'completed' });
      // Re-admitted before inference ran again: pending, its failure cleared; the app is told of each change
      // (job_changed feeds GET /jobs/:id's cache and the event stream).
      expect(rowAtInference.get(job.jobId)).toMatchObject({ status: 'pending', credit_state: 'reserved', error_code: null });
      await expect.poll(() => changes.count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
      const [inference] = await scheduledActivities(job.jobId, runId);
      expect(inference).toMatchObject({ type: 'runInference' });
      expect(inference!.scheduleToCloseSeconds).toBeGreaterThan(deadlines.lifetimeSeconds - 5);
    } finally {
      await changes.stop();
    }
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged', error_code: null });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`, `job_reserve #2 -${job.creditsCost}`]);
    expect(await balanceOf(orm, user.id)).toBe(10 - job.creditsCost);
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'completed', credits: 'charged', code: undefined });
    expect(await attemptsOf(job.jobId)).toEqual([{ attempt: 2, outcome: 'admitted', retried_code: code, refused_code: null }]);
    // The user heard of the failure, then of the retry's result.
    expect(pushes.filter((push) => push.startsWith(job.jobId))).toEqual([`${job.jobId} failed`, `${job.jobId} completed`]);
  });

  it('retries every job a batch reset by query names, and none it does not', async () => {
    const user = await createUser(orm, 20);
    const lost = await Promise.all([1, 2, 3].map(() => startedJob(user.id, 'gpu-lost')));
    const noFace = await startedJob(user.id, 'no-face');
    for (const job of lost) expect(await result(job.jobId)).toEqual({ status: 'failed', errorCode: 'INFERENCE_FAILED' });
    expect(await result(noFace.jobId)).toEqual({ status: 'failed', errorCode: 'NO_FACE_FOUND' });
    for (const job of lost) behaviour.set(job.jobId, 'complete');

    // The query of docs/operations.md, narrowed to this test's user (other tests share the server).
    const query = `WorkflowType = "processJobWorkflow" AND JobStatus = "failed" AND JobFailureCode = "INFERENCE_FAILED" AND UserId = "${user.id}"`;
    await listed(query, 3);
    const batch = randomUUID();
    await workers.client.workflowService.startBatchOperation({
      namespace: workers.client.options.namespace,
      jobId: batch,
      reason: 'retry after the GPU outage',
      visibilityQuery: query,
      resetOperation: { options: { firstWorkflowTask: {} } },
    });
    await expect
      .poll(async () => Promise.all(lost.map(async (job) => (await jobRow(orm, job.jobId))?.status)), { timeout: 30_000, interval: 200 })
      .toEqual(['completed', 'completed', 'completed']);
    for (const job of lost) {
      expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`, `job_reserve #2 -${job.creditsCost}`]);
    }
    expect(await jobRow(orm, noFace.jobId)).toMatchObject({ status: 'failed', error_code: 'NO_FACE_FOUND', credit_state: 'refunded' });
    expect(await balanceOf(orm, user.id)).toBe(20 - lost.reduce((sum, job) => sum + job.creditsCost, 0));
  });

  it('retries a job the reconciler settled as ABANDONED by resetting its job workflow run (the settlement is the latest run)', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, 'hang');
    await expect.poll(() => inferenceCalls.get(job.jobId), { timeout: 10_000, interval: 50 }).toBe(1);
    const { runId: jobRunId } = await workers.client.workflow.getHandle(job.jobId).describe();
    await workers.client.workflow.getHandle(job.jobId).terminate('operator terminate in the Web UI');
    const settled = await settleJobThroughWorkflow(workers.client, workers.taskQueues.orchestrator, { id: job.jobId, userId: user.id, jobType: 'upscale' }, FIXED_OUTCOMES.ABANDONED, 'Settled by the reconciler');
    expect(settled).toMatchObject({ status: 'failed', creditState: 'refunded' });

    behaviour.set(job.jobId, 'complete');
    const [terminated] = await listed(`WorkflowType = "processJobWorkflow" AND ExecutionStatus = "Terminated" AND UserId = "${user.id}"`, 1);
    expect(terminated?.runId).toBe(jobRunId);
    const runId = await reset(job.jobId, jobRunId);
    expect(await result(job.jobId, runId)).toMatchObject({ status: 'completed' });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`, `job_reserve #2 -${job.creditsCost}`]);
    expect(await balanceOf(orm, user.id)).toBe(10 - job.creditsCost);
  });

  it('leaves a job failed when its balance no longer covers the retry, and records the refused attempt', async () => {
    const user = await createUser(orm, 5);
    const job = await startedJob(user.id, 'gpu-lost');
    expect(await result(job.jobId)).toEqual({ status: 'failed', errorCode: 'INFERENCE_FAILED' });
    await new Ledger(orm.em.fork()).reserve(user.id, 5, randomUUID()); // spent elsewhere meanwhile
    behaviour.set(job.jobId, 'complete');

    const runId = await reset(job.jobId);
    expect(await result(job.jobId, runId)).toEqual({ status: 'failed', errorCode: 'INFERENCE_FAILED' });
    expect(await scheduledActivities(job.jobId, runId)).toEqual([]);
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'failed', error_code: 'INFERENCE_FAILED', credit_state: 'refunded' });
    expect(await attemptsOf(job.jobId)).toEqual([{ attempt: 2, outcome: 'refused', retried_code: 'INFERENCE_FAILED', refused_code: 'INSUFFICIENT_CREDITS' }]);
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`]);
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'failed', credits: 'refunded', code: 'INFERENCE_FAILED' });

    // Topped up, the next reset runs it as attempt 3 (the refused one keeps its number).
    await new Ledger(orm.em.fork()).grant(user.id, 5, 'adjustment', `top-up-${user.id}`);
    expect(await result(job.jobId, await reset(job.jobId))).toMatchObject({ status: 'completed' });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`, `job_reserve #3 -${job.creditsCost}`]);
    expect(await balanceOf(orm, user.id)).toBe(5 - job.creditsCost);
  });
});

describe('a reset of a job that ended for good replays it unchanged', () => {
  it('NO_FACE_FOUND: no inference, no money, no second push, the same outcome', async () => {
    const user = await createUser(orm, 5);
    await withDevice(user.id);
    const job = await startedJob(user.id, 'no-face');
    expect(await result(job.jobId)).toEqual({ status: 'failed', errorCode: 'NO_FACE_FOUND' });
    behaviour.set(job.jobId, 'complete');
    const runId = await reset(job.jobId);
    expect(await result(job.jobId, runId)).toEqual({ status: 'failed', errorCode: 'NO_FACE_FOUND' });
    expect(await scheduledActivities(job.jobId, runId)).toEqual([]);
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'failed', error_code: 'NO_FACE_FOUND', credit_state: 'refunded' });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`]);
    expect(await attemptsOf(job.jobId)).toEqual([]);
    expect(pushes.filter((push) => push.startsWith(job.jobId))).toEqual([`${job.jobId} failed`]);
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'failed', credits: 'refunded', code: 'NO_FACE_FOUND' });
    expect(await balanceOf(orm, user.id)).toBe(5);
  });

  it('a completed job older than its lifetime stays completed and charged, in the row and in its search attributes', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, 'complete', { queueSeconds: 10, lifetimeSeconds: 2 });
    expect(await result(job.jobId)).toMatchObject({ status: 'completed' });
    await sleep(2_500);
    const runId = await reset(job.jobId);
    expect(await result(job.jobId, runId)).toMatchObject({ status: 'completed' });
    expect(await scheduledActivities(job.jobId, runId)).toEqual([]);
    expect(inferenceCalls.get(job.jobId)).toBe(1);
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged' });
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'completed', credits: 'charged', code: undefined });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`]);
    expect(await balanceOf(orm, user.id)).toBe(10 - job.creditsCost);
  });

  it('a canceled job stays canceled and runs no inference again', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, 'hang');
    await expect.poll(() => inferenceCalls.get(job.jobId), { timeout: 10_000, interval: 50 }).toBe(1);
    await cancelJobWorkflow(workers.client, job.jobId);
    expect(await result(job.jobId)).toEqual({ status: 'canceled', errorCode: 'CANCELED' });
    behaviour.set(job.jobId, 'complete');
    const runId = await reset(job.jobId);
    expect(await result(job.jobId, runId)).toEqual({ status: 'canceled', errorCode: 'CANCELED' });
    expect(await scheduledActivities(job.jobId, runId)).toEqual([]);
    expect(inferenceCalls.get(job.jobId)).toBe(1);
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'canceled', credit_state: 'refunded' });
    expect(await searchAttributes(job.jobId)).toEqual({ status: 'canceled', credits: 'refunded', code: 'CANCELED' });
    expect(await money(job.jobId)).toEqual([`job_reserve #1 -${job.creditsCost}`, `job_refund #1 ${job.creditsCost}`]);
    expect(await balanceOf(orm, user.id)).toBe(10);
  });
});

/** Registers an Android device for the user, so job pushes reach the recording FCM stand-in. */
async function withDevice(userId: string): Promise<void> {
  await orm.em.fork().execute(`insert into devices (id, user_id, platform, token) values (?, ?, 'android', ?)`, [randomUUID(), userId, `fcm-${randomUUID()}`]);
}

async function startTimeOf(jobId: string): Promise<number> {
  return (await workers.client.workflow.getHandle(jobId).describe()).startTime.getTime();
}

async function attemptsOf(jobId: string) {
  return orm.em
    .fork()
    .execute(`select attempt, outcome, retried_code, refused_code from job_attempts where job_id = ? order by attempt`, [jobId]);
}

/** Counts the job's change notifications (what GET /jobs/:id's cache and the event stream listen to). */
async function listenForChanges(jobId: string): Promise<{ count(): number; stop(): Promise<void> }> {
  const listener = new pg.Client({ connectionString: testConfig(orchestratorProcessSchema).DATABASE_URL });
  await listener.connect();
  let count = 0;
  listener.on('notification', (message) => {
    if (message.payload === jobId) count++;
  });
  await listener.query('listen job_changed');
  return { count: () => count, stop: () => listener.end() };
}
