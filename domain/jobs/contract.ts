import type { JobSpec } from './parameters.js';
import type { JobFailure, JobStatus } from './vocabulary.js';

/** How long a job may wait for an inference worker to start it, and how long it may live in all. */
export interface JobDeadlines {
  queueSeconds: number;
  lifetimeSeconds: number;
}

/** The deadlines when none are configured (JOB_QUEUE_TIMEOUT, JOB_LIFETIME), and for histories that predate them. */
export const DEFAULT_JOB_DEADLINES: JobDeadlines = { queueSeconds: 600, lifetimeSeconds: 1800 };
/**
 * The longest a job step may run: the inference activity's start-to-close timeout (workflows/process-job.workflow.ts).
 * An inference worker told to stop gives in-flight jobs this long to finish (WORKER_SHUTDOWN_GRACE's default there).
 */
export const LONGEST_JOB_STEP_MS = 15 * 60_000;

/** How long the API waits for a job's admission by default (JOB_ADMISSION_TIMEOUT); the admission's own retries fit in it. */
export const DEFAULT_ADMISSION_TIMEOUT_MS = 10_000;

/** What the API hands the job workflow. Keys, never image bytes: payloads stay small. */
export type ProcessJobInput = JobSpec & {
  jobId: string;
  userId: string;
  creditsCost: number;
  inputUploadId: string;
  inputKey: string;
  targetUploadId?: string;
  targetKey?: string;
  idempotencyKey?: string;
  /** Fingerprint of the request an Idempotency-Key was first used with: the same key with another request is refused. */
  requestHash?: string;
  inferenceTaskQueue: string;
  /** Absent only in histories started before jobs carried deadlines. */
  deadlines?: JobDeadlines;
  /**
   * When the API stops waiting for the admission (epoch ms): past it, admission is refused and nothing is
   * reserved, so a request the API answered 503 never starts a job later. Absent in histories before it.
   */
  admitBy?: number;
};

export interface ProcessJobResult {
  status: Extract<JobStatus, 'completed' | 'failed' | 'canceled'>;
  resultKey?: string;
  errorCode?: JobFailure;
}

/** Just the spec of something that carries one (e.g. the workflow input), to pass on without the rest. */
export function specOf(carrier: JobSpec): JobSpec {
  return { jobType: carrier.jobType, params: carrier.params } as JobSpec;
}
