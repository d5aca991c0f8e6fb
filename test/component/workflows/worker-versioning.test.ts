import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Context, heartbeat } from '@temporalio/activity';
import protos from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceActivities } from '../../../activities/inference.activities.js';
import type { JobActivities } from '../../../activities/job.activities.js';
import type { ReconcileJobsActivities } from '../../../activities/reconcile-jobs.activities.js';
import type { PushActivities } from '../../../activities/push.activities.js';
import { ALL_SEARCH_ATTRIBUTE_KEYS } from '../../../domain/search-attributes.js';
import { startJobWorkflow } from '../../../integrations/job-workflows.js';
import { setCurrentWorkerVersion, workerDeploymentOptions, type WorkerVersion } from '../../../integrations/worker-deployment.js';
import { scriptedJobInput } from '../../helpers/jobs.js';

// A deploy with Worker Deployments, on an ephemeral dev server: a job started on v1 stays pinned to v1 (its
// bookkeeping and its inference run on v1's workers) while v2 is current and runs the jobs started after it.

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const temporal = execFileSync('bash', [fileURLToPath(new URL('../../../scripts/install/temporal.sh', import.meta.url))], { encoding: 'utf8' }).trim();
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: temporal }, searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS } });
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../../workflows/index.ts', import.meta.url)),
    logger: new DefaultLogger('WARN'),
  });
}, 120_000);
afterAll(async () => env?.teardown());

const Behavior = protos.temporal.api.enums.v1.VersioningBehavior;

/** Which version ran what: `${buildId}:${activity}:${jobId}`. */
type Ran = string[];

/** One version's orchestrator and inference workers; its inference waits for `release` when asked to. */
async function startVersion(version: WorkerVersion, taskQueue: string, ran: Ran, hold: Set<string>, release: Promise<void>) {
  const record = (activity: string, jobId: string) => ran.push(`${version.buildId}:${activity}:${jobId}`);
  const job: Partial<JobActivities & ReconcileJobsActivities> & PushActivities = {
    admitJob: async (input) => {
      record('admitJob', input.jobId);
      return { created: true, balance: 5 };
    },
    completeJob: async (input) => {
      record('completeJob', input.jobId);
      return 'completed';
    },
    refundJob: async () => ({ refunded: true }),
    finishJobUnsuccessfully: async () => undefined,
    notifyJobOutcome: async () => ({ sent: 0, removed: 0, retryDeviceIds: [] }),
    reconcileJobsPage: async () => ({ examined: 0, settled: 0, repaired: 0, running: 0, failed: 0, next: null }),
  };
  const gpu: InferenceActivities = {
    runInference: async (input) => {
      record('runInference', input.jobId);
      if (hold.has(input.jobId)) {
        await Promise.race([
          release,
          (async () => {
            for (;;) {
              heartbeat();
              await Context.current().sleep(200);
            }
          })(),
        ]);
      }
      return { resultKey: input.resultKey, contentType: 'image/png', width: 2, height: 2, inferenceMs: 1 };
    },
  };
  const orchestrator = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: job,
    ...workerDeploymentOptions(version),
  });
  const inference = await Worker.create({ connection: env.nativeConnection, taskQueue: `${taskQueue}-gpu`, activities: gpu, ...workerDeploymentOptions(version) });
  const running = Promise.all([orchestrator.run(), inference.run()]);
  return {
    stop: async () => {
      orchestrator.shutdown();
      inference.shutdown();
      await running;
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('worker versioning', () => {
  it('a job started on v1 finishes on v1 while a job started after the deploy runs on v2', async () => {
    const taskQueue = `versioning-${randomUUID()}`;
    const deploymentName = `oneshot-${randomUUID()}`;
    const v1: WorkerVersion = { deploymentName, buildId: 'v1' };
    const v2: WorkerVersion = { deploymentName, buildId: 'v2' };
    const ran: Ran = [];
    let releaseV1 = () => {};
    const release = new Promise<void>((resolve) => (releaseV1 = resolve));
    const early = scriptedJobInput(`${taskQueue}-gpu`);
    const late = scriptedJobInput(`${taskQueue}-gpu`);
    const hold = new Set([early.jobId]);

    const first = await startVersion(v1, taskQueue, ran, hold, release);
    const second = { stop: async () => {} };
    try {
      await setCurrentWorkerVersion(env.client, v1, { timeoutMs: 30_000 });
      expect(await startJobWorkflow(env.client, early, taskQueue)).toMatchObject({ admitted: true });
      await until(() => ran.includes(`v1:runInference:${early.jobId}`));

      // The deploy: v2's workers start beside v1's, then v2 becomes current.
      Object.assign(second, await startVersion(v2, taskQueue, ran, hold, release));
      await setCurrentWorkerVersion(env.client, v2, { timeoutMs: 30_000 });
      expect(await startJobWorkflow(env.client, late, taskQueue)).toMatchObject({ admitted: true });
      expect(await env.client.workflow.getHandle(late.jobId).result()).toMatchObject({ status: 'completed' });

      releaseV1();
      expect(await env.client.workflow.getHandle(early.jobId).result()).toMatchObject({ status: 'completed' });
      const byJob = (jobId: string) => ran.filter((entry) => entry.endsWith(jobId)).map((entry) => entry.split(':').slice(0, 2).join(':'));
      expect(byJob(early.jobId)).toEqual(['v1:admitJob', 'v1:runInference', 'v1:completeJob']);
      expect(byJob(late.jobId)).toEqual(['v2:admitJob', 'v2:runInference', 'v2:completeJob']);

      const versioning = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.versioningInfo;
      expect(await versioning(early.jobId)).toMatchObject({ behavior: Behavior.VERSIONING_BEHAVIOR_PINNED, deploymentVersion: { buildId: 'v1' } });
      expect(await versioning(late.jobId)).toMatchObject({ behavior: Behavior.VERSIONING_BEHAVIOR_PINNED, deploymentVersion: { buildId: 'v2' } });

      // What docs/deployment.md tells operators to query for the workflows still on a version.
      await expect.poll(async () => (await env.client.workflow.count(`TemporalWorkerDeploymentVersion="${deploymentName}:v1"`)).count, { timeout: 10_000 }).toBe(1);

      // The periodic passes are not pinned: each run (and task) goes to the current version.
      const pass = await env.client.workflow.start('reconcileJobsWorkflow', {
        workflowId: `reconcile-${randomUUID()}`,
        taskQueue,
        args: [{ pageSize: 10, pagesPerRun: 1, pagePauseMs: 0, graceMs: 0 }],
      });
      await pass.result();
      expect(await versioning(pass.workflowId)).toMatchObject({ behavior: Behavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE, deploymentVersion: { buildId: 'v2' } });
    } finally {
      releaseV1();
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 90_000);

  it('an unversioned worker (tests, a dev process) still runs the workflows that auto-upgrade when versioned', async () => {
    const taskQueue = `unversioned-${randomUUID()}`;
    const reconcileJobsPage = async () => ({ examined: 0, settled: 0, repaired: 0, running: 0, failed: 0, next: null });
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: { reconcileJobsPage } });
    const totals = await worker.runUntil(
      env.client.workflow.execute('reconcileJobsWorkflow', {
        workflowId: `reconcile-${randomUUID()}`,
        taskQueue,
        args: [{ pageSize: 10, pagesPerRun: 1, pagePauseMs: 0, graceMs: 0 }],
        workflowTaskTimeout: '2 seconds',
        workflowExecutionTimeout: '20 seconds',
      }),
    );
    expect(totals).toMatchObject({ pages: 1, runs: 1 });
  });
});
