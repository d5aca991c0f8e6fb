import {
  type Client,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AccountClosedError, AppError, ErrorCode, InsufficientCreditsError } from '../domain/errors.js';
import { DEFAULT_ADMISSION_TIMEOUT_MS, type ProcessJobInput, type ProcessJobResult } from '../domain/jobs/contract.js';
import type { JobStore } from '../db/job-store.js';
import { reconcileJob, type JobSettlement, type JobWorkflowState } from '../domain/jobs/reconciliation.js';
import { FIXED_OUTCOMES, JobFailure, type JobType, type UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';
import { CreditStateKey, JobStatusKey, JobTypeKey, UserIdKey } from '../domain/search-attributes.js';
import { admitJobUpdate, processJobWorkflow } from '../workflows/process-job.workflow.js';
import { settleJobWorkflow } from '../workflows/settle-job.workflow.js';

/** Past the job's own lifetime, the workflow gets this long to run its compensation before Temporal stops it. */
const COMPENSATION_ALLOWANCE_MS = 10 * 60_000;
/** How long a cancel waits for a settlement it meets (one short transaction; longer means the database is struggling). */
const SETTLEMENT_WAIT_MS = 10_000;

/**
 * The API keeps waiting this long past the admission deadline: an admission committed just before the deadline
 * (the activity refuses past it, less a margin) still reaches the API, which then reports it rather than a 503.
 */
const ADMISSION_REPORT_GRACE_MS = 3_000;

export type StartJobOutcome = { admitted: true; balance: number } | { admitted: false; reason: 'already_started' };

/**
 * Starts the job's workflow (id = job id) and returns once its credits are reserved (update-with-start), so a
 * short balance is a synchronous 402 and never a job that fails later. A job id whose workflow already ran
 * reports `already_started`: the caller serves the existing job row.
 * Admission has a deadline (`admissionTimeoutMs`): with no orchestrator to run it in time, this gives up (503)
 * and the workflow, should an orchestrator pick it up later, refuses to admit it (`admitBy`).
 */
export async function startJobWorkflow(
  client: Client,
  input: ProcessJobInput,
  taskQueue: string,
  options: { admissionTimeoutMs?: number } = {},
): Promise<StartJobOutcome> {
  const admitBy = Date.now() + (options.admissionTimeoutMs ?? DEFAULT_ADMISSION_TIMEOUT_MS);
  const startWorkflowOperation = new WithStartWorkflowOperation(processJobWorkflow, {
    workflowId: input.jobId,
    taskQueue,
    args: [{ ...input, admitBy }],
    // Concurrent duplicates join the running workflow; a closed one is only re-run if admission failed.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    // A backstop only: the workflow enforces the job's deadlines itself, and refunds; should it be stopped
    // here instead, the reconciler settles the job.
    ...(input.deadlines ? { workflowExecutionTimeout: input.deadlines.lifetimeSeconds * 1000 + COMPENSATION_ALLOWANCE_MS } : {}),
    typedSearchAttributes: [
      { key: UserIdKey, value: input.userId },
      { key: JobTypeKey, value: input.jobType },
      { key: JobStatusKey, value: 'pending' },
      { key: CreditStateKey, value: 'none' },
    ],
    staticSummary: `${input.jobType} for user ${input.userId} (${input.creditsCost} credits)`,
    staticDetails: `Job ${input.jobId}. Params: ${JSON.stringify(input.params)}. Input: ${input.inputKey}${input.targetKey ? `, target: ${input.targetKey}` : ''}.`,
  });
  try {
    const admission = await client.connection.withDeadline(admitBy + ADMISSION_REPORT_GRACE_MS, () =>
      client.workflow.executeUpdateWithStart(admitJobUpdate, { startWorkflowOperation }),
    );
    return { admitted: true, balance: admission.balance };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { admitted: false, reason: 'already_started' };
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    // The account was closed since the request was authenticated: no job was created.
    if (cause instanceof ApplicationFailure && cause.type === JobFailure.ACCOUNT_CLOSED) throw new AccountClosedError();
    if (cause instanceof ApplicationFailure && cause.type === JobFailure.INSUFFICIENT_CREDITS) {
      const [detail] = cause.details as [{ required: number; balance: number }];
      throw new InsufficientCreditsError(detail.required, detail.balance);
    }
    // Temporal unreachable, or admission not confirmed in time (e.g. no orchestrator worker): the client may
    // retry; with the same Idempotency-Key the retry joins the same job rather than creating another.
    if (error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || cause) {
      throw new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The job could not be started right now; retry with the same Idempotency-Key.', undefined, {
        'Retry-After': '5',
      });
    }
    throw error;
  }
}

/**
 * Asks the job's running workflow to stop; it refunds and records the cancellation itself. A workflow gone since
 * needs none. With `runId`, only that run is asked: a settlement started under the job's id since is never canceled.
 */
export async function cancelJobWorkflow(client: Client, jobId: string, runId?: string): Promise<void> {
  try {
    await client.workflow.getHandle(jobId, runId).cancel();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/**
 * Stops an unfinished job as a cancel does: a workflow that completed has the job row completed from its result, a
 * stopped one is settled as canceled (settlement workflow under the job's id), and a running job workflow is asked
 * to cancel. A running settlement is never canceled: the cancel waits for it (bounded) and answers from its result.
 * Returns which; 'stopping' while a running workflow winds down and settles by itself.
 */
export async function cancelUnfinishedJob(
  client: Client,
  taskQueue: string,
  job: { id: string; userId: string; jobType: JobType },
  reason: string,
  store: Pick<JobStore, 'complete'>,
): Promise<'completed' | 'settled' | 'stopping'> {
  const state = await jobWorkflowState(client, job.id);
  const decision = reconcileJob(state, FIXED_OUTCOMES.CANCELED);
  if (decision.action === 'complete') {
    await store.complete(job.id, decision.resultKey);
    return 'completed';
  }
  if (decision.action === 'settle') {
    const settled = await withinSettlementWait(
      settleJobThroughWorkflow(client, taskQueue, job, decision.outcome, reason).catch((error: unknown) => {
        // It failed after its retries: the job stays open for the reconciler, as while it runs.
        if (error instanceof WorkflowFailedError) return 'failed' as const;
        throw error;
      }),
    );
    if (settled === 'stopping' || settled === 'failed') return 'stopping';
    if (settled !== 'running') return 'settled';
    // Something started under the job's id meanwhile: look again at what it is.
    return (await waitForSettlement(client, job.id, await jobWorkflowState(client, job.id))) ?? 'stopping';
  }
  const waited = await waitForSettlement(client, job.id, state);
  if (waited) return waited;
  if (state.kind === 'running') await cancelJobWorkflow(client, job.id, state.runId);
  return 'stopping';
}

/**
 * When the running workflow under the job's id is a settlement, waits for it (up to SETTLEMENT_WAIT_MS): 'settled'
 * once it ended, 'stopping' while it still runs. undefined when no settlement runs (a job workflow may be canceled).
 */
async function waitForSettlement(client: Client, jobId: string, state: JobWorkflowState): Promise<'settled' | 'stopping' | undefined> {
  if (state.kind !== 'running' || state.workflowType !== settleJobWorkflow.name) return undefined;
  return withinSettlementWait(
    client.workflow
      .getHandle(jobId, state.runId)
      .result()
      .then(
        () => 'settled' as const,
        // A failed settlement settled nothing (the job stays open for the reconciler); an unreachable server tells
        // nothing: either way the caller reads the job as it stands.
        () => 'stopping' as const,
      ),
  );
}

/** What a settlement answered within SETTLEMENT_WAIT_MS, else 'stopping' (it goes on; the caller reads the job as it stands). */
async function withinSettlementWait<T>(settling: Promise<T>): Promise<T | 'stopping'> {
  // A failure after the wait is the reconciler's to meet, not this caller's.
  settling.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'stopping'>((resolve) => (timer = setTimeout(() => resolve('stopping'), SETTLEMENT_WAIT_MS).unref()));
  try {
    return await Promise.race([settling, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The state of the latest run under a job's id, with a completed job workflow's result. */
export async function jobWorkflowState(client: Client, jobId: string): Promise<JobWorkflowState> {
  const handle = client.workflow.getHandle(jobId);
  try {
    const { status, type, runId } = await handle.describe();
    if (status.name === 'RUNNING') return { kind: 'running', workflowType: type, runId };
    const completedJob = status.name === 'COMPLETED' && type === 'processJobWorkflow';
    return { kind: 'closed', status: status.name, workflowType: type, result: completedJob ? ((await handle.result()) as ProcessJobResult) : undefined };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'missing' };
    throw error;
  }
}

/**
 * Settles a job whose workflow stopped, through a settlement workflow under the job's id (see settleJobWorkflow),
 * and waits for it. Returns 'running' when a workflow with that id is running: then that one settles the job.
 */
export async function settleJobThroughWorkflow(
  client: Client,
  taskQueue: string,
  job: { id: string; userId: string; jobType: JobType },
  outcome: UnsuccessfulOutcome,
  reason: string,
): Promise<JobSettlement | null | 'running'> {
  try {
    const handle = await client.workflow.start(settleJobWorkflow, {
      workflowId: job.id,
      taskQueue,
      args: [{ jobId: job.id, outcome, reason }],
      // Follows any closed run; never two at once, so a job whose workflow runs again is left to it.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: UserIdKey, value: job.userId },
        { key: JobTypeKey, value: job.jobType },
      ],
      staticSummary: `Settlement of ${job.jobType} job for user ${job.userId}: ${outcome.code}`,
      staticDetails: `${reason}. The job's own workflow stopped without settling it.`,
    });
    return await handle.result();
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw error;
  }
}
