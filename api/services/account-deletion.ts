import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { AccountErasure } from '../../db/account-erasure.js';
import type { SubscriptionStore } from '../../domain/lifecycle/account-deletion.js';
import { startAccountDeletion } from '../../integrations/account-deletion.js';
import type { Logger } from '../../integrations/logger.js';

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
