import { Migration } from '@mikro-orm/migrations';

/** Idempotency-Key fingerprints, and the index the reconciler pages unsettled jobs through. */
export class Migration20261211000000_job_settlement extends Migration {
  override up(): void {
    this.addSql(`alter table jobs add column request_hash text;`);
    // Jobs whose money or status is still open: few at any time, so the reconciler's sweep reads a small index.
    this.addSql(`create index jobs_unsettled on jobs (created_at, id) where credit_state = 'reserved' or status in ('pending', 'processing');`);
  }

  override down(): void {
    this.addSql(`drop index jobs_unsettled;`);
    this.addSql(`alter table jobs drop column request_hash;`);
  }
}
