import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in nonces the server issues (POST /auth/identity/nonce). A row is the SHA-256 (hex) of an issued nonce,
 * which is exactly what the provider's token carries; signing in deletes it, so each nonce (and with it each
 * token) signs in once. Expired rows are removed a few at a time as new ones are issued.
 */
export class Migration20270102000000_identity_nonces extends Migration {
  override up(): void {
    this.addSql(`
      create table identity_nonces (
        nonce_hash text primary key,
        expires_at timestamptz not null
      );`);
    this.addSql(`create index identity_nonces_expires_at on identity_nonces (expires_at);`);
  }

  override down(): void {
    this.addSql(`drop table if exists identity_nonces;`);
  }
}
