import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineUpdate,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { InferenceActivities } from '../activities/inference.activities.js';
import type { JobActivities } from '../activities/job.activities.js';
import type { AdmissionResult } from '../domain/jobs/attempts.js';
import { DEFAULT_JOB_DEADLINES, type ProcessJobInput, type ProcessJobResult, specOf } from '../domain/jobs/contract.js';
import { FIXED_OUTCOMES, JobFailure, type UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';
import { resultKey } from '../domain/object-keys.js';
import { CreditStateKey, JobFailureCodeKey, JobStatusKey } from '../domain/search-attributes.js';
import { countBookkeepingGaveUp, JOB_BOOKKEEPING } from './activity-options.js';
import { notifyJobOutcome } from './job-push.js';

/** Admission result the API waits for (update-with-start): once it returns, credits are reserved. */
export interface Admission {
  jobId: string;
  balance: number;
}
export const admitJobUpdate = defineUpdate<Admission>('admitJob');

/**
 * The client is waiting on admission: fail fast rather than queue behind a long outage, and give up well
 * before the API stops waiting, so a job the API reported as not started never starts later.
 */
const ADMISSION = {
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '8 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 5 },
} as const;
/** Inference heartbeats; a silent worker is presumed dead and the attempt moves to another worker. */
const INFERENCE = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 4,
    nonRetryableErrorTypes: Object.values(JobFailure),
  },
} as const;

// Bookkeeping is a few short SQL statements on the orchestrator itself: local activities save the task-queue
// round trips that would otherwise dominate a job's orchestration overhead.
const jobs = proxyLocalActivities<JobActivities>(JOB_BOOKKEEPING);
const admission = proxyLocalActivities<JobActivities>(ADMISSION);

/**
 * One job, as a saga: reserve credits → inference on a GPU queue (result written to S3 there) → commit the
 * charge. Any failure or cancellation refunds the reservation exactly once and records a stable error code.
 * Deadlines are Temporal's own timeouts: the inference activity must be started within the queue deadline
 * (NO_CAPACITY) and finish within what is left of the job's lifetime (DEADLINE_EXCEEDED). Should the workflow
 * itself stop (terminated, timed out), the reconciler settles the job instead.
 * Business outcomes (failed, canceled) complete the workflow normally; only a refused admission fails it, or
 * bookkeeping that still fails after its bounded retries (the reconciler then settles the job).
 *
 * An operator's reset (from the first workflow task) runs admission again, and its result decides: a job that
 * failed for an infrastructure reason runs again as a new attempt (fresh reservation, deadlines counted from
 * that admission); any other ended job (completed, canceled, a business failure, a retry the balance no longer
 * covers) is replayed unchanged, without inference; a job still open carries on with its attempt.
 */
export async function processJobWorkflow(input: ProcessJobInput): Promise<ProcessJobResult> {
  // Admission runs once, whether the API's update or the workflow's own start gets there first.
  let admitted: Promise<AdmissionResult> | undefined;
  const admit = () => (admitted ??= admitOnce(input));
  setHandler(admitJobUpdate, async (): Promise<Admission> => ({ jobId: input.jobId, balance: (await admit()).balance }));
  // A refused admission fails the run (the update reports it to the API); nothing was created or charged.
  const admission = await admit();
  // Histories recorded before attempts replay as they ran: no replayed outcomes, deadlines from the run's start.
  const attempts = patched('job-attempts');
  if (attempts && admission.ended) return replayEnded(admission.ended, admission);
  const attempt = admission.attempt ?? 1;

  const compensations: (() => Promise<unknown>)[] = [];
  compensations.unshift(() => jobs.refundJob({ userId: input.userId, jobId: input.jobId }));
  upsertSearchAttributes([
    { key: JobStatusKey, value: 'processing' },
    { key: CreditStateKey, value: 'reserved' },
  ]);
  const attemptNote = attempt > 1 ? `Attempt ${attempt} (an operator's retry): ` : '';
  setCurrentDetails(`${attemptNote}${input.creditsCost} credits reserved; inference on \`${input.inferenceTaskQueue}\`.`);

  try {
    const key = resultKey(input.userId, input.jobId);
    const since = attempts && admission.admittedAt ? Date.parse(admission.admittedAt) : workflowInfo().startTime.getTime();
    await inferenceWithinDeadlines(input, since).runInference({
      jobId: input.jobId,
      spec: specOf(input),
      inputKey: input.inputKey,
      ...(input.targetKey ? { targetKey: input.targetKey } : {}),
      resultKey: key,
    });
    // Completion can race a cancellation; the job row keeps whichever landed first.
    const status = await CancellationScope.nonCancellable(() => bookkeeping(attempts, 'completeJob', () => jobs.completeJob({ jobId: input.jobId, resultKey: key })));
    if (status === 'completed') {
      upsertSearchAttributes([
        { key: JobStatusKey, value: 'completed' },
        { key: CreditStateKey, value: 'charged' },
      ]);
      setCurrentDetails(`${attemptNote}Completed; ${input.creditsCost} credits charged. Result: \`${key}\`.`);
      await CancellationScope.nonCancellable(() => notifyJobOutcome(input.userId, input.jobId, 'completed'));
      return { status: 'completed', resultKey: key };
    }
    throw ApplicationFailure.create({ type: JobFailure.INTERNAL, message: `job ended as ${status} before completion`, nonRetryable: true });
  } catch (error) {
    const outcome = unsuccessfulOutcome(error);
    await CancellationScope.nonCancellable(async () => {
      for (const compensate of compensations) {
        try {
          await compensate();
        } catch (compensationError) {
          if (attempts) countBookkeepingGaveUp('processJobWorkflow', 'refundJob');
          log.error('compensation failed', { jobId: input.jobId, error: String(compensationError) });
        }
      }
      await bookkeeping(attempts, 'finishJobUnsuccessfully', () => jobs.finishJobUnsuccessfully({ jobId: input.jobId, outcome }));
    });
    upsertSearchAttributes([
      { key: JobStatusKey, value: outcome.status },
      { key: CreditStateKey, value: 'refunded' },
      ...(attempts ? [{ key: JobFailureCodeKey, value: outcome.code }] : []),
    ]);
    setCurrentDetails(`${attemptNote}${outcome.status === 'canceled' ? 'Canceled' : `Failed with ${outcome.code}`}; credits refunded.`);
    log.warn('job did not complete', { jobId: input.jobId, status: outcome.status, code: outcome.code });
    // The user canceled it themselves; only a failure is news.
    if (outcome.status === 'failed') await CancellationScope.nonCancellable(() => notifyJobOutcome(input.userId, input.jobId, 'failed'));
    return { status: outcome.status, errorCode: outcome.code };
  }
}

/**
 * A run that admitted no new attempt replays how the job ended: its search attributes say so again (a reset
 * leaves those of the run it replaced behind), and nothing else happens — no inference, no money, no push.
 */
function replayEnded(ended: ProcessJobResult, admission: AdmissionResult): ProcessJobResult {
  upsertSearchAttributes([
    { key: JobStatusKey, value: ended.status },
    { key: CreditStateKey, value: ended.status === 'completed' ? 'charged' : 'refunded' },
    ...(ended.errorCode ? [{ key: JobFailureCodeKey, value: ended.errorCode }] : []),
  ]);
  const outcome = ended.status === 'completed' ? 'completed' : `${ended.status} (${ended.errorCode})`;
  setCurrentDetails(
    admission.refused
      ? `Not run again: attempt ${admission.attempt} refused (${admission.refused}); the job stays ${outcome}.`
      : `The job had already ended ${outcome}; replayed unchanged (a reset runs again only jobs failed for an infrastructure reason).`,
  );
  return ended;
}

/**
 * A bookkeeping step whose bounded retries ran out (see JOB_BOOKKEEPING) is counted for operators before its failure
 * fails the run; the reconciler then settles the job. Runs from before the bound rethrow as they did.
 */
async function bookkeeping<T>(counted: boolean, step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (counted && !isCancellation(error)) countBookkeepingGaveUp('processJobWorkflow', step);
    throw error;
  }
}

/** The inference activity, bounded by the job's queue deadline and by what is left of its lifetime since `since` (epoch ms). */
function inferenceWithinDeadlines(input: ProcessJobInput, since: number) {
  const deadlines = input.deadlines ?? DEFAULT_JOB_DEADLINES;
  const elapsedMs = Date.now() - since;
  const remainingMs = Math.max(1_000, deadlines.lifetimeSeconds * 1000 - elapsedMs);
  return proxyActivities<InferenceActivities>({
    ...INFERENCE,
    taskQueue: input.inferenceTaskQueue,
    scheduleToStartTimeout: deadlines.queueSeconds * 1000,
    scheduleToCloseTimeout: remainingMs,
    // A canceled job (a user's cancel, an account deletion) counts as stopped only once its inference has: nothing
    // is written for it after the cancel reports done. Histories recorded before did not wait.
    cancellationType: patched('inference-waits-for-cancellation')
      ? ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
      : ActivityCancellationType.TRY_CANCEL,
  });
}

async function admitOnce(input: ProcessJobInput): Promise<AdmissionResult> {
  try {
    return await admission.admitJob(input);
  } catch (error) {
    throw ApplicationFailure.create({
      type: failureCode(error),
      message: failureMessage(error),
      details: businessFailure(error)?.details ?? undefined,
      nonRetryable: true,
    });
  }
}

const knownFailures = new Set<string>(Object.values(JobFailure));

/** The business failure (one of JobFailure) behind an error, whether raised directly or by an activity. */
function businessFailure(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.type && knownFailures.has(cause.type) ? cause : undefined;
}

/** The stable code for a failure: a business failure's own type, a missed deadline, else what kind of step gave up. */
function failureCode(error: unknown): JobFailure {
  const business = businessFailure(error);
  if (business) return business.type as JobFailure;
  if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
    if (error.cause.timeoutType === TimeoutType.SCHEDULE_TO_START) return JobFailure.NO_CAPACITY;
    if (error.cause.timeoutType === TimeoutType.SCHEDULE_TO_CLOSE) return JobFailure.DEADLINE_EXCEEDED;
  }
  if (error instanceof ActivityFailure && (error.activityType === 'runInference' || error.cause instanceof TimeoutFailure)) {
    return JobFailure.INFERENCE_FAILED;
  }
  return JobFailure.INTERNAL;
}

/** A message safe to show the user: business failures explain themselves, infrastructure ones stay generic. */
function failureMessage(error: unknown): string {
  const code = failureCode(error);
  const fixed = code === JobFailure.NO_CAPACITY || code === JobFailure.DEADLINE_EXCEEDED ? FIXED_OUTCOMES[code].message : undefined;
  return businessFailure(error)?.message ?? fixed ?? 'Processing failed after several attempts; no credits were charged.';
}

function unsuccessfulOutcome(error: unknown): UnsuccessfulOutcome {
  if (isCancellation(error)) return FIXED_OUTCOMES.CANCELED;
  return { status: 'failed', code: failureCode(error), message: failureMessage(error) };
}
