import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AuthUser } from '../state.js';
import type { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './passwords.js';

export interface Reauthentication {
  password?: string | undefined;
  clientIp: string;
  /** How recent a sign-in must be to stand in for the password (ACCOUNT_DELETION_REAUTH_WINDOW). */
  windowMs: number;
}

export interface ReauthenticationGuards {
  passwords: PasswordHasher;
  throttle: LoginThrottle;
}

/** Re-authentications are rare: a gate of one keeps their password checks from competing with logins for memory. */
export function reauthenticationGuards(throttle: LoginThrottle, options: { queue: number; waitMs: number }): ReauthenticationGuards {
  return { passwords: new PasswordHasher({ concurrency: 1, ...options }), throttle };
}

/**
 * Sensitive account changes (deleting the account, linking or unlinking a sign-in provider) need proof beyond a
 * bearer token, which a refresh can renew indefinitely: the password, or an access token issued by a sign-in
 * (password or provider, never a refresh) within the window. Password guesses spend the login throttle's budgets.
 * Refused with REAUTHENTICATION_REQUIRED: 403 where DELETE /auth/me has always answered it, else 401 with an
 * RFC 9470 step-up challenge.
 */
export async function requireReauthentication(
  em: EntityManager,
  guards: ReauthenticationGuards,
  user: AuthUser,
  proof: Reauthentication,
  refusalStatus: 401 | 403 = 401,
): Promise<void> {
  const refuse = (message: string) =>
    new AppError(
      refusalStatus,
      ErrorCode.REAUTHENTICATION_REQUIRED,
      message,
      { max_age_seconds: Math.floor(proof.windowMs / 1000) },
      refusalStatus === 401 ? { 'WWW-Authenticate': `Bearer error="insufficient_user_authentication", max_age=${Math.floor(proof.windowMs / 1000)}` } : undefined,
    );
  if (proof.password === undefined) {
    const signInAge = user.authenticatedAt ? Date.now() - user.authenticatedAt.getTime() : Infinity;
    if (signInAge <= proof.windowMs) return;
    throw refuse('Confirm with your password, or sign in again first.');
  }
  await guards.throttle.beforeAttempt(proof.clientIp, user.email);
  const [row] = await em.execute<{ password_hash: string | null }[]>(`select password_hash from users where id = ?`, [user.id]);
  if (!(await guards.passwords.verify(row?.password_hash ?? undefined, proof.password))) {
    await guards.throttle.failed(user.email);
    throw refuse('The password is incorrect.');
  }
}
