import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReconcileJobsActivities } from '../../activities/reconcile-jobs.activities.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import type { JobDeadlines } from '../../domain/jobs/contract.js';
import { FIXED_OUTCOMES } from '../../domain/jobs/vocabulary.js';
import { CreditStateKey, JobStatusKey } from '../../domain/search-attributes.js';
import type { InferenceEngine } from '../../inference/index.js';
import { settleJobThroughWorkflow, startJobWorkflow } from '../../integrations/job-workflows.js';
import { createLogger } from '../../integrations/logger.js';
import { createJobMetrics } from '../../integrations/metrics/job-metrics.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { cancelJob } from '../../api/services/jobs.js';
import { reconcileJobsWorkflow, type ReconcileTotals } from '../../workflows/reconcile-jobs.workflow.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { balanceOf, jobInput, jobRow, ledgerEntries } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, testInferenceEngine, type TestWorkers } from '../helpers/workers.js';

// Money never strands: jobs whose workflow is terminated, never gets a worker, or whose admission stalls end
// in exactly one refund (or charge), through the job's deadlines, the reconciler and cancel.

let orm: MikroORM;
let objectStore: ObjectStore;
let engine: InferenceEngine;
let workers: TestWorkers;
let databaseUrl: string;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  databaseUrl = config.DATABASE_URL;
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

/** A job on the real inference queue, or on a queue no worker polls. */
async function startedJob(userId: string, options: { scale: 2 | 4; size: number; unpolled?: boolean; deadlines?: JobDeadlines }) {
  const inferenceTaskQueue = options.unpolled ? `unpolled-${randomUUID()}` : workers.taskQueues.inference;
  const input = await jobInput({ orm, objectStore, inferenceTaskQueue }, userId, { jobType: 'upscale', params: { scale_factor: options.scale } }, await gradientPng(options.size, options.size), options.deadlines);
  await startJobWorkflow(workers.client, input, workers.taskQueues.orchestrator);
  return input;
}

/** One reconciliation pass over this user's jobs (other test files share the database), run to its end. */
function reconcile(userId: string): Promise<ReconcileTotals> {
  return workers.client.workflow.execute(reconcileJobsWorkflow, {
    workflowId: `reconcile-${randomUUID()}`,
    taskQueue: workers.taskQueues.orchestrator,
    args: [{ pageSize: 2, pagesPerRun: 2, pagePauseMs: 10, graceMs: 0, userId }],
  });
}

const terminate = (jobId: string) => workers.client.workflow.getHandle(jobId).terminate('operator terminate in the Web UI');

describe('jobs whose workflow stopped are settled exactly once', () => {
  it('settles jobs terminated while waiting for a worker and while running, and a second pass changes nothing', async () => {
    const user = await createUser(orm, 10);
    const waiting = await startedJob(user.id, { scale: 2, size: 16, unpolled: true });
    const running = await startedJob(user.id, { scale: 4, size: 640 });
    await expect.poll(async () => (await jobRow(orm, running.jobId))?.status, { timeout: 30_000, interval: 50 }).toBe('processing');
    expect(await balanceOf(orm, user.id)).toBe(10 - waiting.creditsCost - running.creditsCost);
    await Promise.all([terminate(waiting.jobId), terminate(running.jobId)]);

    const first = await reconcile(user.id);
    expect(first).toMatchObject({ examined: 2, settled: 2, repaired: 0, running: 0 });
    for (const { jobId } of [waiting, running]) {
      expect(await jobRow(orm, jobId)).toMatchObject({ status: 'failed', error_code: 'ABANDONED', credit_state: 'refunded' });
      expect(await ledgerEntries(orm, jobId)).toEqual(['job_refund', 'job_reserve']);
      // Operators see the settlement as the job's latest run, with its search attributes brought up to date.
      const { typedSearchAttributes, type } = await workers.client.workflow.getHandle(jobId).describe();
      expect([type, typedSearchAttributes.get(JobStatusKey), typedSearchAttributes.get(CreditStateKey)]).toEqual(['settleJobWorkflow', 'failed', 'refunded']);
    }
    expect(await balanceOf(orm, user.id)).toBe(10);

    expect(await reconcile(user.id)).toMatchObject({ examined: 0, settled: 0 });
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('leaves running jobs alone and pages through more jobs than one page holds', async () => {
    const user = await createUser(orm, 10);
    const jobs = await Promise.all([1, 2, 3].map(() => startedJob(user.id, { scale: 2, size: 16, unpolled: true })));
    await terminate(jobs[0]!.jobId);
    await terminate(jobs[1]!.jobId);
    expect(await reconcile(user.id)).toMatchObject({ examined: 3, settled: 2, running: 1, pages: 2 });
    expect(await jobRow(orm, jobs[2]!.jobId)).toMatchObject({ status: 'pending', credit_state: 'reserved' });
    await workers.client.workflow.getHandle(jobs[2]!.jobId).cancel();
    await workers.client.workflow.getHandle(jobs[2]!.jobId).result();
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('repairs a job row that missed its completed workflow, charging nothing more', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, { scale: 2, size: 16 });
    await workers.client.workflow.getHandle(job.jobId).result();
    await orm.em.fork().execute(`update jobs set status = 'processing', credit_state = 'reserved', result_key = null where id = ?`, [job.jobId]);
    expect(await reconcile(user.id)).toMatchObject({ examined: 1, repaired: 1, settled: 0 });
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged' });
    expect(await ledgerEntries(orm, job.jobId)).toEqual(['job_reserve']);
    expect(await balanceOf(orm, user.id)).toBe(9);
  });

  it('cancels a job whose workflow was terminated through the same settlement, once', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, { scale: 2, size: 16, unpolled: true });
    await terminate(job.jobId);
    const deps = { temporal: workers.client, taskQueues: workers.taskQueues };
    const canceled = await cancelJob(orm.em.fork(), deps, user.id, job.jobId, 5);
    expect(canceled).toMatchObject({ status: 'canceled', errorCode: 'CANCELED', creditState: 'refunded' });
    await expect(cancelJob(orm.em.fork(), deps, user.id, job.jobId, 5)).rejects.toMatchObject({ status: 409, code: 'JOB_NOT_CANCELABLE' });
    expect(await ledgerEntries(orm, job.jobId)).toEqual(['job_refund', 'job_reserve']);
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('a cancel that meets a running settlement waits for it and answers from its result, never canceling it', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, { scale: 2, size: 16, unpolled: true });
    await terminate(job.jobId);
    // The reconciler's settlement starts and waits on the job's row, held here as a slow database would.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from jobs where id = $1 for update', [job.jobId]);
      const settlement = settleJobThroughWorkflow(workers.client, workers.taskQueues.orchestrator, { id: job.jobId, userId: user.id, jobType: 'upscale' }, FIXED_OUTCOMES.ABANDONED, 'Settled by the reconciler');
      await expect
        .poll(async () => {
          const { type, status } = await workers.client.workflow.getHandle(job.jobId).describe();
          return `${type} ${status.name}`;
        }, { timeout: 10_000, interval: 50 })
        .toBe('settleJobWorkflow RUNNING');
      const canceled = cancelJob(orm.em.fork(), { temporal: workers.client, taskQueues: workers.taskQueues }, user.id, job.jobId, 5);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await holder.query('rollback');
      expect(await canceled).toMatchObject({ status: 'failed', errorCode: 'ABANDONED', creditState: 'refunded' });
      expect(await settlement).toMatchObject({ refunded: job.creditsCost, finished: true });
    } finally {
      await holder.end();
    }
    const { type, status } = await workers.client.workflow.getHandle(job.jobId).describe();
    expect([type, status.name]).toEqual(['settleJobWorkflow', 'COMPLETED']);
    expect(await ledgerEntries(orm, job.jobId)).toEqual(['job_refund', 'job_reserve']);
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('a settlement that fails for good is counted and the pass goes on with the other jobs; the next pass settles it', async () => {
    const user = await createUser(orm, 10);
    const stuck = await startedJob(user.id, { scale: 2, size: 16, unpolled: true });
    const other = await startedJob(user.id, { scale: 2, size: 16, unpolled: true });
    await Promise.all([terminate(stuck.jobId), terminate(other.jobId)]);
    const registry = new Registry();
    const metrics = createJobMetrics(registry);
    const reconciler = createReconcileJobsActivities({
      orm,
      temporal: workers.client,
      taskQueue: workers.taskQueues.orchestrator,
      logger: createLogger({ level: 'silent', name: 'reconciler-test' }),
      metrics,
    });
    const page = () => reconciler.reconcileJobsPage({ createdBefore: new Date(Date.now() + 1_000).toISOString(), after: null, limit: 10, userId: user.id });

    // The first job's settlement hangs on its row and then fails (here: stopped), as one failing every retry would.
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from jobs where id = $1 for update', [stuck.jobId]);
      const first = page();
      await expect
        .poll(async () => {
          const { type, status } = await workers.client.workflow.getHandle(stuck.jobId).describe();
          return `${type} ${status.name}`;
        }, { timeout: 10_000, interval: 50 })
        .toBe('settleJobWorkflow RUNNING');
      await terminate(stuck.jobId);
      expect(await first).toMatchObject({ examined: 2, settled: 1, failed: 1 });
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
    }
    expect((await registry.getSingleMetric('oneshot_reconciler_settlements_total')?.get())?.values).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: { action: 'failed', code: 'ABANDONED' }, value: 1 })]),
    );
    expect(await jobRow(orm, other.jobId)).toMatchObject({ status: 'failed', error_code: 'ABANDONED', credit_state: 'refunded' });

    // The next pass settles what is still open (the stopped settlement's own transaction may have committed meanwhile).
    expect(await page()).toMatchObject({ failed: 0 });
    expect(await jobRow(orm, stuck.jobId)).toMatchObject({ status: 'failed', error_code: 'ABANDONED', credit_state: 'refunded' });
    expect(await ledgerEntries(orm, stuck.jobId)).toEqual(['job_refund', 'job_reserve']);
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('fails NO_CAPACITY after the queue deadline when no inference worker polls, refunded once', async () => {
    const user = await createUser(orm, 10);
    const job = await startedJob(user.id, { scale: 2, size: 16, unpolled: true, deadlines: { queueSeconds: 2, lifetimeSeconds: 60 } });
    expect(await workers.client.workflow.getHandle(job.jobId).result()).toEqual({ status: 'failed', errorCode: 'NO_CAPACITY' });
    expect(await jobRow(orm, job.jobId)).toMatchObject({ status: 'failed', error_code: 'NO_CAPACITY', credit_state: 'refunded' });
    expect(await balanceOf(orm, user.id)).toBe(10);
  });

  it('rolls admission back when the balance row stays locked: no job, no reservation, not even later', async () => {
    const user = await createUser(orm, 10);
    const input = await jobInput({ orm, objectStore, inferenceTaskQueue: workers.taskQueues.inference }, user.id, { jobType: 'upscale', params: {} }, await gradientPng(16, 16));
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select credits from users where id = $1 for update', [user.id]);
      await expect(startJobWorkflow(workers.client, input, workers.taskQueues.orchestrator)).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      await holder.query('rollback');
      // Nothing committed late either: every attempt's transaction was bounded by the attempt's own time.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await jobRow(orm, input.jobId)).toBeUndefined();
      expect(await ledgerEntries(orm, input.jobId)).toEqual([]);
      expect(await balanceOf(orm, user.id)).toBe(10);
    } finally {
      await holder.end();
    }
  });
});
