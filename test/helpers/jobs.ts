import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DEFAULT_JOB_DEADLINES, type JobDeadlines, type ProcessJobInput } from '../../domain/jobs/contract.js';
import { parseJobSpec, type JobSpecInput } from '../../domain/jobs/parameters.js';
import { creditsCost, planJob } from '../../domain/jobs/plan.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import { storedUpload } from './uploads.js';

/** The workflow input the API would build for `spec` on a stored copy of `image`. */
export async function jobInput(
  deps: { orm: MikroORM; objectStore: ObjectStore; inferenceTaskQueue: string },
  userId: string,
  requested: JobSpecInput,
  image: Buffer,
  deadlines: JobDeadlines = DEFAULT_JOB_DEADLINES,
): Promise<ProcessJobInput> {
  const upload = await storedUpload(deps.orm, deps.objectStore, userId, image);
  const spec = parseJobSpec(requested.jobType, requested.params);
  return {
    ...spec,
    jobId: randomUUID(),
    userId,
    creditsCost: creditsCost(planJob(spec)),
    inputUploadId: upload.id,
    inputKey: upload.key,
    inferenceTaskQueue: deps.inferenceTaskQueue,
    deadlines,
  };
}

/**
 * A ×2 upscale's workflow input with made-up ids, for workflows run against scripted activities (no row, no upload
 * behind it).
 */
export function scriptedJobInput(inferenceTaskQueue: string, deadlines: JobDeadlines = { queueSeconds: 60, lifetimeSeconds: 120 }): ProcessJobInput {
  return {
    jobId: randomUUID(),
    userId: randomUUID(),
    jobType: 'upscale',
    params: { scale_factor: 2, face_enhance: false },
    creditsCost: 1,
    inputUploadId: randomUUID(),
    inputKey: 'uploads/u/i',
    inferenceTaskQueue,
    deadlines,
  };
}

export async function jobRow(orm: MikroORM, jobId: string) {
  const [row] = await orm.em.fork().execute<Record<string, unknown>[]>(
    `select status, credit_state, error_code, result_key, progress from jobs where id = ?`,
    [jobId],
  );
  return row;
}

export async function balanceOf(orm: MikroORM, userId: string): Promise<number> {
  const [row] = await orm.em.fork().execute<{ credits: number }[]>(`select credits from users where id = ?`, [userId]);
  return row!.credits;
}

/** The ledger entry types that reference a job, sorted. */
export async function ledgerEntries(orm: MikroORM, jobId: string): Promise<string[]> {
  const rows = await orm.em.fork().execute<{ type: string }[]>(`select type from credit_transactions where reference = ? order by type`, [jobId]);
  return rows.map((row) => row.type);
}
