import { Migration } from '@mikro-orm/migrations';

/**
 * Billing providers beside the stores: signed webhook events (Superwall, Stripe) recorded once per event id, and
 * Stripe web checkout payments as store transactions (store `stripe`), so they share the ledger's grant and
 * clawback rules with App Store and Google Play purchases.
 */
export class Migration20261220000000_web_billing extends Migration {
  override up(): void {
    // Every verified event, also the ones nothing was done for: a redelivery answers `duplicate`.
    this.addSql(`
      create table webhook_events (
        source text not null check (source in ('superwall', 'stripe')),
        event_id text not null,
        event_type text not null,
        outcome text not null,
        received_at timestamptz not null default now(),
        primary key (source, event_id)
      );`);
    this.addSql(`alter table store_transactions drop constraint store_transactions_store_check;`);
    this.addSql(`alter table store_transactions add constraint store_transactions_store_check check (store in ('apple', 'google', 'stripe'));`);
  }

  override down(): void {
    this.addSql(`delete from store_transactions where store = 'stripe';`);
    this.addSql(`alter table store_transactions drop constraint store_transactions_store_check;`);
    this.addSql(`alter table store_transactions add constraint store_transactions_store_check check (store in ('apple', 'google'));`);
    this.addSql(`drop table if exists webhook_events;`);
  }
}
