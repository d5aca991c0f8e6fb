import { Migration } from '@mikro-orm/migrations';

/**
 * Clawbacks the balance could not cover (collected later from credits that come back), purchases moved between
 * accounts, and Xcode's local StoreKit testing environment (development only; the configuration refuses it in
 * production).
 */
export class Migration20261210000000_billing_accounts extends Migration {
  override up(): void {
    // One row per clawback decision (its ledger reference): what the store took back and what is still owed.
    // The ledger holds every credit actually taken; `outstanding` is the rest, collected from later credits.
    this.addSql(`
      create table clawbacks (
        reference text primary key,
        user_id uuid not null references users (id) on delete cascade,
        requested integer not null check (requested > 0),
        outstanding integer not null check (outstanding >= 0 and outstanding <= requested),
        created_at timestamptz not null default now(),
        settled_at timestamptz
      );`);
    this.addSql(`create index clawbacks_outstanding on clawbacks (user_id, created_at) where outstanding > 0;`);

    // A purchase without an account token presented by another account, under the "transfer" policy.
    this.addSql(`
      create table purchase_transfers (
        id uuid primary key,
        store text not null check (store in ('apple', 'google')),
        original_reference text not null,
        from_user_id uuid not null references users (id) on delete cascade,
        to_user_id uuid not null references users (id) on delete cascade,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index purchase_transfers_reference on purchase_transfers (store, original_reference);`);

    for (const table of ['store_transactions', 'subscriptions']) {
      this.addSql(`alter table ${table} drop constraint ${table}_environment_check;`);
      this.addSql(`alter table ${table} add constraint ${table}_environment_check check (environment in ('production', 'sandbox', 'xcode'));`);
    }
  }

  override down(): void {
    for (const table of ['store_transactions', 'subscriptions']) {
      this.addSql(`alter table ${table} drop constraint ${table}_environment_check;`);
      this.addSql(`alter table ${table} add constraint ${table}_environment_check check (environment in ('production', 'sandbox'));`);
    }
    this.addSql(`drop table if exists purchase_transfers;`);
    this.addSql(`drop table if exists clawbacks;`);
  }
}
