import type { EntityManager } from '@mikro-orm/postgresql';

/** An object the retention sweep deletes, with the row that points at it. */
export interface ExpiredObject {
  id: string;
  key: string;
}

/** The rows behind the retention sweep: uploads and results past their retention period. */
export class RetentionStore {
  constructor(private readonly em: EntityManager) {}

  /**
   * Uploads not purged yet whose last job ended more than `retentionMs` ago (uploads no job used: created that
   * long ago). An upload an unfinished job uses is never due.
   */
  expiredUploads(retentionMs: number, limit: number): Promise<ExpiredObject[]> {
    return this.em.execute<ExpiredObject[]>(
      `select u.id, u.object_key as key from uploads u
        where u.purged_at is null and u.created_at < now() - ? * interval '1 millisecond'
          and not exists (
            select 1 from jobs j where (j.input_upload_id = u.id or j.target_upload_id = u.id)
               and (j.status in ('pending', 'processing') or j.completed_at >= now() - ? * interval '1 millisecond'))
        order by u.created_at limit ?`,
      [retentionMs, retentionMs, limit],
    );
  }

  async markUploadsPurged(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.em.execute(`update uploads set purged_at = now() where id in (?)`, [ids]);
  }

  /** Completed jobs whose result is older than `retentionMs` and still stored. */
  expiredResults(retentionMs: number, limit: number): Promise<ExpiredObject[]> {
    return this.em.execute<ExpiredObject[]>(
      `select id, result_key as key from jobs
        where result_key is not null and result_deleted_at is null and completed_at < now() - ? * interval '1 millisecond'
        order by completed_at limit ?`,
      [retentionMs, limit],
    );
  }

  /** The job keeps its row (the ledger refers to it) but no longer points at a result. */
  async markResultsDeleted(ids: string[]): Promise<void> {
    if (ids.length > 0) {
      await this.em.execute(`update jobs set result_key = null, result_deleted_at = now(), updated_at = now() where id in (?)`, [ids]);
    }
  }
}
