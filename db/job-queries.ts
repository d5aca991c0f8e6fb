import type { EntityManager } from '@mikro-orm/postgresql';
import type { JobParameters } from '../domain/jobs/parameters.js';
import type { CreditState, JobFailure, JobStatus, JobType } from '../domain/jobs/vocabulary.js';

/** A job as the API shows it: one row of `jobs`, read with plain SQL (no entity hydration on the hot read path). */
export interface JobRow {
  id: string;
  userId: string;
  jobType: JobType;
  status: JobStatus;
  progress: number;
  stage: string | null;
  params: JobParameters;
  creditsCost: number;
  creditState: CreditState;
  resultKey: string | null;
  errorCode: JobFailure | null;
  errorMessage: string | null;
  requestHash: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

const JOB_COLUMNS = `id, user_id as "userId", job_type as "jobType", status, progress, stage, params, credits_cost as "creditsCost",
  credit_state as "creditState", result_key as "resultKey", error_code as "errorCode", error_message as "errorMessage",
  request_hash as "requestHash", created_at as "createdAt", completed_at as "completedAt"`;

/** The driver hands timestamps over as strings (MikroORM keeps time zones its own way). */
type RawJobRow = Omit<JobRow, 'createdAt' | 'completedAt'> & { createdAt: string; completedAt: string | null };

function toJobRow(row: RawJobRow): JobRow {
  return { ...row, createdAt: new Date(row.createdAt), completedAt: row.completedAt ? new Date(row.completedAt) : null };
}

/** A position in a user's newest-first job list: the last job seen. */
export interface JobCursor {
  createdAt: Date;
  id: string;
}

/** Reads of the job read model; every query is scoped to the owner. */
export class JobQueries {
  constructor(private readonly em: EntityManager) {}

  async findOwn(userId: string, jobId: string): Promise<JobRow | null> {
    const [row] = await this.em.execute<RawJobRow[]>(`select ${JOB_COLUMNS} from jobs where id = ? and user_id = ?`, [jobId, userId]);
    return row ? toJobRow(row) : null;
  }

  /** Newest first, keyset-paginated on (created_at, id) so pages stay stable while jobs are added. */
  async listOwn(userId: string, options: { status?: JobStatus | undefined; after?: JobCursor | undefined; limit: number }): Promise<JobRow[]> {
    const { status, after, limit } = options;
    const rows = await this.em.execute<RawJobRow[]>(
      `select ${JOB_COLUMNS} from jobs
        where user_id = ? ${status ? 'and status = ?' : ''} ${after ? 'and (created_at, id) < (?, ?)' : ''}
        order by created_at desc, id desc limit ?`,
      [userId, ...(status ? [status] : []), ...(after ? [after.createdAt, after.id] : []), limit],
    );
    return rows.map(toJobRow);
  }

  async countInFlight(userId: string): Promise<number> {
    const [row] = await this.em.execute<{ count: number }[]>(
      `select count(*)::int as count from jobs where user_id = ? and status in ('pending', 'processing')`,
      [userId],
    );
    return row?.count ?? 0;
  }
}
