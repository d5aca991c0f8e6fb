import type { EntityManager } from '@mikro-orm/postgresql';
import { FLEET_MEMORY_MS, LIVE_WITHIN_MS, type WorkerCapabilities } from '../domain/jobs/capabilities.js';

/**
 * `inference_workers`: what each inference worker can run on its task queue, and when it last said so. Times are
 * the database's, so workers and API agree on what "recently" means whatever their clocks say.
 */
export class InferenceWorkers {
  constructor(private readonly em: EntityManager) {}

  /** Records (or refreshes) a worker's capabilities, seen now; rows of workers gone for longer than the fleet memory go. */
  async advertise(workerId: string, taskQueue: string, capabilities: WorkerCapabilities): Promise<void> {
    await this.em.execute(
      `insert into inference_workers (worker_id, task_queue, capabilities) values (?, ?, ?::jsonb)
       on conflict (worker_id) do update set task_queue = excluded.task_queue, capabilities = excluded.capabilities, seen_at = now()`,
      [workerId, taskQueue, JSON.stringify(capabilities)],
    );
    await this.em.execute(`delete from inference_workers where seen_at < now() - ? * interval '1 millisecond'`, [FLEET_MEMORY_MS]);
  }

  /**
   * The fleet a job on `taskQueue` meets: the workers seen within LIVE_WITHIN_MS, or, when none is live (scaled to
   * zero), those seen within FLEET_MEMORY_MS. Empty: nothing has served the queue for that long.
   */
  async fleet(taskQueue: string): Promise<WorkerCapabilities[]> {
    const rows = await this.em.execute<{ capabilities: WorkerCapabilities; live: boolean }[]>(
      `select capabilities, seen_at > now() - ? * interval '1 millisecond' as live from inference_workers
       where task_queue = ? and seen_at > now() - ? * interval '1 millisecond'`,
      [LIVE_WITHIN_MS, taskQueue, FLEET_MEMORY_MS],
    );
    const live = rows.filter((row) => row.live);
    return (live.length > 0 ? live : rows).map((row) => row.capabilities);
  }
}
