import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to a job row is announced on the `job_changed` channel (payload: the job id), delivered at
 * commit, so live progress streams wait for changes instead of polling, whichever process wrote them.
 */
export class Migration20261202000000_job_change_notify extends Migration {
  override up(): void {
    this.addSql(`
      create function jobs_notify_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('job_changed', new.id::text);
        return null;
      end $$;`);
    this.addSql(`
      create trigger jobs_notify_change after update on jobs
        for each row when (old.* is distinct from new.*) execute function jobs_notify_change();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists jobs_notify_change on jobs;`);
    this.addSql(`drop function if exists jobs_notify_change();`);
  }
}
