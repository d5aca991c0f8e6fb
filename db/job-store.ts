import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobFailure, JobStatus, ProcessJobInput } from '../domain/jobs.js';
import { Ledger, type LedgerOutcome } from './ledger.js';

const UNFINISHED = `status in ('pending', 'processing')`;

/**
 * Writes of the job read model, each idempotent so Temporal activity retries and operator resets are safe.
 * Money moves through the Ledger in the same transaction as the job row that explains it.
 */
export class JobStore {
  constructor(private readonly em: EntityManager) {}

  /**
   * Creates the job row and reserves its credits atomically: either both happen or neither (402 path).
   * Repeating it for the same job id changes nothing and reports the first outcome.
   */
  admit(input: ProcessJobInput): Promise<{ created: boolean; balance: number }> {
    return this.em.transactional(async (em) => {
      const inserted = await em.execute(
        `insert into jobs (id, user_id, job_type, status, input_upload_id, target_upload_id, params, credits_cost,
                           credit_state, idempotency_key)
         values (?, ?, ?, 'pending', ?, ?, ?::jsonb, ?, 'reserved', ?)
         on conflict do nothing returning id`,
        [
          input.jobId,
          input.userId,
          input.jobType,
          input.inputUploadId,
          input.targetUploadId ?? null,
          JSON.stringify(input.params),
          input.creditsCost,
          input.idempotencyKey ?? null,
        ],
      );
      const ledger = new Ledger(em);
      if (inserted.length === 0) return { created: false, balance: await ledger.balance(input.userId) };
      const reservation: LedgerOutcome =
        input.creditsCost > 0
          ? await ledger.reserve(input.userId, input.creditsCost, input.jobId)
          : { applied: false, amount: 0, balance: await ledger.balance(input.userId) };
      return { created: true, balance: reservation.balance };
    });
  }

  async markProcessing(jobId: string): Promise<void> {
    await this.em.execute(
      `update jobs set status = 'processing', stage = coalesce(stage, 'queued'), started_at = coalesce(started_at, now()),
              updated_at = now()
        where id = ? and status = 'pending'`,
      [jobId],
    );
  }

  async recordProgress(jobId: string, progress: number, stage: string): Promise<void> {
    await this.em.execute(
      `update jobs set progress = greatest(progress, ?), stage = ?, updated_at = now() where id = ? and ${UNFINISHED}`,
      [Math.min(Math.max(progress, 0), 1), stage, jobId],
    );
  }

  /** Completes the job and makes its reservation a final charge. Returns the job's status afterwards. */
  async complete(jobId: string, resultKey: string): Promise<JobStatus> {
    const [row] = await this.em.execute<{ status: JobStatus }[]>(
      `with done as (
         update jobs set status = 'completed', credit_state = case when credit_state = 'reserved' then 'charged' else credit_state end,
                progress = 1, stage = 'done', result_key = ?, completed_at = now(), updated_at = now()
          where id = ? and ${UNFINISHED} returning status)
       select status from done union all select status from jobs where id = ? and not exists (select 1 from done)`,
      [resultKey, jobId, jobId],
    );
    if (!row) throw new Error(`job ${jobId} does not exist`);
    return row.status;
  }

  /** Records why the job ended without a result; a job that already ended keeps its first outcome. */
  async finishUnsuccessfully(jobId: string, status: Extract<JobStatus, 'failed' | 'canceled'>, code: JobFailure, message: string): Promise<void> {
    await this.em.execute(
      `update jobs set status = ?, error_code = ?, error_message = ?, stage = ?, completed_at = now(), updated_at = now()
        where id = ? and ${UNFINISHED}`,
      [status, code, message, status, jobId],
    );
  }

  /**
   * Gives the job's reserved credits back, once, and marks the job refunded in the same transaction.
   * A charged job is never refunded, even when an operator's reset replays a failing branch after completion.
   */
  refund(userId: string, jobId: string): Promise<{ refunded: boolean }> {
    return this.em.transactional(async (em) => {
      const [job] = await em.execute<{ creditState: string }[]>(
        `select credit_state as "creditState" from jobs where id = ? and user_id = ? for update`,
        [jobId, userId],
      );
      if (job?.creditState !== 'reserved') return { refunded: false };
      const outcome = await new Ledger(em).refund(userId, jobId);
      await em.execute(`update jobs set credit_state = 'refunded', updated_at = now() where id = ?`, [jobId]);
      return { refunded: outcome.applied };
    });
  }
}
