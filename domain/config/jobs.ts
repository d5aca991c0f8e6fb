import { z } from 'zod';
import { DEFAULT_ADMISSION_TIMEOUT_MS, DEFAULT_JOB_DEADLINES } from '../jobs/contract.js';
import { durationMs } from './env-values.js';

/** Job submission limits, deadlines and result delivery (API). */
export const jobsEnvSchema = z.object({
  /** Unfinished (pending or processing) jobs one user may have; more is 429 JOBS_IN_FLIGHT_LIMIT. */
  MAX_JOBS_IN_FLIGHT: z.coerce.number().int().min(1).default(5),
  /** Lifetime of the presigned GET URL in a completed job's `result_url`. */
  RESULT_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(24 * 3600).default(300),
  /** How long POST /jobs/:id/cancel waits for the workflow to settle before answering with the current state. */
  CANCEL_WAIT_SECONDS: z.coerce.number().min(0).max(60).default(10),
  /** How long a job may wait for an inference worker to start it; then it fails NO_CAPACITY and is refunded. */
  JOB_QUEUE_TIMEOUT: durationMs.default(DEFAULT_JOB_DEADLINES.queueSeconds * 1000),
  /** How long a job may live in all; then it fails DEADLINE_EXCEEDED and is refunded. */
  JOB_LIFETIME: durationMs.default(DEFAULT_JOB_DEADLINES.lifetimeSeconds * 1000),
  /**
   * How long POST /jobs waits for an orchestrator to admit the job (reserve its credits); then 503 with Retry-After.
   * An admission that would come later is refused, so a request answered 503 never reserves anything.
   */
  JOB_ADMISSION_TIMEOUT: durationMs.default(DEFAULT_ADMISSION_TIMEOUT_MS),
  /** Concurrent live-progress streams (GET /jobs/:id/events) per user and per API process; more is 429. */
  JOB_EVENT_STREAMS_PER_USER: z.coerce.number().int().min(1).default(5),
  JOB_EVENT_STREAMS_TOTAL: z.coerce.number().int().min(1).default(1_000),
});

/** The job reconciler (orchestrator): settles jobs whose workflow stopped without settling them. */
export const reconcilerEnvSchema = z.object({
  /** How often the Temporal Schedule starts a reconciliation pass. */
  JOB_RECONCILE_INTERVAL: durationMs.default(300_000),
  /** Jobs younger than this are left alone (their workflow is normally still starting or running). */
  JOB_RECONCILE_GRACE: durationMs.default(120_000),
  /** Jobs examined per page, pages per workflow run (then it continues as new), and the pause between pages. */
  JOB_RECONCILE_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
  JOB_RECONCILE_PAGES_PER_RUN: z.coerce.number().int().min(1).max(1_000).default(20),
  JOB_RECONCILE_PAGE_PAUSE: durationMs.default(1_000),
});
