import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { JobQueries, type JobRow } from '../../db/job-queries.js';
import { InferenceWorkers } from '../../db/inference-workers.js';
import { JobStore } from '../../db/job-store.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { fleetDefaultUpscaler, unavailableReason } from '../../domain/jobs/capabilities.js';
import type { JobDeadlines, ProcessJobInput } from '../../domain/jobs/contract.js';
import type { JobSpec, UpscalerName } from '../../domain/jobs/parameters.js';
import { creditsCost, estimatedSeconds, planJob } from '../../domain/jobs/plan.js';
import { terminalJobStatuses } from '../../domain/jobs/vocabulary.js';
import type { TaskQueues } from '../../domain/task-queues.js';
import { cancelUnfinishedJob, startJobWorkflow } from '../../integrations/job-workflows.js';
import type { ChangeInvalidatedCache } from '../../integrations/change-invalidated-cache.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import { isUuid, jobIdFor } from './ids.js';
import { verifyUpload } from './uploads.js';

export interface JobServiceDeps {
  temporal: Client;
  taskQueues: TaskQueues;
  objectStore: ObjectStore;
  maxJobsInFlight: number;
  deadlines: JobDeadlines;
  /** How long a request waits for an orchestrator to admit its job (JOB_ADMISSION_TIMEOUT); then 503. */
  admissionTimeoutMs?: number | undefined;
  /**
   * Recorded on upscales that name no model (UPSCALE_DEFAULT_MODEL); unset: the default the inference workers
   * advertise. Either way the job carries the model it is priced by and runs.
   */
  defaultUpscaler?: UpscalerName | undefined;
}

export type NewJob = JobSpec & {
  inputUploadId: string;
  targetUploadId?: string | undefined;
  idempotencyKey?: string | undefined;
};

/**
 * Creates a job: the same Idempotency-Key with the same request returns the same job (with another request,
 * 422); a job no inference worker can run is refused (422 MODEL_UNAVAILABLE) and one that names no upscaler gets
 * the one the workers will run, its price included; the uploads must be the caller's and really in S3; the credits
 * are reserved before this returns (402 otherwise, with nothing left behind).
 */
export async function createJob(
  em: EntityManager,
  deps: JobServiceDeps,
  userId: string,
  requested: NewJob,
): Promise<{ job: JobRow; created: boolean; estimatedSeconds: number }> {
  const queries = new JobQueries(em);
  const jobId = jobIdFor(userId, requested.idempotencyKey);
  // What the caller asked, not what the fleet made of it: a retry matches whatever the workers advertise by then.
  const requestHash = requested.idempotencyKey ? fingerprint(requested) : undefined;
  const existing = requested.idempotencyKey ? await queries.findOwn(userId, jobId) : null;
  if (existing) return { job: sameRequest(existing, requestHash), created: false, estimatedSeconds: estimatedSeconds(planJob(requested)) };

  // A soft limit: simultaneous requests can each pass the count; the per-user submission rate limit bounds that.
  if ((await queries.countInFlight(userId)) >= deps.maxJobsInFlight) {
    throw new AppError(429, ErrorCode.JOBS_IN_FLIGHT_LIMIT, `At most ${deps.maxJobsInFlight} jobs may run at once; wait for one to finish.`, undefined, {
      'Retry-After': '5',
    });
  }
  const input = await verifyUpload(em, deps.objectStore, userId, requested.inputUploadId);
  const target = requested.targetUploadId ? await verifyUpload(em, deps.objectStore, userId, requested.targetUploadId) : undefined;
  const fleet = await new InferenceWorkers(em).fleet(deps.taskQueues.inference);
  const request = withUpscaler(requested, deps.defaultUpscaler ?? fleetDefaultUpscaler(fleet));
  const plan = planJob(request);
  const unavailable = unavailableReason(plan, fleet);
  if (unavailable) throw new AppError(422, ErrorCode.MODEL_UNAVAILABLE, `This job cannot run now: ${unavailable}.`, { job_type: request.jobType });
  const inputPixels = (input.width ?? 0) * (input.height ?? 0);

  const workflowInput = {
    jobId,
    userId,
    jobType: request.jobType,
    params: request.params,
    creditsCost: creditsCost(plan, inputPixels),
    inputUploadId: input.id,
    inputKey: input.objectKey,
    ...(target ? { targetUploadId: target.id, targetKey: target.objectKey } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey, requestHash } : {}),
    inferenceTaskQueue: deps.taskQueues.inference,
    deadlines: deps.deadlines,
  } as ProcessJobInput;
  const outcome = await startJobWorkflow(deps.temporal, workflowInput, deps.taskQueues.orchestrator, { admissionTimeoutMs: deps.admissionTimeoutMs });
  const job = await queries.findOwn(userId, jobId);
  if (!job) throw new Error(`job ${jobId} was ${outcome.admitted ? 'admitted' : 'started before'} but has no row`);
  // A concurrent request with the same key but another body joined the first one's workflow: it is refused here.
  return { job: sameRequest(job, requestHash), created: outcome.admitted, estimatedSeconds: estimatedSeconds(plan, inputPixels) };
}

/** A job that upscales with no model named gets `upscaler` written into its parameters: what it is priced by and runs. */
function withUpscaler(request: NewJob, upscaler: UpscalerName | null): NewJob {
  if (!upscaler) return request;
  if (request.jobType === 'upscale' && !request.params.model) return { ...request, params: { ...request.params, model: upscaler } };
  if (request.jobType === 'face_restoration' && request.params.scale_factor && !request.params.upscale_model) {
    return { ...request, params: { ...request.params, upscale_model: upscaler } };
  }
  return request;
}

/** What an Idempotency-Key promises: the same request. Job type, uploads and parameters (defaults applied). */
function fingerprint(request: NewJob): string {
  const canonical = JSON.stringify([request.jobType, request.inputUploadId, request.targetUploadId ?? null, sortedKeys(request.params)]);
  return createHash('sha256').update(canonical).digest('hex');
}

function sortedKeys(params: object): [string, unknown][] {
  return Object.entries(params).sort(([a], [b]) => a.localeCompare(b));
}

function sameRequest(job: JobRow, requestHash: string | undefined): JobRow {
  if (requestHash && job.requestHash !== requestHash) {
    throw new AppError(422, ErrorCode.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was already used with a different request; use a new key for a new job.', {
      job_id: job.id,
    });
  }
  return job;
}

/**
 * The caller's job, or 404 (someone else's job is indistinguishable from a missing one). With a cache (keyed by
 * job id, shared by the process's requests), a job read before and unchanged since is not read again; only found
 * jobs are kept, since an id may be created later, and a cached job is checked against the caller like a read one.
 */
export async function findOwnJob(em: EntityManager, userId: string, jobId: string, cache?: ChangeInvalidatedCache<JobRow | null>): Promise<JobRow> {
  const read = () => new JobQueries(em).findOwn(userId, jobId);
  const found = isUuid(jobId) ? await (cache ? cache.get(jobId, read, (row) => row !== null) : read()) : null;
  const job = found?.userId === userId ? found : null;
  if (!job) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such job.');
  return job;
}

/**
 * Cancels a pending or processing job. A running workflow refunds and records the cancellation itself (this
 * waits up to `waitSeconds` for it); a job whose workflow has stopped is settled here, through the same path
 * as the reconciler. Returns the job as it then stands: canceled, finished first, or still being canceled.
 */
export async function cancelJob(
  em: EntityManager,
  deps: { temporal: Client; taskQueues: TaskQueues },
  userId: string,
  jobId: string,
  waitSeconds: number,
): Promise<JobRow> {
  const job = await findOwnJob(em, userId, jobId);
  if (terminalJobStatuses.includes(job.status)) {
    throw new AppError(409, ErrorCode.JOB_NOT_CANCELABLE, `The job is already ${job.status}.`, { status: job.status });
  }
  const stopped = await cancelUnfinishedJob(deps.temporal, deps.taskQueues.orchestrator, job, 'Canceled by the user', new JobStore(em));
  if (stopped === 'stopping') await waitForWorkflow(deps.temporal, jobId, waitSeconds);
  return findOwnJob(em, userId, jobId);
}

async function waitForWorkflow(temporal: Client, jobId: string, waitSeconds: number): Promise<void> {
  const settled = temporal.workflow.getHandle(jobId).result().catch(() => undefined);
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000).unref())]);
}
