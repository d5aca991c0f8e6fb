import { randomUUID } from 'node:crypto';
import { Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, type Client, WithStartWorkflowOperation } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { ProcessJobInput } from '../../domain/jobs/contract.js';
import { FIXED_OUTCOMES, JobFailure } from '../../domain/jobs/vocabulary.js';
import { PURCHASE_GONE } from '../../domain/billing/acknowledgement.js';
import { scriptedJobInput } from '../helpers/jobs.js';

// Scenarios the replay corpus records: each workflow the orchestrator registers, driven down each of its paths
// with scripted activities (the recorded history holds the activities' results, so replay needs none). Workflows
// are started by type name so the same scenarios record any version of the workflow code.

/** Activities by name; a scenario overrides the ones it scripts. */
export type ActivityMocks = Record<string, (...args: never[]) => Promise<unknown>>;

export interface ScenarioContext {
  client: Client;
  namespace: string;
  /** The orchestrator worker's queue; the inference worker polls `inferenceTaskQueue`. */
  taskQueue: string;
  inferenceTaskQueue: string;
}

/** A recorded run: which history to keep (a run id for an earlier run of a continued-as-new chain). */
export interface Recorded {
  workflowId: string;
  runId?: string;
  /** File name suffix when a scenario keeps several runs. */
  suffix?: string;
}

export interface Scenario {
  workflow: string;
  name: string;
  orchestrator?: ActivityMocks;
  inference?: ActivityMocks;
  /** Leave the inference queue without a worker (queue deadline scenarios). */
  noInferenceWorker?: boolean;
  run(ctx: ScenarioContext): Promise<Recorded[]>;
}

const ok = <T>(value: T) => () => Promise.resolve(value);

/** What admission answers for a new job (older code reads only the balance). */
const firstAdmission = () => ({ created: true, balance: 7, attempt: 1, admittedAt: new Date().toISOString() });
/**
 * What admission answers to the run a reset starts (JobStore.admit): the job's outcome to replay when it ended for
 * good, or a new attempt when it failed for an infrastructure reason, or that attempt refused for lack of credits.
 */
const onReset = {
  replay: (ended: object) => ({ created: false, balance: 6, attempt: 1, admittedAt: new Date().toISOString(), ended }),
  retry: () => ({ created: false, retried: true, balance: 5, attempt: 2, admittedAt: new Date().toISOString() }),
  refused: (ended: object) => ({ created: false, balance: 0, attempt: 2, admittedAt: new Date().toISOString(), refused: JobFailure.INSUFFICIENT_CREDITS, ended }),
};
/** Admission answers a job's first run with a new job, the run its reset starts with `reset`. */
const admissions = (reset: () => object) => {
  let calls = 0;
  return () => Promise.resolve(calls++ === 0 ? firstAdmission() : reset());
};

function baseOrchestrator(): ActivityMocks {
  return {
    identify: ok({ role: 'orchestrator', taskQueue: 'replay', pid: 1 }),
    admitJob: () => Promise.resolve(firstAdmission()),
    completeJob: ok('completed'),
    refundJob: ok({ refunded: true }),
    finishJobUnsuccessfully: ok(undefined),
    settleJob: ok({ jobType: 'upscale', refunded: 1, finished: true, status: 'failed', creditState: 'refunded' }),
    notifyJobOutcome: ok({ sent: 1, removed: 0, retryDeviceIds: [] }),
  };
}

function baseInference(): ActivityMocks {
  return {
    identify: ok({ role: 'inference', taskQueue: 'replay-gpu', pid: 2 }),
    runInference: (input: { resultKey: string }) => Promise.resolve({ resultKey: input.resultKey, contentType: 'image/png', width: 2, height: 2, inferenceMs: 1 }),
  };
}

export function mocksFor(scenario: Scenario): { orchestrator: ActivityMocks; inference: ActivityMocks } {
  return { orchestrator: { ...baseOrchestrator(), ...scenario.orchestrator }, inference: { ...baseInference(), ...scenario.inference } };
}

/** As the API starts a job: update-with-start, waiting for admission. Returns whether it was admitted. */
async function startJob(ctx: ScenarioContext, input: ProcessJobInput): Promise<boolean> {
  const startWorkflowOperation = new WithStartWorkflowOperation('processJobWorkflow', {
    workflowId: input.jobId,
    taskQueue: ctx.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  try {
    await ctx.client.workflow.executeUpdateWithStart('admitJob', { startWorkflowOperation });
    return true;
  } catch {
    return false;
  }
}

async function runJob(ctx: ScenarioContext, input: ProcessJobInput, during?: (jobId: string) => Promise<void>): Promise<Recorded[]> {
  await startJob(ctx, input);
  await during?.(input.jobId);
  await ctx.client.workflow.getHandle(input.jobId).result().catch(() => undefined);
  return [{ workflowId: input.jobId }];
}

/** As `temporal workflow reset --type FirstWorkflowTask` does: a new run from the first workflow task. */
export async function resetToFirstWorkflowTask(ctx: ScenarioContext, workflowId: string): Promise<string> {
  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  const firstCompleted = history.events?.find((event) => event.eventType === protos.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (!firstCompleted?.eventId) throw new Error(`no completed workflow task in ${workflowId}`);
  const { runId } = await ctx.client.workflowService.resetWorkflowExecution({
    namespace: ctx.namespace,
    workflowExecution: { workflowId },
    reason: 'replay corpus: operator retry',
    workflowTaskFinishEventId: firstCompleted.eventId,
    requestId: randomUUID(),
  });
  return runId;
}

/** Runs the job, then resets it to its first workflow task and records both runs. */
async function runJobThenReset(ctx: ScenarioContext, input: ProcessJobInput): Promise<Recorded[]> {
  await runJob(ctx, input);
  const first = await ctx.client.workflow.getHandle(input.jobId).describe();
  const runId = await resetToFirstWorkflowTask(ctx, input.jobId);
  await ctx.client.workflow.getHandle(input.jobId, runId).result().catch(() => undefined);
  return [
    { workflowId: input.jobId, runId: first.runId, suffix: 'before-reset' },
    { workflowId: input.jobId, runId },
  ];
}

/** Runs a continued-as-new chain to its end and records its first and last runs. */
async function runChain(ctx: ScenarioContext, workflow: string, args: unknown[]): Promise<Recorded[]> {
  const workflowId = `replay-${workflow}-${randomUUID()}`;
  const handle = await ctx.client.workflow.start(workflow, { workflowId, taskQueue: ctx.taskQueue, args });
  await handle.result().catch(() => undefined);
  const last = await ctx.client.workflow.getHandle(workflowId).describe();
  return last.runId === handle.firstExecutionRunId
    ? [{ workflowId }]
    : [
        { workflowId, runId: handle.firstExecutionRunId, suffix: 'first-run' },
        { workflowId, runId: last.runId, suffix: 'last-run' },
      ];
}

/** Answers `pages` in turn, then repeats the last one. */
function pages<T>(...answers: T[]) {
  let call = 0;
  return () => Promise.resolve(answers[Math.min(call++, answers.length - 1)]!);
}

/** Heartbeats until cancelled, like the real inference activity. */
async function inferUntilCancelled(): Promise<never> {
  for (;;) {
    heartbeat();
    await Context.current().sleep(50);
  }
}

const business = (type: string) => () => Promise.reject(ApplicationFailure.create({ type, message: type, nonRetryable: true }));

function failingThenSucceeding(failures: number, error: () => Error, value: (input: never) => unknown) {
  let calls = 0;
  return (input: never) => (calls++ < failures ? Promise.reject(error()) : Promise.resolve(value(input)));
}

const inferred = (input: { resultKey: string }) => ({ resultKey: input.resultKey, contentType: 'image/png', width: 2, height: 2, inferenceMs: 1 });

const reconcilePage = (next: { createdAt: string; id: string } | null) => ({ examined: 3, settled: 1, repaired: 1, running: 1, failed: 0, next });
const renewalPage = (next: { nextCheckAt: string; id: string } | null) => ({ listed: 2, checked: 2, renewed: 1, failed: 0, byStatus: {}, next });
const cursor = { createdAt: '2026-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' };
const sweepCursor = { nextCheckAt: '2026-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000002' };

const reconcileInput = { pageSize: 10, pagesPerRun: 2, pagePauseMs: 100, graceMs: 60_000 };
const renewalInput = { pageSize: 10, pagesPerRun: 2 };
const retentionInput = { uploadRetentionMs: 86_400_000, resultRetentionMs: 86_400_000, pageSize: 10, pagesPerRun: 1, deletionGraceMs: 3_600_000 };

function acknowledgement(deadlineInMs: number) {
  return {
    kind: 'subscription',
    productId: 'pro_monthly',
    purchaseToken: randomUUID(),
    transactionId: `GPA.${randomUUID()}`,
    userId: randomUUID(),
    deadline: new Date(Date.now() + deadlineInMs).toISOString(),
    retry: { initialIntervalMs: 200, maximumIntervalMs: 500 },
  };
}

async function runOnce(ctx: ScenarioContext, workflow: string, args: unknown[]): Promise<Recorded[]> {
  const workflowId = `replay-${workflow}-${randomUUID()}`;
  await ctx.client.workflow.execute(workflow, { workflowId, taskQueue: ctx.taskQueue, args }).catch(() => undefined);
  return [{ workflowId }];
}

export const scenarios: Scenario[] = [
  // processJobWorkflow
  { workflow: 'processJobWorkflow', name: 'completed', run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)) },
  {
    workflow: 'processJobWorkflow',
    name: 'completed-push-retried',
    orchestrator: { notifyJobOutcome: pages({ sent: 0, removed: 0, retryDeviceIds: ['d1'] }, { sent: 1, removed: 0, retryDeviceIds: [] }) },
    run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  { workflow: 'processJobWorkflow', name: 'failed-no-face', inference: { runInference: business(JobFailure.NO_FACE_FOUND) }, run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)) },
  {
    workflow: 'processJobWorkflow',
    name: 'failed-inference-retries-exhausted',
    inference: { runInference: () => Promise.reject(new Error('GPU fell off the bus')) },
    run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'canceled-during-inference',
    inference: { runInference: inferUntilCancelled },
    run: (ctx) =>
      runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue), async (jobId) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await ctx.client.workflow.getHandle(jobId).cancel();
      }),
  },
  { workflow: 'processJobWorkflow', name: 'refused-insufficient-credits', orchestrator: { admitJob: business(JobFailure.INSUFFICIENT_CREDITS) }, run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)) },
  { workflow: 'processJobWorkflow', name: 'failed-no-capacity', noInferenceWorker: true, run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue, { queueSeconds: 2, lifetimeSeconds: 60 })) },
  {
    workflow: 'processJobWorkflow',
    name: 'failed-deadline-exceeded',
    inference: { runInference: inferUntilCancelled },
    run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue, { queueSeconds: 60, lifetimeSeconds: 2 })),
  },
  { workflow: 'processJobWorkflow', name: 'completion-lost-to-cancel', orchestrator: { completeJob: ok('canceled') }, run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)) },
  {
    workflow: 'processJobWorkflow',
    name: 'refund-compensation-failed',
    orchestrator: { refundJob: business('RefundBroken') },
    inference: { runInference: business(JobFailure.UNSUPPORTED_IMAGE) },
    run: (ctx) => runJob(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'reset-after-completed',
    orchestrator: { admitJob: admissions(() => onReset.replay({ status: 'completed', resultKey: 'results/u/j.png' })) },
    run: (ctx) => runJobThenReset(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'reset-after-inference-failed',
    orchestrator: { admitJob: admissions(onReset.retry) },
    inference: { runInference: failingThenSucceeding(1, () => ApplicationFailure.create({ type: JobFailure.INFERENCE_FAILED, message: 'outage', nonRetryable: true }), inferred) },
    run: (ctx) => runJobThenReset(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'reset-after-no-face',
    orchestrator: { admitJob: admissions(() => onReset.replay({ status: 'failed', errorCode: JobFailure.NO_FACE_FOUND })) },
    inference: { runInference: business(JobFailure.NO_FACE_FOUND) },
    run: (ctx) => runJobThenReset(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'reset-after-inference-failed-retry-refused',
    orchestrator: { admitJob: admissions(() => onReset.refused({ status: 'failed', errorCode: JobFailure.INFERENCE_FAILED })) },
    inference: { runInference: business(JobFailure.INFERENCE_FAILED) },
    run: (ctx) => runJobThenReset(ctx, scriptedJobInput(ctx.inferenceTaskQueue)),
  },
  {
    workflow: 'processJobWorkflow',
    name: 'reset-after-canceled',
    orchestrator: { admitJob: admissions(() => onReset.replay({ status: 'canceled', errorCode: JobFailure.CANCELED })) },
    inference: { runInference: inferUntilCancelled },
    run: async (ctx) => {
      const input = scriptedJobInput(ctx.inferenceTaskQueue);
      await runJob(ctx, input, async (jobId) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await ctx.client.workflow.getHandle(jobId).cancel();
      });
      const first = await ctx.client.workflow.getHandle(input.jobId).describe();
      const runId = await resetToFirstWorkflowTask(ctx, input.jobId);
      // Code before attempts runs inference again until canceled again; later code replays the cancel at once.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await ctx.client.workflow.getHandle(input.jobId, runId).cancel().catch(() => undefined);
      await ctx.client.workflow.getHandle(input.jobId, runId).result().catch(() => undefined);
      return [
        { workflowId: input.jobId, runId: first.runId, suffix: 'before-reset' },
        { workflowId: input.jobId, runId },
      ];
    },
  },

  // settleJobWorkflow
  {
    workflow: 'settleJobWorkflow',
    name: 'settled',
    run: (ctx) => runOnce(ctx, 'settleJobWorkflow', [{ jobId: randomUUID(), outcome: FIXED_OUTCOMES.CANCELED, reason: 'Canceled by its owner' }]),
  },
  {
    workflow: 'settleJobWorkflow',
    name: 'no-job',
    orchestrator: { settleJob: ok(null) },
    run: (ctx) => runOnce(ctx, 'settleJobWorkflow', [{ jobId: randomUUID(), outcome: FIXED_OUTCOMES.CANCELED, reason: 'Reconciler' }]),
  },
  {
    workflow: 'settleJobWorkflow',
    name: 'bookkeeping-failed',
    orchestrator: { settleJob: business('DatabaseBroken') },
    run: (ctx) => runOnce(ctx, 'settleJobWorkflow', [{ jobId: randomUUID(), outcome: FIXED_OUTCOMES.CANCELED, reason: 'Reconciler' }]),
  },

  // reconcileJobsWorkflow
  { workflow: 'reconcileJobsWorkflow', name: 'one-page', orchestrator: { reconcileJobsPage: ok(reconcilePage(null)) }, run: (ctx) => runChain(ctx, 'reconcileJobsWorkflow', [reconcileInput]) },
  {
    workflow: 'reconcileJobsWorkflow',
    name: 'continued-as-new',
    orchestrator: { reconcileJobsPage: pages(reconcilePage(cursor), reconcilePage(cursor), reconcilePage(null)) },
    run: (ctx) => runChain(ctx, 'reconcileJobsWorkflow', [reconcileInput]),
  },

  // renewalSweepWorkflow
  { workflow: 'renewalSweepWorkflow', name: 'one-page', orchestrator: { recheckDuePage: ok(renewalPage(null)) }, run: (ctx) => runChain(ctx, 'renewalSweepWorkflow', [renewalInput]) },
  {
    workflow: 'renewalSweepWorkflow',
    name: 'continued-as-new',
    orchestrator: { recheckDuePage: pages(renewalPage(sweepCursor), renewalPage(sweepCursor), renewalPage(null)) },
    run: (ctx) => runChain(ctx, 'renewalSweepWorkflow', [renewalInput]),
  },

  // retentionSweepWorkflow
  {
    workflow: 'retentionSweepWorkflow',
    name: 'one-page',
    orchestrator: { purgeExpiredPage: ok({ uploads: 2, results: 1, more: false }), resumeAccountDeletions: ok({ resumed: 1 }), recheckErasedAccountObjects: ok({ accounts: 1, objects: 1 }) },
    run: (ctx) => runChain(ctx, 'retentionSweepWorkflow', [retentionInput]),
  },
  {
    workflow: 'retentionSweepWorkflow',
    name: 'continued-as-new',
    orchestrator: {
      purgeExpiredPage: pages({ uploads: 10, results: 0, more: true }, { uploads: 1, results: 0, more: false }),
      resumeAccountDeletions: ok({ resumed: 0 }),
      recheckErasedAccountObjects: ok({ accounts: 0, objects: 0 }),
    },
    run: (ctx) => runChain(ctx, 'retentionSweepWorkflow', [retentionInput]),
  },

  // deleteAccountWorkflow
  {
    workflow: 'deleteAccountWorkflow',
    name: 'no-open-jobs',
    orchestrator: { stopAccountJobs: ok({ open: 0, settled: 2 }), purgeAccountObjects: ok({ deleted: 4 }), eraseAccount: ok({ devicesRemoved: 1 }) },
    run: (ctx) => runOnce(ctx, 'deleteAccountWorkflow', [{ userId: randomUUID() }]),
  },
  {
    workflow: 'deleteAccountWorkflow',
    name: 'waits-for-jobs',
    orchestrator: { stopAccountJobs: pages({ open: 1, settled: 0 }, { open: 0, settled: 1 }), purgeAccountObjects: ok({ deleted: 2 }), eraseAccount: ok({ devicesRemoved: 0 }) },
    run: (ctx) => runOnce(ctx, 'deleteAccountWorkflow', [{ userId: randomUUID() }]),
  },

  // acknowledgePurchaseWorkflow
  { workflow: 'acknowledgePurchaseWorkflow', name: 'acknowledged', orchestrator: { acknowledgePurchase: ok(undefined) }, run: (ctx) => runOnce(ctx, 'acknowledgePurchaseWorkflow', [acknowledgement(3_600_000)]) },
  {
    workflow: 'acknowledgePurchaseWorkflow',
    name: 'acknowledged-after-retries',
    orchestrator: { acknowledgePurchase: failingThenSucceeding(2, () => new Error('Google 503'), () => undefined) },
    run: (ctx) => runOnce(ctx, 'acknowledgePurchaseWorkflow', [acknowledgement(3_600_000)]),
  },
  { workflow: 'acknowledgePurchaseWorkflow', name: 'gone', orchestrator: { acknowledgePurchase: business(PURCHASE_GONE) }, run: (ctx) => runOnce(ctx, 'acknowledgePurchaseWorkflow', [acknowledgement(3_600_000)]) },
  {
    workflow: 'acknowledgePurchaseWorkflow',
    name: 'window-closed-while-retrying',
    orchestrator: { acknowledgePurchase: () => Promise.reject(new Error('Google 503')) },
    run: (ctx) => runOnce(ctx, 'acknowledgePurchaseWorkflow', [acknowledgement(2_000)]),
  },
  { workflow: 'acknowledgePurchaseWorkflow', name: 'window-already-closed', run: (ctx) => runOnce(ctx, 'acknowledgePurchaseWorkflow', [acknowledgement(-1_000)]) },

  // smokeWorkflow
  { workflow: 'smokeWorkflow', name: 'round-trip', run: (ctx) => runOnce(ctx, 'smokeWorkflow', [{ inferenceTaskQueue: ctx.inferenceTaskQueue }]) },
];
