/**
 * The job vocabulary every layer speaks: job types, statuses, where a job's money stands, and why a job failed.
 * Dependency-free, so workflow code imports it too.
 */
export const jobTypes = ['face_restoration', 'face_swap', 'upscale'] as const;
export type JobType = (typeof jobTypes)[number];

export const jobStatuses = ['pending', 'processing', 'completed', 'failed', 'canceled'] as const;
export type JobStatus = (typeof jobStatuses)[number];
export const terminalJobStatuses: readonly JobStatus[] = ['completed', 'failed', 'canceled'];
export const unfinishedJobStatuses: readonly JobStatus[] = ['pending', 'processing'];

/** Where a job's money stands: nothing yet, reserved, charged for good, or given back. */
export const creditStates = ['none', 'reserved', 'charged', 'refunded'] as const;
export type CreditState = (typeof creditStates)[number];

/**
 * Why a job failed. Business failures are final (no retry); INFERENCE_FAILED and INTERNAL mean the
 * infrastructure kept failing after bounded retries; NO_CAPACITY, DEADLINE_EXCEEDED and ABANDONED come from the
 * job's deadlines and the reconciler. Values double as Temporal ApplicationFailure types and API error codes.
 */
export const JobFailure = {
  INSUFFICIENT_CREDITS: 'INSUFFICIENT_CREDITS',
  /** The account was closed (DELETE /auth/me) before admission: no job, no reservation. */
  ACCOUNT_CLOSED: 'ACCOUNT_CLOSED',
  NO_FACE_FOUND: 'NO_FACE_FOUND',
  UNSUPPORTED_IMAGE: 'UNSUPPORTED_IMAGE',
  IMAGE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  MODEL_UNAVAILABLE: 'MODEL_UNAVAILABLE',
  INVALID_PARAMETERS: 'INVALID_PARAMETERS',
  INFERENCE_FAILED: 'INFERENCE_FAILED',
  /** No inference worker started the job within its queueing deadline. */
  NO_CAPACITY: 'NO_CAPACITY',
  /** The job outlived its whole-life deadline. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** Its workflow stopped without settling it (terminated, timed out, never started); the reconciler did. */
  ABANDONED: 'ABANDONED',
  CANCELED: 'CANCELED',
  INTERNAL: 'INTERNAL',
} as const;
export type JobFailure = (typeof JobFailure)[keyof typeof JobFailure];

/** How a job ended without a result: the status, its stable code and a message safe to show the user. */
export interface UnsuccessfulOutcome {
  status: Extract<JobStatus, 'failed' | 'canceled'>;
  code: JobFailure;
  message: string;
}

/** The outcomes whose message says all there is to say: the same words whoever records them. */
export const FIXED_OUTCOMES = {
  CANCELED: { status: 'canceled', code: JobFailure.CANCELED, message: 'The job was canceled.' },
  NO_CAPACITY: { status: 'failed', code: JobFailure.NO_CAPACITY, message: 'No processing capacity was free in time; no credits were charged. Try again later.' },
  DEADLINE_EXCEEDED: { status: 'failed', code: JobFailure.DEADLINE_EXCEEDED, message: 'Processing took longer than allowed; no credits were charged.' },
  ABANDONED: { status: 'failed', code: JobFailure.ABANDONED, message: 'Processing stopped before the job could finish; no credits were charged.' },
} as const satisfies Record<string, UnsuccessfulOutcome>;
