import { Migration } from '@mikro-orm/migrations';

/** Store transactions bound to accounts, processed store notifications, and ordering of subscription updates. */
export class Migration20261201000000_billing extends Migration {
  override up(): void {
    // One row per store transaction (Apple transactionId, Google orderId) ever accepted: the first account to
    // present it owns it; `credits` is what it earned, which is what a refund takes back.
    this.addSql(`
      create table store_transactions (
        store text not null check (store in ('apple', 'google')),
        transaction_id text not null,
        user_id uuid not null references users (id) on delete cascade,
        product_id text not null,
        kind text not null check (kind in ('consumable', 'subscription')),
        original_reference text not null,
        environment text not null check (environment in ('production', 'sandbox')),
        credits integer not null default 0 check (credits >= 0),
        revoked_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (store, transaction_id)
      );`);
    this.addSql(`create index store_transactions_user on store_transactions (user_id);`);
    this.addSql(`create index store_transactions_original on store_transactions (store, original_reference);`);

    // Store notifications are delivered at least once; each is acted on once.
    this.addSql(`
      create table store_notifications (
        store text not null check (store in ('apple', 'google')),
        notification_id text not null,
        notification_type text not null,
        received_at timestamptz not null default now(),
        primary key (store, notification_id)
      );`);

    // Notifications and sweeps race; the store's newer view of a subscription always wins.
    this.addSql(`alter table subscriptions add column observed_at timestamptz not null default '-infinity';`);
  }

  override down(): void {
    this.addSql(`alter table subscriptions drop column if exists observed_at;`);
    this.addSql(`drop table if exists store_notifications;`);
    this.addSql(`drop table if exists store_transactions;`);
  }
}
