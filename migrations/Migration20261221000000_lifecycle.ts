import { Migration } from '@mikro-orm/migrations';

/** Account deletion, retention of uploads and results, and push tokens (docs/privacy.md). */
export class Migration20261221000000_lifecycle extends Migration {
  override up(): void {
    // deleted_at: the account is closed (refused at once); erased_at: its personal data and objects are gone.
    // The row itself stays: the ledger and store records that accounting needs still reference its id.
    this.addSql(`alter table users add column deleted_at timestamptz, add column erased_at timestamptz;`);
    this.addSql(`create index users_erasure_pending on users (deleted_at) where deleted_at is not null and erased_at is null;`);

    // Retention: when the sweep deleted an upload's object, and a job's result object.
    this.addSql(`alter table uploads add column purged_at timestamptz;`);
    this.addSql(`create index uploads_unpurged on uploads (created_at) where purged_at is null;`);
    this.addSql(`create index jobs_input_upload on jobs (input_upload_id);`);
    this.addSql(`create index jobs_target_upload on jobs (target_upload_id) where target_upload_id is not null;`);
    this.addSql(`alter table jobs add column result_deleted_at timestamptz;`);
    this.addSql(`create index jobs_result_retention on jobs (completed_at) where result_key is not null and result_deleted_at is null;`);

    // A push token identifies an app install, so it belongs to one account at a time: the latest to register it.
    this.addSql(`
      create table devices (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        platform text not null check (platform in ('ios', 'android')),
        token text not null,
        apns_environment text check (apns_environment in ('sandbox', 'production')),
        created_at timestamptz not null default now(),
        registered_at timestamptz not null default now(),
        constraint devices_platform_token_unique unique (platform, token),
        constraint devices_apns_environment check ((platform = 'ios') = (apns_environment is not null))
      );`);
    this.addSql(`create index devices_user on devices (user_id, registered_at);`);
  }

  override down(): void {
    this.addSql(`drop table if exists devices;`);
    this.addSql(`drop index if exists jobs_result_retention;`);
    this.addSql(`alter table jobs drop column if exists result_deleted_at;`);
    this.addSql(`drop index if exists jobs_target_upload;`);
    this.addSql(`drop index if exists jobs_input_upload;`);
    this.addSql(`drop index if exists uploads_unpurged;`);
    this.addSql(`alter table uploads drop column if exists purged_at;`);
    this.addSql(`drop index if exists users_erasure_pending;`);
    this.addSql(`alter table users drop column if exists deleted_at, drop column if exists erased_at;`);
  }
}
