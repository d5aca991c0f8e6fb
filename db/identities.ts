import type { EntityManager } from '@mikro-orm/postgresql';

export interface IdentityRecord {
  provider: 'apple' | 'google';
  subject: string;
  email: string | null;
}

/** `user_identities`: which account a provider identity signs in to (one account per identity, one identity per provider). */
export class UserIdentities {
  constructor(private readonly em: EntityManager) {}

  async owner(provider: IdentityRecord['provider'], subject: string): Promise<string | null> {
    const [row] = await this.em.execute<{ user_id: string }[]>(`select user_id from user_identities where provider = ? and subject = ?`, [
      provider,
      subject,
    ]);
    return row?.user_id ?? null;
  }

  /** Links the identity to the account; false when the identity or the account's slot for the provider is taken. */
  async link(userId: string, identity: IdentityRecord): Promise<boolean> {
    const inserted = await this.em.execute(
      `insert into user_identities (provider, subject, user_id, email) values (?, ?, ?, ?) on conflict do nothing returning user_id`,
      [identity.provider, identity.subject, userId, identity.email],
    );
    return inserted.length > 0;
  }

  /**
   * Removes the account's identity of `provider` unless it is the only way the account signs in (no password, no
   * other identity): 'last' then, and nothing changes. The account row is locked so two unlinks cannot both pass.
   */
  unlink(userId: string, provider: IdentityRecord['provider']): Promise<'unlinked' | 'absent' | 'last'> {
    return this.em.transactional(async (em) => {
      const [account] = await em.execute<{ has_password: boolean }[]>(`select password_hash is not null as has_password from users where id = ? for update`, [userId]);
      const linked = await em.execute<{ provider: string }[]>(`select provider from user_identities where user_id = ?`, [userId]);
      if (!linked.some((identity) => identity.provider === provider)) return 'absent';
      if (!account?.has_password && linked.length === 1) return 'last';
      await em.execute(`delete from user_identities where user_id = ? and provider = ?`, [userId, provider]);
      return 'unlinked';
    });
  }

  /** Whether an account already uses this email (case-insensitive). */
  async emailInUse(email: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from users where lower(email) = lower(?)`, [email]);
    return rows.length > 0;
  }
}
