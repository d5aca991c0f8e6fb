import { Migration } from '@mikro-orm/migrations';

/**
 * Sign in with Apple / Google: each provider identity (its stable `sub`) belongs to one account, an account has
 * at most one identity per provider, and accounts created by a provider have no password.
 */
export class Migration20261220000100_identities extends Migration {
  override up(): void {
    this.addSql(`
      create table user_identities (
        provider text not null check (provider in ('apple', 'google')),
        subject text not null,
        user_id uuid not null references users (id) on delete cascade,
        email text,
        created_at timestamptz not null default now(),
        primary key (provider, subject),
        constraint user_identities_one_per_provider unique (user_id, provider)
      );`);
    this.addSql(`alter table users alter column password_hash drop not null;`);
  }

  override down(): void {
    this.addSql(`delete from users where password_hash is null;`);
    this.addSql(`alter table users alter column password_hash set not null;`);
    this.addSql(`drop table if exists user_identities;`);
  }
}
