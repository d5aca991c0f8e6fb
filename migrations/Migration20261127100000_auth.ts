import { Migration } from '@mikro-orm/migrations';

/** Rotating refresh tokens, and the table the PostgreSQL-backed rate limiters share. */
export class Migration20261127100000_auth extends Migration {
  override up(): void {
    // Only a SHA-256 of each refresh token is stored: a database leak yields no usable tokens.
    // A family is one login's chain of rotations; reuse of a spent token revokes the whole family.
    this.addSql(`
      create table refresh_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        family_id uuid not null,
        token_hash text not null constraint refresh_tokens_token_hash_unique unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index refresh_tokens_family on refresh_tokens (family_id);`);
    this.addSql(`create index refresh_tokens_user on refresh_tokens (user_id);`);

    // The layout rate-limiter-flexible's RateLimiterPostgres expects (it runs with tableCreated: true).
    // Unlogged: counters need no crash safety, and skipping the WAL keeps the per-request write cheap.
    this.addSql(`
      create unlogged table rate_limits (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      );`);
    this.addSql(`create index rate_limits_expire on rate_limits (expire);`);
  }

  override down(): void {
    this.addSql(`drop table if exists rate_limits;`);
    this.addSql(`drop table if exists refresh_tokens;`);
  }
}
