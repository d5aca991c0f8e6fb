import type { EntityManager } from '@mikro-orm/postgresql';

/** Expired rows removed per issued nonce: cleanup keeps pace with issuance and never takes a long lock. */
const EXPIRED_REMOVED_PER_ISSUE = 2;

/**
 * `identity_nonces`: the nonces the server issued for Sign in with Apple / Google, by their SHA-256 (hex) — the
 * value the provider's token carries. Each is spent by one sign-in.
 */
export class IdentityNonces {
  constructor(private readonly em: EntityManager) {}

  /** Records an issued nonce (by its hash) valid for `ttlMs`, and clears a few expired ones. */
  async issue(nonceHash: string, ttlMs: number): Promise<void> {
    await this.em.execute(`insert into identity_nonces (nonce_hash, expires_at) values (?, now() + ? * interval '1 millisecond')`, [nonceHash, ttlMs]);
    await this.em.execute(
      `delete from identity_nonces where nonce_hash in (
         select nonce_hash from identity_nonces where expires_at < now() order by expires_at limit ? for update skip locked)`,
      [EXPIRED_REMOVED_PER_ISSUE],
    );
  }

  /** Spends the nonce: true for exactly one caller while it is issued and unexpired, false ever after. */
  async consume(nonceHash: string): Promise<boolean> {
    const spent = await this.em.execute(`delete from identity_nonces where nonce_hash = ? and expires_at > now() returning 1`, [nonceHash]);
    return spent.length > 0;
  }
}
