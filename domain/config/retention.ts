import { z } from 'zod';
import { bool, durationMs } from './env-values.js';

/** How long photos are kept (API and orchestrator: the API refuses expired results, the sweep deletes them). */
export const retentionEnvSchema = z.object({
  /** An upload is deleted this long after the last job that used it ended (or after its creation, if none did). */
  UPLOAD_RETENTION: durationMs.default(86_400_000),
  /** A job's result is deleted this long after the job completed; then the job answers 410 RESULT_EXPIRED. */
  RESULT_RETENTION: durationMs.default(7 * 86_400_000),
});

/** The retention sweep and the S3 lifecycle rules behind it (orchestrator). */
export const retentionSweepEnvSchema = z.object({
  /** How often the Temporal Schedule starts a sweep (it also resumes account deletions that never started). */
  RETENTION_SWEEP_INTERVAL: durationMs.default(3_600_000),
  /** Rows examined per page; pages per workflow run before it continues as new. */
  RETENTION_SWEEP_PAGE_SIZE: z.coerce.number().int().min(1).max(1_000).default(200),
  RETENTION_SWEEP_PAGES_PER_RUN: z.coerce.number().int().min(1).max(1_000).default(50),
  /**
   * Install S3 lifecycle rules at start as a second line of defence: results expire after RESULT_RETENTION and
   * uploads after UPLOAD_MAX_AGE (both rounded up to whole days, S3's unit). Off for stores without lifecycle support.
   */
  RETENTION_S3_LIFECYCLE: bool.default(true),
  /** The longest any upload is kept, whatever its jobs (the lifecycle rule's age for `uploads/`). */
  UPLOAD_MAX_AGE: durationMs.default(30 * 86_400_000),
});
