import type { ProcessJobResult } from './contract.js';
import { type CreditState, JobFailure, type JobStatus } from './vocabulary.js';

/**
 * Attempts: an operator's reset of a job that failed for an infrastructure reason runs it again, as a new attempt
 * with its own reservation and exactly one charge or refund. Dependency-free, so workflow code imports it too.
 */

/** Failures where the infrastructure gave up, not the job: a reset retries them. Every other outcome is final. */
export const RETRYABLE_FAILURES: readonly JobFailure[] = [
  JobFailure.INFERENCE_FAILED,
  JobFailure.INTERNAL,
  JobFailure.NO_CAPACITY,
  JobFailure.DEADLINE_EXCEEDED,
  JobFailure.ABANDONED,
];

/**
 * The ledger reference of an attempt's money: the job id for the first attempt (as before attempts existed, so
 * every earlier reservation stays valid), `<job id>#<n>` for the n-th.
 */
export function attemptReference(jobId: string, attempt: number): string {
  return attempt <= 1 ? jobId : `${jobId}#${attempt}`;
}

/** What admission finds under the job's id, read under the row's lock. */
export interface ExistingJob {
  status: JobStatus;
  creditState: CreditState;
  errorCode: JobFailure | null;
  resultKey: string | null;
  attempt: number;
}

/**
 * What admission does: `create` the job (its first attempt), `continue` the attempt already admitted (a repeated
 * admission, or a reset of a job still running), `retry` a job that failed for an infrastructure reason (a new
 * attempt), or `replay` a final outcome unchanged.
 */
export type AdmissionDecision = 'create' | 'continue' | 'retry' | 'replay';

export function admissionDecision(existing: ExistingJob | undefined): AdmissionDecision {
  if (!existing) return 'create';
  if (existing.status === 'pending' || existing.status === 'processing') return 'continue';
  // A failed job whose money is still held (never seen: refund and status move together) is left to settle first.
  const settled = existing.creditState !== 'reserved';
  if (existing.status === 'failed' && settled && existing.errorCode && RETRYABLE_FAILURES.includes(existing.errorCode)) return 'retry';
  return 'replay';
}

/** How a job ended, as its workflow reports it, from its row. */
export function endedResult(job: Pick<ExistingJob, 'status' | 'errorCode' | 'resultKey'>): ProcessJobResult {
  if (job.status === 'completed') return { status: 'completed', ...(job.resultKey ? { resultKey: job.resultKey } : {}) };
  if (job.status === 'failed' || job.status === 'canceled') return { status: job.status, errorCode: job.errorCode ?? JobFailure.INTERNAL };
  throw new Error(`a ${job.status} job has not ended`);
}

/** What the job workflow learns from admission. */
export interface AdmissionResult {
  /** This call created the job (its first attempt). */
  created: boolean;
  /** This call admitted a new attempt of a job that had failed (a reset's retry). */
  retried?: boolean;
  balance: number;
  /** The attempt the run carries on with. Absent in results recorded before attempts. */
  attempt?: number;
  /** When that attempt was admitted (ISO 8601): the job's deadlines count from here. */
  admittedAt?: string;
  /** The job has ended and this admission did not start it again: the run replays this outcome. */
  ended?: ProcessJobResult;
  /** Why a retry was refused (the job keeps its outcome): e.g. INSUFFICIENT_CREDITS. */
  refused?: JobFailure;
}
