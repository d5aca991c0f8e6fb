import { Migration } from '@mikro-orm/migrations';

/**
 * Jobs run again when an operator resets one that failed for an infrastructure reason: each run is an attempt
 * with its own reservation (ledger reference `<job id>` for the first, `<job id>#<n>` after), counted on the job
 * row in the admission's transaction. Retries, admitted or refused, are kept in `job_attempts` for audit.
 */
export class Migration20270104000000_job_attempts extends Migration {
  override up(): void {
    this.addSql(`alter table jobs add column attempt integer not null default 1 check (attempt >= 1);`);
    // When the current attempt was admitted, if it is a retry (the first attempt began at created_at).
    this.addSql(`alter table jobs add column retried_at timestamptz;`);
    this.addSql(`
      create table job_attempts (
        job_id uuid not null references jobs (id) on delete cascade,
        attempt integer not null check (attempt >= 2),
        outcome text not null check (outcome in ('admitted', 'refused')),
        -- The failure the attempt retried, and why a refused one was refused (e.g. INSUFFICIENT_CREDITS).
        retried_code text not null,
        refused_code text,
        created_at timestamptz not null default now(),
        primary key (job_id, attempt)
      );`);
  }

  override down(): void {
    this.addSql(`drop table job_attempts;`);
    this.addSql(`alter table jobs drop column retried_at;`);
    this.addSql(`alter table jobs drop column attempt;`);
  }
}
