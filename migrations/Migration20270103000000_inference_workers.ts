import { Migration } from '@mikro-orm/migrations';

/**
 * What each live inference worker can run (domain/jobs/capabilities.ts), per task queue: a worker upserts its row
 * when it starts polling and refreshes `seen_at` while it runs; the API prices and admits jobs by the rows seen
 * recently, so a job no live worker can run is refused before anything is charged.
 */
export class Migration20270103000000_inference_workers extends Migration {
  override up(): void {
    this.addSql(`
      create table inference_workers (
        worker_id text primary key,
        task_queue text not null,
        capabilities jsonb not null,
        started_at timestamptz not null default now(),
        seen_at timestamptz not null default now()
      );`);
    this.addSql(`create index inference_workers_queue_seen on inference_workers (task_queue, seen_at);`);
  }

  override down(): void {
    this.addSql(`drop table inference_workers;`);
  }
}
