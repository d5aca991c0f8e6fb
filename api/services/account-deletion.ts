import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { AccountErasure } from '../../db/account-erasure.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { SubscriptionStore } from '../../domain/lifecycle/account-deletion.js';
import { startAccountDeletion } from '../../integrations/account-deletion.js';
import type { Logger } from '../../integrations/logger.js';
import type { AuthUser } from '../state.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './passwords.js';

export interface Reauthentication {
  password?: string | undefined;
  clientIp: string;
  /** How recent a login must be to stand in for the password. */
  windowMs: number;
}

/**
 * Deletion needs proof beyond a bearer token (which a refresh can renew indefinitely): the password, or an
 * access token issued by a login within the window. Password guesses spend the login throttle's budgets.
 */
export async function requireReauthentication(
  em: EntityManager,
  guards: { passwords: PasswordHasher; throttle: LoginThrottle },
  user: AuthUser,
  proof: Reauthentication,
): Promise<void> {
  if (proof.password === undefined) {
    const loginAge = user.authenticatedAt ? Date.now() - user.authenticatedAt.getTime() : Infinity;
    if (loginAge <= proof.windowMs) return;
    throw new AppError(403, ErrorCode.REAUTHENTICATION_REQUIRED, 'Confirm with your password, or sign in again first.');
  }
  await guards.throttle.beforeAttempt(proof.clientIp, user.email);
  const [row] = await em.execute<{ password_hash: string | null }[]>(`select password_hash from users where id = ?`, [user.id]);
  if (!(await guards.passwords.verify(row?.password_hash ?? undefined, proof.password))) {
    await guards.throttle.failed(user.email);
    throw new AppError(403, ErrorCode.REAUTHENTICATION_REQUIRED, 'The password is incorrect.');
  }
}

/**
 * Closes the account at once (login, refresh and its access tokens are refused from the commit on) and starts
 * its deletion workflow. Should Temporal be unreachable, the retention sweep starts the deletion later: the
 * closed account is the durable record of the request. Returns the store of a subscription the user must
 * still cancel there, if any.
 */
export async function deleteAccount(
  em: EntityManager,
  deps: { temporal: Client; taskQueue: string; logger: Logger },
  userId: string,
): Promise<{ subscriptionStore: SubscriptionStore | null }> {
  const erasure = new AccountErasure(em);
  const subscriptionStore = await erasure.activeSubscriptionStore(userId);
  await erasure.close(userId);
  try {
    await startAccountDeletion(deps.temporal, deps.taskQueue, userId);
  } catch (error) {
    deps.logger.warn({ err: error, userId }, 'account deletion workflow not started; the retention sweep will start it');
  }
  return { subscriptionStore };
}
