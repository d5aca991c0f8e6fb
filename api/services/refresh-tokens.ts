import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../../integrations/logger.js';

/**
 * Opaque, single-use refresh tokens. Each refresh spends the presented token and issues the next one in the
 * same family; presenting a spent token again means it leaked (or a client raced itself), so the whole
 * family is revoked and its holder has to log in again.
 */
export class RefreshTokens {
  constructor(
    private readonly em: EntityManager,
    private readonly ttlDays: number,
  ) {}

  /** Starts a new family (a login) or continues one (a rotation); returns the token to hand to the client. */
  async issue(userId: string, familyId: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.em.execute(
      `insert into refresh_tokens (id, user_id, family_id, token_hash, expires_at)
       values (?, ?, ?, ?, now() + make_interval(days => ?))`,
      [randomUUID(), userId, familyId, hashToken(token), this.ttlDays],
    );
    return token;
  }

  /** Spends `token` and issues its successor; 401 INVALID_REFRESH_TOKEN when it is unknown, spent, revoked or expired. */
  async rotate(token: string, logger: Logger): Promise<{ userId: string; token: string }> {
    const tokenHash = hashToken(token);
    const rotated = await this.em.transactional(async (em) => {
      // The conditional update is the lock: of two concurrent rotations, exactly one gets the row.
      const [spent] = await em.execute<{ user_id: string; family_id: string }[]>(
        `update refresh_tokens set used_at = now()
          where token_hash = ? and used_at is null and revoked_at is null and expires_at > now()
          returning user_id, family_id`,
        [tokenHash],
      );
      if (!spent) return undefined;
      return { userId: spent.user_id, token: await new RefreshTokens(em, this.ttlDays).issue(spent.user_id, spent.family_id) };
    });
    if (rotated) return rotated;

    const revoked = await this.em.execute<{ user_id: string }[]>(
      `update refresh_tokens set revoked_at = now()
        where family_id = (select family_id from refresh_tokens where token_hash = ? and used_at is not null)
          and revoked_at is null
        returning user_id`,
      [tokenHash],
    );
    if (revoked[0]) logger.warn({ user_id: revoked[0].user_id }, 'refresh token reused; its family is revoked');
    throw new AppError(401, ErrorCode.INVALID_REFRESH_TOKEN, 'The refresh token is not valid; log in again.');
  }

  /** Revokes the family `token` belongs to (logout); unknown tokens are ignored. */
  async revokeFamily(token: string): Promise<void> {
    await this.em.execute(
      `update refresh_tokens set revoked_at = now()
        where family_id = (select family_id from refresh_tokens where token_hash = ?) and revoked_at is null`,
      [hashToken(token)],
    );
  }
}

// Tokens carry 256 random bits, so a fast unsalted hash is enough to make the stored values useless.
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
