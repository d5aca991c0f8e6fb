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

  /** Whether an account already uses this email (case-insensitive). */
  async emailInUse(email: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from users where lower(email) = lower(?)`, [email]);
    return rows.length > 0;
  }
}
