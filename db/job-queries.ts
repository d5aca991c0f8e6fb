import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { JobStatus } from '../domain/jobs.js';
import { Job } from './entities/job.js';

/** A position in a user's newest-first job list: the last job seen. */
export interface JobCursor {
  createdAt: Date;
  id: string;
}

/** Reads of the job read model; every query is scoped to the owner. */
export class JobQueries {
  constructor(private readonly em: EntityManager) {}

  findOwn(userId: string, jobId: string): Promise<Job | null> {
    return this.em.findOne(Job, { id: jobId, userId }, { disableIdentityMap: true });
  }

  /** Newest first, keyset-paginated on (created_at, id) so pages stay stable while jobs are added. */
  listOwn(userId: string, options: { status?: JobStatus | undefined; after?: JobCursor | undefined; limit: number }): Promise<Job[]> {
    const where: FilterQuery<Job> = { userId, ...(options.status ? { status: options.status } : {}) };
    if (options.after) {
      const { createdAt, id } = options.after;
      Object.assign(where, { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }] });
    }
    return this.em.find(Job, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: options.limit, disableIdentityMap: true });
  }

  countInFlight(userId: string): Promise<number> {
    return this.em.count(Job, { userId, status: { $in: ['pending', 'processing'] } });
  }
}
