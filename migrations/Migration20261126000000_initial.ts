import { Migration } from '@mikro-orm/migrations';

/** Users, uploads, jobs, the credit ledger and store subscriptions. */
export class Migration20261126000000_initial extends Migration {
  override up(): void {
    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null,
        password_hash text not null,
        credits integer not null default 0 constraint users_credits_non_negative check (credits >= 0),
        subscription_status text not null default 'inactive'
          check (subscription_status in ('inactive', 'active', 'grace_period', 'billing_retry', 'expired', 'revoked')),
        subscription_expires_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create unique index users_email_lower_unique on users (lower(email));`);

    this.addSql(`
      create table uploads (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        object_key text not null unique,
        filename text not null,
        content_type text not null,
        declared_size integer not null check (declared_size > 0),
        status text not null default 'pending' check (status in ('pending', 'verified')),
        verified_size integer,
        expires_at timestamptz not null,
        created_at timestamptz not null default now(),
        verified_at timestamptz
      );`);
    this.addSql(`create index uploads_user_created on uploads (user_id, created_at desc);`);

    this.addSql(`
      create table jobs (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        job_type text not null check (job_type in ('face_restoration', 'face_swap', 'upscale')),
        status text not null default 'pending'
          check (status in ('pending', 'processing', 'completed', 'failed', 'canceled')),
        progress double precision not null default 0 check (progress >= 0 and progress <= 1),
        stage text,
        input_upload_id uuid not null references uploads (id),
        target_upload_id uuid references uploads (id),
        params jsonb not null default '{}'::jsonb,
        credits_cost integer not null check (credits_cost >= 0),
        credit_state text not null default 'none' check (credit_state in ('none', 'reserved', 'charged', 'refunded')),
        result_key text,
        error_code text,
        error_message text,
        idempotency_key text,
        -- Millisecond precision: the list cursor carries created_at through JSON without losing ties.
        created_at timestamptz(3) not null default now(),
        updated_at timestamptz not null default now(),
        started_at timestamptz,
        completed_at timestamptz
      );`);
    this.addSql(`create unique index jobs_user_idempotency_key_unique on jobs (user_id, idempotency_key) where idempotency_key is not null;`);
    // GET /jobs: a user's jobs newest first (keyset pagination on (created_at, id)), optionally by status.
    this.addSql(`create index jobs_user_created on jobs (user_id, created_at desc, id desc);`);
    this.addSql(`create index jobs_user_status_created on jobs (user_id, status, created_at desc, id desc);`);
    // Per-user in-flight limit counts unfinished jobs.
    this.addSql(`create index jobs_user_in_flight on jobs (user_id) where status in ('pending', 'processing');`);

    this.addSql(`
      create table credit_transactions (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        amount integer not null check (amount <> 0),
        type text not null check (type in
          ('signup_bonus', 'purchase', 'subscription_grant', 'job_reserve', 'job_refund', 'revocation', 'adjustment')),
        reference text not null,
        metadata jsonb not null default '{}'::jsonb,
        created_at timestamptz not null default now(),
        constraint credit_transactions_type_reference_unique unique (type, reference)
      );`);
    this.addSql(`create index credit_transactions_user_created on credit_transactions (user_id, created_at desc);`);
    // The ledger is append-only: history is corrected by new entries, never by edits.
    this.addSql(`
      create function credit_transactions_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'credit_transactions is append-only';
      end $$;`);
    this.addSql(`
      create trigger credit_transactions_no_update_delete before update or delete on credit_transactions
        for each row execute function credit_transactions_append_only();`);

    this.addSql(`
      create table subscriptions (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        store text not null check (store in ('apple', 'google')),
        product_id text not null,
        store_reference text not null,
        latest_transaction_id text not null,
        status text not null check (status in ('active', 'grace_period', 'billing_retry', 'expired', 'revoked', 'paused')),
        expires_at timestamptz not null,
        environment text not null check (environment in ('production', 'sandbox')),
        auto_renew boolean not null default true,
        last_checked_at timestamptz,
        next_check_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint subscriptions_store_reference_unique unique (store, store_reference),
        constraint subscriptions_latest_transaction_unique unique (store, latest_transaction_id)
      );`);
    this.addSql(`create index subscriptions_user on subscriptions (user_id);`);
    // The renewal sweep pages through subscriptions due for a re-check.
    this.addSql(`create index subscriptions_due on subscriptions (next_check_at, id) where status <> 'revoked';`);
  }

  override down(): void {
    this.addSql(`drop table if exists subscriptions;`);
    this.addSql(`drop table if exists credit_transactions;`);
    this.addSql(`drop function if exists credit_transactions_append_only();`);
    this.addSql(`drop table if exists jobs;`);
    this.addSql(`drop table if exists uploads;`);
    this.addSql(`drop table if exists users;`);
  }
}
