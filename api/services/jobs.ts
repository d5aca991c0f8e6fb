import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Job } from '../../db/entities/job.js';
import { JobQueries } from '../../db/job-queries.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { creditsCost, type JobParams, type JobType, type ProcessJobInput, terminalJobStatuses } from '../../domain/jobs.js';
import type { TaskQueues } from '../../domain/task-queues.js';
import { cancelJobWorkflow, startJobWorkflow } from '../../integrations/job-workflows.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import { isUuid, jobIdFor } from './ids.js';
import { verifyUpload } from './uploads.js';

export interface JobServiceDeps {
  temporal: Client;
  taskQueues: TaskQueues;
  objectStore: ObjectStore;
  maxJobsInFlight: number;
}

export interface NewJob {
  jobType: JobType;
  inputUploadId: string;
  targetUploadId?: string | undefined;
  params: JobParams;
  idempotencyKey?: string | undefined;
}

/**
 * Creates a job: the same Idempotency-Key returns the same job; the uploads must be the caller's and really
 * in S3; the credits are reserved before this returns (402 otherwise, with nothing left behind).
 */
export async function createJob(em: EntityManager, deps: JobServiceDeps, userId: string, request: NewJob): Promise<{ job: Job; created: boolean }> {
  const queries = new JobQueries(em);
  const jobId = jobIdFor(userId, request.idempotencyKey);
  const existing = request.idempotencyKey ? await queries.findOwn(userId, jobId) : null;
  if (existing) return { job: existing, created: false };

  // A soft limit: simultaneous requests can each pass the count; the per-user submission rate limit bounds that.
  if ((await queries.countInFlight(userId)) >= deps.maxJobsInFlight) {
    throw new AppError(429, ErrorCode.JOBS_IN_FLIGHT_LIMIT, `At most ${deps.maxJobsInFlight} jobs may run at once; wait for one to finish.`, undefined, {
      'Retry-After': '5',
    });
  }
  const input = await verifyUpload(em, deps.objectStore, userId, request.inputUploadId);
  const target = request.targetUploadId ? await verifyUpload(em, deps.objectStore, userId, request.targetUploadId) : undefined;

  const workflowInput: ProcessJobInput = {
    jobId,
    userId,
    jobType: request.jobType,
    params: request.params,
    creditsCost: creditsCost(request.jobType, request.params),
    inputUploadId: input.id,
    inputKey: input.objectKey,
    ...(target ? { targetUploadId: target.id, targetKey: target.objectKey } : {}),
    ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
    inferenceTaskQueue: deps.taskQueues.inference,
  };
  const outcome = await startJobWorkflow(deps.temporal, workflowInput, deps.taskQueues.orchestrator);
  const job = await queries.findOwn(userId, jobId);
  if (!job) throw new Error(`job ${jobId} was ${outcome.admitted ? 'admitted' : 'started before'} but has no row`);
  return { job, created: outcome.admitted };
}

/** The caller's job, or 404 (someone else's job is indistinguishable from a missing one). */
export async function findOwnJob(em: EntityManager, userId: string, jobId: string): Promise<Job> {
  const job = isUuid(jobId) ? await new JobQueries(em).findOwn(userId, jobId) : null;
  if (!job) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such job.');
  return job;
}

/**
 * Cancels a pending or processing job. The workflow refunds and records the cancellation; this waits up to
 * `waitSeconds` for that and returns the job as it then stands (a job that finished first stays finished).
 */
export async function cancelJob(em: EntityManager, temporal: Client, userId: string, jobId: string, waitSeconds: number): Promise<Job> {
  const job = await findOwnJob(em, userId, jobId);
  if (terminalJobStatuses.includes(job.status)) {
    throw new AppError(409, ErrorCode.JOB_NOT_CANCELABLE, `The job is already ${job.status}.`, { status: job.status });
  }
  await cancelJobWorkflow(temporal, jobId);
  const settled = temporal.workflow.getHandle(jobId).result().catch(() => undefined);
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000).unref())]);
  return findOwnJob(em, userId, jobId);
}
