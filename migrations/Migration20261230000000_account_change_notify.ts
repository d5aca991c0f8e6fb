import { Migration } from '@mikro-orm/migrations';

/**
 * Closing an account is announced on `account_changed` (payload: the user id), delivered at commit, so API
 * processes that cache which accounts are open forget it at once. Only `deleted_at` matters to them.
 */
export class Migration20261230000000_account_change_notify extends Migration {
  override up(): void {
    this.addSql(`
      create function users_notify_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('account_changed', coalesce(new.id, old.id)::text);
        return null;
      end $$;`);
    this.addSql(`
      create trigger users_notify_closed after update of deleted_at on users
        for each row when (old.deleted_at is distinct from new.deleted_at) execute function users_notify_change();`);
    this.addSql(`create trigger users_notify_deleted after delete on users for each row execute function users_notify_change();`);
    // Jobs announced their updates only; a deleted row must be forgotten too.
    this.addSql(`
      create or replace function jobs_notify_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('job_changed', coalesce(new.id, old.id)::text);
        return null;
      end $$;`);
    this.addSql(`create trigger jobs_notify_deleted after delete on jobs for each row execute function jobs_notify_change();`);
  }

  override down(): void {
    this.addSql(`drop trigger if exists jobs_notify_deleted on jobs;`);
    this.addSql(`drop trigger if exists users_notify_deleted on users;`);
    this.addSql(`drop trigger if exists users_notify_closed on users;`);
    this.addSql(`drop function if exists users_notify_change();`);
  }
}
