import { z } from 'zod';

/** Job submission limits and result delivery (API). */
export const jobsEnvSchema = z.object({
  /** Unfinished (pending or processing) jobs one user may have; more is 429 JOBS_IN_FLIGHT_LIMIT. */
  MAX_JOBS_IN_FLIGHT: z.coerce.number().int().min(1).default(5),
  /** Lifetime of the presigned GET URL in a completed job's `result_url`. */
  RESULT_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(24 * 3600).default(300),
  /** How long POST /jobs/:id/cancel waits for the workflow to settle before answering with the current state. */
  CANCEL_WAIT_SECONDS: z.coerce.number().min(0).max(60).default(10),
});
