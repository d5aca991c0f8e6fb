import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubscriptionStore } from '../domain/lifecycle/account-deletion.js';

/** The one stand-in for a closed account's email: unique per account, never deliverable (RFC 2606 `.invalid`). */
const pseudonymousEmail = (userId: string) => `deleted-${userId}@deleted.invalid`;

/**
 * Closing and erasing accounts (docs/privacy.md). The `users` row itself stays, stripped of personal data,
 * because the ledger and the store records that accounting and store refunds need still reference its id.
 */
export class AccountErasure {
  constructor(private readonly em: EntityManager) {}

  /**
   * Closes the account at once, in one transaction: the email is replaced (login finds nothing), the password
   * hash is dropped and every refresh token is revoked. Repeating it changes nothing.
   */
  close(userId: string): Promise<void> {
    return this.em.transactional(async (em) => {
      await em.execute(
        `update users set deleted_at = coalesce(deleted_at, now()), email = ?, password_hash = null, updated_at = now() where id = ?`,
        [pseudonymousEmail(userId), userId],
      );
      await em.execute(`update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null`, [userId]);
    });
  }

  /** True while the account exists and has not been closed: access tokens of closed accounts are refused. */
  async isOpen(userId: string): Promise<boolean> {
    const [row] = await this.em.execute<{ open: boolean }[]>(`select deleted_at is null as open from users where id = ?`, [userId]);
    return row?.open ?? false;
  }

  /** The store of a subscription that still renews or is in its paid period (the user must cancel it at the store). */
  async activeSubscriptionStore(userId: string): Promise<SubscriptionStore | null> {
    const [row] = await this.em.execute<{ store: SubscriptionStore }[]>(
      `select store from subscriptions
        where user_id = ? and status in ('active', 'grace_period', 'billing_retry') and expires_at > now()
        order by expires_at desc limit 1`,
      [userId],
    );
    return row?.store ?? null;
  }

  /**
   * Deletes or scrubs what is left of a closed account's personal data once its objects are gone: devices,
   * refresh tokens, sign-in identities, upload file names, result keys. Marks the account erased. Idempotent.
   */
  erase(userId: string): Promise<{ devicesRemoved: number }> {
    return this.em.transactional(async (em) => {
      const devices = await em.execute(`delete from devices where user_id = ? returning id`, [userId]);
      await em.execute(`delete from refresh_tokens where user_id = ?`, [userId]);
      // Provider identities (Sign in with Apple / Google) carry an email and a stable subject.
      await em.execute(`delete from user_identities where user_id = ?`, [userId]);
      await em.execute(`update uploads set filename = 'erased', purged_at = coalesce(purged_at, now()) where user_id = ?`, [userId]);
      await em.execute(
        `update jobs set result_key = null, result_deleted_at = coalesce(result_deleted_at, now()), updated_at = now()
          where user_id = ? and result_key is not null`,
        [userId],
      );
      await em.execute(`update users set erased_at = coalesce(erased_at, now()), updated_at = now() where id = ? and deleted_at is not null`, [userId]);
      return { devicesRemoved: devices.length };
    });
  }

  /**
   * Erased accounts whose S3 prefixes have not been emptied again since `erasedBefore`, oldest first: objects written
   * there after the erasure (a stray inference attempt) are found by no row, so the sweep empties the prefixes once more.
   */
  async erasedAwaitingObjectRecheck(erasedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select id from users where erased_at is not null and objects_rechecked_at is null and erased_at < ? order by erased_at limit ?`,
      [erasedBefore, limit],
    );
    return rows.map((row) => row.id);
  }

  async markObjectsRechecked(userId: string): Promise<void> {
    await this.em.execute(`update users set objects_rechecked_at = now() where id = ?`, [userId]);
  }

  /** Closed accounts whose erasure has not finished, closed before `closedBefore` (their workflow may never have started). */
  async pendingErasures(closedBefore: Date, limit: number): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(
      `select id from users where deleted_at is not null and erased_at is null and deleted_at < ? order by deleted_at limit ?`,
      [closedBefore, limit],
    );
    return rows.map((row) => row.id);
  }
}
