import { Migration } from '@mikro-orm/migrations';

/**
 * Store transactions as sets of facts, so the order deliveries arrive in cannot change the outcome: revocations are
 * kept even for transactions nobody has presented yet, each grant fact carries the store's time, and every delivery
 * (store notification or provider webhook) is recorded once with what it did.
 */
export class Migration20270101000000_purchase_facts extends Migration {
  override up(): void {
    // One row per revocation reported for a store transaction, from whichever source and in whichever order: a
    // full refund or revocation makes the transaction (and, for a subscription, its later periods) earn nothing;
    // a partial refund is kept for an operator and changes nothing by itself.
    this.addSql(`
      create table purchase_revocations (
        store text not null check (store in ('apple', 'google', 'stripe')),
        transaction_id text not null,
        source text not null,
        event_id text not null,
        original_reference text,
        partial boolean not null default false,
        reason text not null,
        revoked_at timestamptz not null,
        recorded_at timestamptz not null default now(),
        primary key (store, transaction_id, source, event_id)
      );`);
    this.addSql(`create index purchase_revocations_original on purchase_revocations (store, original_reference) where original_reference is not null;`);

    // A store transaction's grant facts: the store's time of the transaction (a subscription period that starts
    // after a revocation earns nothing), what it is worth and whether any view said it was paid (entitled). The
    // account is null while nobody has presented the purchase: a store notification that arrives first is kept and
    // settles when the app (or a provider naming the account) binds the purchase.
    this.addSql(`
      alter table store_transactions
        add column observed_at timestamptz not null default now(),
        add column worth integer not null default 0 check (worth >= 0),
        add column entitled boolean not null default false,
        alter column user_id drop not null;`);
    this.addSql(`update store_transactions set observed_at = created_at, worth = credits, entitled = credits > 0;`);

    // Every delivery from every source, once per (source, delivery id), with what it did.
    this.addSql(`alter table webhook_events rename to billing_deliveries;`);
    this.addSql(`alter table billing_deliveries rename column event_id to delivery_id;`);
    this.addSql(`alter table billing_deliveries rename constraint webhook_events_pkey to billing_deliveries_pkey;`);
    this.addSql(`alter table billing_deliveries drop constraint webhook_events_source_check;`);
    this.addSql(`alter table billing_deliveries add constraint billing_deliveries_source_check check (source in ('apple', 'google', 'stripe', 'superwall'));`);
    this.addSql(`
      alter table billing_deliveries
        add column reason text,
        add column store text,
        add column transaction_id text,
        add column redeliveries integer not null default 0,
        add column last_delivered_at timestamptz;`);
    this.addSql(`update billing_deliveries set outcome = 'granted' where outcome = 'processed';`);
    this.addSql(`
      insert into billing_deliveries (source, delivery_id, event_type, outcome, received_at)
      select store, notification_id, notification_type, 'processed', received_at from store_notifications;`);
    this.addSql(`drop table store_notifications;`);
    this.addSql(`create index billing_deliveries_outcome on billing_deliveries (outcome, received_at);`);
  }

  override down(): void {
    this.addSql(`
      create table store_notifications (
        store text not null check (store in ('apple', 'google')),
        notification_id text not null,
        notification_type text not null,
        received_at timestamptz not null default now(),
        primary key (store, notification_id)
      );`);
    this.addSql(`
      insert into store_notifications (store, notification_id, notification_type, received_at)
      select source, delivery_id, event_type, received_at from billing_deliveries where source in ('apple', 'google');`);
    this.addSql(`delete from billing_deliveries where source in ('apple', 'google');`);
    this.addSql(`drop index billing_deliveries_outcome;`);
    this.addSql(`alter table billing_deliveries drop column reason, drop column store, drop column transaction_id, drop column redeliveries, drop column last_delivered_at;`);
    this.addSql(`alter table billing_deliveries drop constraint billing_deliveries_source_check;`);
    this.addSql(`alter table billing_deliveries add constraint webhook_events_source_check check (source in ('superwall', 'stripe'));`);
    this.addSql(`alter table billing_deliveries rename constraint billing_deliveries_pkey to webhook_events_pkey;`);
    this.addSql(`alter table billing_deliveries rename column delivery_id to event_id;`);
    this.addSql(`alter table billing_deliveries rename to webhook_events;`);
    this.addSql(`delete from store_transactions where user_id is null;`);
    this.addSql(`alter table store_transactions drop column observed_at, drop column worth, drop column entitled, alter column user_id set not null;`);
    this.addSql(`drop table purchase_revocations;`);
  }
}
