import type { EntityManager } from '@mikro-orm/postgresql';
import { AccountClosedError, InsufficientCreditsError } from '../domain/errors.js';
import { admissionDecision, type AdmissionResult, attemptReference, endedResult, type ExistingJob } from '../domain/jobs/attempts.js';
import type { ProcessJobInput } from '../domain/jobs/contract.js';
import type { JobSettlement } from '../domain/jobs/reconciliation.js';
import { type CreditState, JobFailure, type JobStatus, type JobType, type UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';
import { Ledger } from './ledger.js';

const UNFINISHED = `status in ('pending', 'processing')`;
/** Lock waits inside admission give up well before the whole transaction's budget. */
const ADMISSION_LOCK_TIMEOUT_MS = 2_000;

/** A job whose money or status is still open, as the reconciler pages through them. */
export interface UnsettledJobRow {
  id: string;
  userId: string;
  jobType: JobType;
  status: JobStatus;
  creditState: CreditState;
  createdAt: Date;
}

/**
 * Writes of the job read model, each idempotent so Temporal activity retries and operator resets are safe.
 * Money moves through the Ledger in the same transaction as the job row that explains it.
 */
export class JobStore {
  constructor(private readonly em: EntityManager) {}

  /**
   * Admits the job's current run. The first admission creates the job row and reserves its credits atomically:
   * either both happen or neither (402 path). Under an existing job id it decides from the row (see
   * admissionDecision): a repeated admission, or a reset of a job still running, carries on with the attempt
   * already admitted; a reset of a job that failed for an infrastructure reason admits a new attempt (a fresh
   * reservation, status back to pending) or, when the balance no longer covers it, records the refused attempt
   * and leaves the job as it ended; any other ended job is replayed unchanged. The transaction must end by
   * `deadline` (epoch ms): statement, lock and, where the server has it, transaction timeouts bound it from its
   * first statement, so an attempt its caller has given up on rolls back instead of committing late.
   */
  admit(input: ProcessJobInput, deadline: number): Promise<AdmissionResult> {
    return this.em.transactional(async (em) => {
      // Measured once the connection is ours: waiting for the pool eats into the same budget.
      const budgetMs = deadline - Date.now();
      if (budgetMs <= 0) throw new Error('admission: no time left in this attempt');
      const budget = `${Math.ceil(budgetMs)}ms`;
      await em.execute(
        `select set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true),
                case when current_setting('server_version_num')::int >= 170000 then set_config('transaction_timeout', ?, true) end`,
        [budget, `${Math.min(ADMISSION_LOCK_TIMEOUT_MS, Math.ceil(budgetMs))}ms`, budget],
      );
      // The account row is taken first (the lock a ledger write takes anyway): a deletion that closed it refuses the
      // job here, and one closing it now waits for this commit and then finds the job and stops it.
      const open = await em.execute(`select 1 from users where id = ? and deleted_at is null for no key update`, [input.userId]);
      if (open.length === 0) return this.closedAccountIn(em, input);
      const inserted = await em.execute<{ createdAt: string }[]>(
        `insert into jobs (id, user_id, job_type, status, input_upload_id, target_upload_id, params, credits_cost,
                           credit_state, idempotency_key, request_hash)
         values (?, ?, ?, 'pending', ?, ?, ?::jsonb, ?, 'reserved', ?, ?)
         on conflict do nothing returning created_at as "createdAt"`,
        [
          input.jobId,
          input.userId,
          input.jobType,
          input.inputUploadId,
          input.targetUploadId ?? null,
          JSON.stringify(input.params),
          input.creditsCost,
          input.idempotencyKey ?? null,
          input.requestHash ?? null,
        ],
      );
      const ledger = new Ledger(em);
      const [created] = inserted;
      if (created) {
        const balance = await reserveIn(ledger, input, 1);
        return { created: true, balance, attempt: 1, admittedAt: new Date(created.createdAt).toISOString() };
      }
      const [existing] = await em.execute<(ExistingJob & { admittedAt: string })[]>(
        `select status, credit_state as "creditState", error_code as "errorCode", result_key as "resultKey", attempt,
                coalesce(retried_at, created_at) as "admittedAt"
           from jobs where id = ? for update`,
        [input.jobId],
      );
      // Another job holds this Idempotency-Key: the API serves that one; nothing was admitted here.
      if (!existing) return { created: false, balance: await ledger.balance(input.userId) };
      const current = { created: false, attempt: existing.attempt, admittedAt: new Date(existing.admittedAt).toISOString() };
      const decision = admissionDecision(existing);
      if (decision === 'continue') return { ...current, balance: await ledger.balance(input.userId) };
      if (decision === 'replay') return { ...current, balance: await ledger.balance(input.userId), ended: endedResult(existing) };
      return this.retryIn(em, input, existing);
    });
  }

  /**
   * A closed account gets no job and no retry (AccountClosedError when there is nothing to replay); a reset of
   * one of its ended jobs replays how it ended.
   */
  private async closedAccountIn(em: EntityManager, input: ProcessJobInput): Promise<AdmissionResult> {
    const [job] = await em.execute<(ExistingJob & { admittedAt: string })[]>(
      `select status, error_code as "errorCode", result_key as "resultKey", attempt, coalesce(retried_at, created_at) as "admittedAt"
         from jobs where id = ?`,
      [input.jobId],
    );
    if (!job || job.status === 'pending' || job.status === 'processing') throw new AccountClosedError();
    const retryable = admissionDecision({ ...job, creditState: 'refunded' }) === 'retry';
    return {
      created: false,
      balance: await new Ledger(em).balance(input.userId),
      attempt: job.attempt,
      admittedAt: new Date(job.admittedAt).toISOString(),
      ended: endedResult(job),
      ...(retryable ? { refused: JobFailure.ACCOUNT_CLOSED } : {}),
    };
  }

  /** Admits a new attempt of a job that failed for an infrastructure reason, or records why it could not. */
  private async retryIn(em: EntityManager, input: ProcessJobInput, failed: ExistingJob): Promise<AdmissionResult> {
    const attempt = failed.attempt + 1;
    const ledger = new Ledger(em);
    const recordAttempt = (outcome: 'admitted' | 'refused', refusedCode: JobFailure | null) =>
      em.execute(`insert into job_attempts (job_id, attempt, outcome, retried_code, refused_code) values (?, ?, ?, ?, ?)`, [
        input.jobId,
        attempt,
        outcome,
        failed.errorCode,
        refusedCode,
      ]);
    let balance: number;
    try {
      balance = await reserveIn(ledger, input, attempt);
    } catch (error) {
      if (!(error instanceof InsufficientCreditsError)) throw error;
      // The job keeps the outcome it had; the attempt is counted, so the next retry gets a reference of its own.
      const [row] = await em.execute<{ admittedAt: string }[]>(
        `update jobs set attempt = ? where id = ? returning coalesce(retried_at, created_at) as "admittedAt"`,
        [attempt, input.jobId],
      );
      await recordAttempt('refused', JobFailure.INSUFFICIENT_CREDITS);
      return {
        created: false,
        balance: error.balance,
        attempt,
        admittedAt: new Date(row!.admittedAt).toISOString(),
        ended: endedResult(failed),
        refused: JobFailure.INSUFFICIENT_CREDITS,
      };
    }
    const [row] = await em.execute<{ admittedAt: string }[]>(
      `update jobs set status = 'pending', credit_state = 'reserved', attempt = ?, retried_at = now(), error_code = null,
              error_message = null, result_key = null, progress = 0, stage = null, started_at = null, completed_at = null,
              updated_at = now()
        where id = ? returning retried_at as "admittedAt"`,
      [attempt, input.jobId],
    );
    await recordAttempt('admitted', null);
    return { created: false, retried: true, balance, attempt, admittedAt: new Date(row!.admittedAt).toISOString() };
  }

  /** A worker started on the job; `stage` is what it is doing first. A later attempt changes nothing here. */
  async markProcessing(jobId: string, stage: string): Promise<void> {
    await this.em.execute(
      `update jobs set status = 'processing', stage = ?, started_at = coalesce(started_at, now()), updated_at = now()
        where id = ? and status = 'pending'`,
      [stage, jobId],
    );
  }

  async recordProgress(jobId: string, progress: number, stage: string): Promise<void> {
    await this.em.execute(
      `update jobs set progress = greatest(progress, ?), stage = ?, updated_at = now() where id = ? and ${UNFINISHED}`,
      [Math.min(Math.max(progress, 0), 1), stage, jobId],
    );
  }

  /**
   * Completes the job and makes its reservation a final charge. Returns the job's status afterwards, and what
   * this call charged (null when the job had already ended).
   */
  async complete(jobId: string, resultKey: string): Promise<{ status: JobStatus; charged: { jobType: JobType; credits: number } | null }> {
    const [row] = await this.em.execute<{ status: JobStatus; jobType: JobType; credits: number; now: boolean }[]>(
      `with done as (
         update jobs set status = 'completed', credit_state = case when credit_state = 'reserved' then 'charged' else credit_state end,
                progress = 1, stage = 'done', result_key = ?, completed_at = now(), updated_at = now()
          where id = ? and ${UNFINISHED} returning status, job_type, credits_cost)
       select status, job_type as "jobType", credits_cost as credits, true as now from done
       union all select status, job_type, credits_cost, false from jobs where id = ? and not exists (select 1 from done)`,
      [resultKey, jobId, jobId],
    );
    if (!row) throw new Error(`job ${jobId} does not exist`);
    return { status: row.status, charged: row.now ? { jobType: row.jobType, credits: row.credits } : null };
  }

  /**
   * Records why the job ended without a result; a job that already ended keeps its first outcome. Returns the
   * job's type when this call ended it.
   */
  async finishUnsuccessfully(jobId: string, outcome: UnsuccessfulOutcome): Promise<JobType | null> {
    const [row] = await this.em.execute<{ jobType: JobType }[]>(
      `update jobs set status = ?, error_code = ?, error_message = ?, stage = ?, completed_at = now(), updated_at = now()
        where id = ? and ${UNFINISHED} returning job_type as "jobType"`,
      [outcome.status, outcome.code, outcome.message, outcome.status, jobId],
    );
    return row?.jobType ?? null;
  }

  /**
   * Gives the job's reserved credits back, once, and marks the job refunded in the same transaction.
   * A charged job is never refunded, even when an operator's reset replays a failing branch after completion.
   */
  refund(userId: string, jobId: string): Promise<{ refunded: number }> {
    return this.em.transactional(async (em) => ({ refunded: await refundIn(em, userId, jobId) }));
  }

  /**
   * Ends a job whose workflow can no longer do it (terminated, timed out, never started): refunds a reservation
   * and records the outcome, in one transaction, once. A job that already ended keeps its status; a charged one
   * keeps its charge. Reports what it changed.
   */
  settle(jobId: string, outcome: UnsuccessfulOutcome): Promise<JobSettlement | null> {
    return this.em.transactional(async (em) => {
      const [job] = await em.execute<{ userId: string; jobType: JobType; status: JobStatus; creditState: CreditState }[]>(
        `select user_id as "userId", job_type as "jobType", status, credit_state as "creditState" from jobs where id = ? for update`,
        [jobId],
      );
      if (!job) return null;
      const refunded = await refundIn(em, job.userId, jobId);
      const finished = job.status === 'pending' || job.status === 'processing';
      if (finished) await new JobStore(em).finishUnsuccessfully(jobId, outcome);
      return {
        jobType: job.jobType,
        refunded,
        finished,
        status: finished ? outcome.status : job.status,
        creditState: job.creditState === 'reserved' ? 'refunded' : job.creditState,
      };
    });
  }

  /**
   * Jobs whose credits are still reserved although their attempt was admitted more than `olderThanMs` ago (a retry
   * counts from its own admission).
   */
  async countStaleReservations(olderThanMs: number): Promise<number> {
    const [row] = await this.em.execute<{ count: number }[]>(
      `select count(*)::int as count from jobs
        where credit_state = 'reserved' and coalesce(retried_at, created_at) < now() - make_interval(secs => ?)`,
      [olderThanMs / 1000],
    );
    return row?.count ?? 0;
  }

  /** Jobs (created before `createdBefore`, if given) whose credits are still reserved or whose status is still open, oldest first. */
  async findUnsettled(options: {
    createdBefore?: Date | undefined;
    after?: { createdAt: Date; id: string } | undefined;
    limit: number;
    /** Only this user's jobs (an operator's targeted pass). */
    userId?: string | undefined;
  }): Promise<UnsettledJobRow[]> {
    const { createdBefore, after, limit, userId } = options;
    const rows = await this.em.execute<(Omit<UnsettledJobRow, 'createdAt'> & { createdAt: string })[]>(
      `select id, user_id as "userId", job_type as "jobType", status, credit_state as "creditState", created_at as "createdAt" from jobs
        where (credit_state = 'reserved' or ${UNFINISHED}) ${createdBefore ? 'and created_at < ?' : ''}
          ${after ? 'and (created_at, id) > (?, ?)' : ''} ${userId ? 'and user_id = ?' : ''}
        order by created_at, id limit ?`,
      [...(createdBefore ? [createdBefore] : []), ...(after ? [after.createdAt, after.id] : []), ...(userId ? [userId] : []), limit],
    );
    // The driver hands timestamps over as strings (MikroORM keeps time zones its own way).
    return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt) }));
  }
}

/**
 * The refund step shared by the workflow's compensation and settlement: locks the row, refunds a reservation
 * once. Returns the credits this call gave back (0 when there was nothing left to refund).
 */
async function refundIn(em: EntityManager, userId: string, jobId: string): Promise<number> {
  const [job] = await em.execute<{ creditState: CreditState; attempt: number }[]>(
    `select credit_state as "creditState", attempt from jobs where id = ? and user_id = ? for update`,
    [jobId, userId],
  );
  if (job?.creditState !== 'reserved') return 0;
  // The reservation held is the current attempt's: earlier attempts were settled before it was admitted.
  const outcome = await new Ledger(em).refund(userId, attemptReference(jobId, job.attempt));
  await em.execute(`update jobs set credit_state = 'refunded', updated_at = now() where id = ?`, [jobId]);
  return outcome.applied ? outcome.amount : 0;
}

/** Reserves an attempt's credits under its own reference; returns the balance afterwards. */
async function reserveIn(ledger: Ledger, input: ProcessJobInput, attempt: number): Promise<number> {
  if (input.creditsCost === 0) return ledger.balance(input.userId);
  return (await ledger.reserve(input.userId, input.creditsCost, attemptReference(input.jobId, attempt))).balance;
}
