import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/client';
import { Context, heartbeat } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceActivities } from '../../../activities/inference.activities.js';
import type { JobActivities } from '../../../activities/job.activities.js';
import type { PushActivities } from '../../../activities/push.activities.js';
import { InsufficientCreditsError } from '../../../domain/errors.js';
import { DEFAULT_JOB_DEADLINES, type JobDeadlines } from '../../../domain/jobs/contract.js';
import { JobFailure } from '../../../domain/jobs/vocabulary.js';
import { ALL_SEARCH_ATTRIBUTE_KEYS, CreditStateKey, JobStatusKey } from '../../../domain/search-attributes.js';
import { startJobWorkflow } from '../../../integrations/job-workflows.js';
import { workflowsPath } from '../../../workers/orchestrator-worker.js';
import type { processJobWorkflow } from '../../../workflows/process-job.workflow.js';
import { scriptedJobInput } from '../../helpers/jobs.js';

// The saga's branches with mocked activities, on an ephemeral in-memory Temporal dev server (the project's
// pinned binary). Activities record their calls so each test can assert what ran and in which order.
// Deadlines are Temporal's own activity timeouts, so they are tested here against the real server.

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const temporal = execFileSync('bash', [fileURLToPath(new URL('../../../scripts/install/temporal.sh', import.meta.url))], {
    encoding: 'utf8',
  }).trim();
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporal },
      searchAttributes: ALL_SEARCH_ATTRIBUTE_KEYS,
    },
  });
}, 60_000);
afterAll(async () => env?.teardown());

type Calls = string[];

function mockActivities(calls: Calls, inference: () => Promise<void>, options: { shortBalance?: boolean; databaseDown?: boolean } = {}) {
  const job: JobActivities = {
    admitJob: async () => {
      calls.push('admitJob');
      if (options.shortBalance) {
        throw ApplicationFailure.create({ type: JobFailure.INSUFFICIENT_CREDITS, message: 'short', details: [{ required: 2, balance: 1 }], nonRetryable: true });
      }
      if (options.databaseDown) throw ApplicationFailure.create({ type: 'ConnectionRefused', message: 'database down', nonRetryable: true });
      return { created: true, balance: 7 };
    },
    completeJob: async () => {
      calls.push('completeJob');
      return 'completed';
    },
    refundJob: async () => {
      calls.push('refundJob');
      return { refunded: true };
    },
    finishJobUnsuccessfully: async ({ outcome }) => void calls.push(`finish:${outcome.status}:${outcome.code}`),
    settleJob: async () => {
      calls.push('settleJob');
      return null;
    },
  };
  const gpu: InferenceActivities = {
    runInference: async (input) => {
      calls.push('runInference');
      await inference();
      return { resultKey: input.resultKey, contentType: 'image/png', width: 2, height: 2, inferenceMs: 1 };
    },
  };
  return { job, gpu };
}

interface RunOptions {
  act?: (jobId: string) => Promise<void>;
  deadlines?: JobDeadlines;
  /** Leave the GPU queue without a worker. */
  noInferenceWorker?: boolean;
}

async function runJob(activities: ReturnType<typeof mockActivities>, options: RunOptions = {}) {
  const { act, deadlines = DEFAULT_JOB_DEADLINES } = options;
  const taskQueue = `unit-${randomUUID()}`;
  const inferenceTaskQueue = `${taskQueue}-gpu`;
  // Pushes are off here: the job's outcome push is a no-op local activity after the money is settled.
  const pushesOff: PushActivities = { notifyJobOutcome: async () => ({ sent: 0, removed: 0, retryDeviceIds: [] }) };
  const orchestrator = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities: { ...activities.job, ...pushesOff } });
  const gpu = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.noInferenceWorker ? `${inferenceTaskQueue}-unpolled` : inferenceTaskQueue,
    activities: activities.gpu,
  });
  const input = scriptedJobInput(inferenceTaskQueue, deadlines);
  return orchestrator.runUntil(
    gpu.runUntil(async () => {
      const admission = await startJobWorkflow(env.client, input, taskQueue);
      const handle = env.client.workflow.getHandle<typeof processJobWorkflow>(input.jobId);
      await act?.(input.jobId);
      const result = await handle.result();
      const { typedSearchAttributes } = await handle.describe();
      // What the Web UI shows as the workflow's current details.
      const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      return {
        admission,
        result,
        jobStatus: typedSearchAttributes.get(JobStatusKey),
        creditState: typedSearchAttributes.get(CreditStateKey),
        details: currentDetails,
      };
    }),
  );
}

describe('processJobWorkflow saga', () => {
  it('reserves, runs inference, then charges: no compensation on success', async () => {
    const calls: Calls = [];
    const outcome = await runJob(mockActivities(calls, async () => undefined));
    expect(outcome.admission).toEqual({ admitted: true, balance: 7 });
    expect(outcome.result).toMatchObject({ status: 'completed' });
    expect(calls).toEqual(['admitJob', 'runInference', 'completeJob']);
    expect([outcome.jobStatus, outcome.creditState]).toEqual(['completed', 'charged']);
    expect(outcome.details).toMatch(/^Completed; 1 credits charged\. Result: `results\//);
  });

  it('refunds once and records the business failure code when inference fails for good', async () => {
    const calls: Calls = [];
    const outcome = await runJob(
      mockActivities(calls, () => Promise.reject(ApplicationFailure.create({ type: JobFailure.NO_FACE_FOUND, message: 'no face', nonRetryable: true }))),
    );
    expect(outcome.result).toEqual({ status: 'failed', errorCode: JobFailure.NO_FACE_FOUND });
    expect(calls).toEqual(['admitJob', 'runInference', 'refundJob', `finish:failed:${JobFailure.NO_FACE_FOUND}`]);
    expect([outcome.jobStatus, outcome.creditState]).toEqual(['failed', 'refunded']);
    expect(outcome.details).toBe(`Failed with ${JobFailure.NO_FACE_FOUND}; credits refunded.`);
  });

  it('retries infrastructure failures a bounded number of times, then fails with INFERENCE_FAILED and refunds', async () => {
    const calls: Calls = [];
    const outcome = await runJob(mockActivities(calls, () => Promise.reject(new Error('GPU fell off the bus'))));
    expect(outcome.result).toEqual({ status: 'failed', errorCode: JobFailure.INFERENCE_FAILED });
    expect(calls.filter((call) => call === 'runInference')).toHaveLength(4);
    expect(calls.slice(-2)).toEqual(['refundJob', `finish:failed:${JobFailure.INFERENCE_FAILED}`]);
  }, 60_000);

  it('on cancellation during inference refunds once and records CANCELED', async () => {
    const calls: Calls = [];
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const outcome = await runJob(
      mockActivities(calls, async () => {
        markStarted();
        // Like the real activity: heartbeats, and so learns of the cancellation and stops.
        for (;;) {
          heartbeat();
          await Context.current().sleep(50);
        }
      }),
      {
        act: async (jobId) => {
          await started;
          await env.client.workflow.getHandle(jobId).cancel();
        },
      },
    );
    expect(outcome.result).toEqual({ status: 'canceled', errorCode: JobFailure.CANCELED });
    expect(calls).toEqual(['admitJob', 'runInference', 'refundJob', `finish:canceled:${JobFailure.CANCELED}`]);
  });

  it('fails admission with INSUFFICIENT_CREDITS and runs nothing else', async () => {
    const calls: Calls = [];
    const refused = runJob(mockActivities(calls, async () => undefined, { shortBalance: true }));
    await expect(refused).rejects.toBeInstanceOf(InsufficientCreditsError);
    await expect(refused).rejects.toMatchObject({ status: 402, required: 2, balance: 1 });
    expect(calls).toEqual(['admitJob']);
  });

  it('reports an admission that failed for infrastructure reasons as 503, with nothing else run', async () => {
    const calls: Calls = [];
    const refused = runJob(mockActivities(calls, async () => undefined, { databaseDown: true }));
    await expect(refused).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(calls).toEqual(['admitJob']);
  });

  it('fails NO_CAPACITY and refunds once when no inference worker starts the job within its queue deadline', async () => {
    const calls: Calls = [];
    const started = Date.now();
    const outcome = await runJob(mockActivities(calls, async () => undefined), { noInferenceWorker: true, deadlines: { queueSeconds: 2, lifetimeSeconds: 60 } });
    expect(outcome.result).toEqual({ status: 'failed', errorCode: JobFailure.NO_CAPACITY });
    expect(calls).toEqual(['admitJob', 'refundJob', `finish:failed:${JobFailure.NO_CAPACITY}`]);
    expect([outcome.jobStatus, outcome.creditState]).toEqual(['failed', 'refunded']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('fails DEADLINE_EXCEEDED and refunds once when inference outlives the job lifetime', async () => {
    const calls: Calls = [];
    const outcome = await runJob(
      mockActivities(calls, async () => {
        for (;;) {
          heartbeat();
          await Context.current().sleep(50);
        }
      }),
      { deadlines: { queueSeconds: 60, lifetimeSeconds: 2 } },
    );
    expect(outcome.result).toEqual({ status: 'failed', errorCode: JobFailure.DEADLINE_EXCEEDED });
    expect(calls).toEqual(['admitJob', 'runInference', 'refundJob', `finish:failed:${JobFailure.DEADLINE_EXCEEDED}`]);
  });
});
