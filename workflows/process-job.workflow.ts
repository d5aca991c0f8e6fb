import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineUpdate,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { InferenceActivities } from '../activities/inference.activities.js';
import type { JobActivities } from '../activities/job.activities.js';
import { JobFailure, type ProcessJobInput, type ProcessJobResult, resultKey } from '../domain/jobs.js';
import { CreditStateKey, JobStatusKey } from '../domain/search-attributes.js';

/** Admission result the API waits for (update-with-start): once it returns, credits are reserved. */
export interface Admission {
  jobId: string;
  balance: number;
}
export const admitJobUpdate = defineUpdate<Admission>('admitJob');

/** The client is waiting on admission: fail fast rather than queue behind a long outage. */
const ADMISSION = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 5 },
} as const;
/** Bookkeeping and compensations must eventually happen: retried until they do, with capped backoff. */
const BOOKKEEPING = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
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
const jobs = proxyLocalActivities<JobActivities>(BOOKKEEPING);
const admission = proxyLocalActivities<JobActivities>(ADMISSION);

/**
 * One job, as a saga: reserve credits → inference on a GPU queue (result written to S3 there) → commit the
 * charge. Any failure or cancellation refunds the reservation exactly once and records a stable error code.
 * Business outcomes (failed, canceled) complete the workflow normally; only a refused admission fails it.
 */
export async function processJobWorkflow(input: ProcessJobInput): Promise<ProcessJobResult> {
  const inference = proxyActivities<InferenceActivities>({ ...INFERENCE, taskQueue: input.inferenceTaskQueue });
  // Admission runs once, whether the API's update or the workflow's own start gets there first.
  let admitted: Promise<Admission> | undefined;
  const admit = () => (admitted ??= admitOnce(input));
  setHandler(admitJobUpdate, admit);
  // A refused admission fails the run (the update reports it to the API); nothing was created or charged.
  await admit();

  const compensations: (() => Promise<unknown>)[] = [];
  compensations.unshift(() => jobs.refundJob({ userId: input.userId, jobId: input.jobId }));
  upsertSearchAttributes([
    { key: JobStatusKey, value: 'processing' },
    { key: CreditStateKey, value: 'reserved' },
  ]);
  setCurrentDetails(`${input.creditsCost} credits reserved; inference on \`${input.inferenceTaskQueue}\`.`);

  try {
    const key = resultKey(input.userId, input.jobId);
    await inference.runInference({
      jobId: input.jobId,
      jobType: input.jobType,
      params: input.params,
      inputKey: input.inputKey,
      ...(input.targetKey ? { targetKey: input.targetKey } : {}),
      resultKey: key,
    });
    // Completion can race a cancellation; the job row keeps whichever landed first.
    const status = await CancellationScope.nonCancellable(() => jobs.completeJob({ jobId: input.jobId, resultKey: key }));
    if (status === 'completed') {
      upsertSearchAttributes([
        { key: JobStatusKey, value: 'completed' },
        { key: CreditStateKey, value: 'charged' },
      ]);
      setCurrentDetails(`Completed; ${input.creditsCost} credits charged. Result: \`${key}\`.`);
      return { status: 'completed', resultKey: key };
    }
    throw ApplicationFailure.create({ type: JobFailure.INTERNAL, message: `job ended as ${status} before completion`, nonRetryable: true });
  } catch (error) {
    const status = isCancellation(error) ? 'canceled' : 'failed';
    const code = status === 'canceled' ? JobFailure.CANCELED : failureCode(error);
    await CancellationScope.nonCancellable(async () => {
      for (const compensate of compensations) {
        try {
          await compensate();
        } catch (compensationError) {
          log.error('compensation failed', { jobId: input.jobId, error: String(compensationError) });
        }
      }
      await jobs.finishJobUnsuccessfully({ jobId: input.jobId, status, code, message: failureMessage(error) });
    });
    upsertSearchAttributes([
      { key: JobStatusKey, value: status },
      { key: CreditStateKey, value: 'refunded' },
    ]);
    setCurrentDetails(`${status === 'canceled' ? 'Canceled' : `Failed with ${code}`}; credits refunded.`);
    log.warn('job did not complete', { jobId: input.jobId, status, code });
    return { status, errorCode: code };
  }
}

async function admitOnce(input: ProcessJobInput): Promise<Admission> {
  try {
    const { balance } = await admission.admitJob(input);
    return { jobId: input.jobId, balance };
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

/** The stable code for a failure: a business failure's own type, else what kind of step gave up. */
function failureCode(error: unknown): JobFailure {
  const business = businessFailure(error);
  if (business) return business.type as JobFailure;
  if (error instanceof ActivityFailure && (error.activityType === 'runInference' || error.cause instanceof TimeoutFailure)) {
    return JobFailure.INFERENCE_FAILED;
  }
  return JobFailure.INTERNAL;
}

/** A message safe to show the user: business failures explain themselves, infrastructure ones stay generic. */
function failureMessage(error: unknown): string {
  if (isCancellation(error)) return 'The job was canceled.';
  return businessFailure(error)?.message ?? 'Processing failed after several attempts; no credits were charged.';
}
