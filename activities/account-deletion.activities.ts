import type { MikroORM } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { AccountErasure } from '../db/account-erasure.js';
import { JobStore } from '../db/job-store.js';
import { accountObjectPrefixes } from '../domain/object-keys.js';
import { cancelUnfinishedJob } from '../integrations/job-workflows.js';
import type { ObjectStore } from '../integrations/object-store.js';

export interface AccountDeletionDeps {
  orm: MikroORM;
  temporal: Client;
  /** Where settlement workflows run (the orchestrator's own queue). */
  taskQueue: string;
  objectStore: ObjectStore;
}

/** Jobs of one account are few (MAX_JOBS_IN_FLIGHT); this bounds a page generously. */
const OPEN_JOBS_PAGE = 1_000;

/** The steps of an account deletion; each is idempotent, so retries and reruns change nothing twice. */
export function createAccountDeletionActivities(deps: AccountDeletionDeps) {
  return {
    /**
     * Stops every unfinished job of the account through the same paths as a user's cancel: a running workflow is
     * cancelled (it refunds itself), a stopped one is settled. Returns how many are still winding down.
     */
    async stopAccountJobs(input: { userId: string }): Promise<{ open: number; settled: number }> {
      const store = new JobStore(deps.orm.em.fork());
      const jobs = await store.findUnsettled({ userId: input.userId, limit: OPEN_JOBS_PAGE });
      let open = 0;
      for (const job of jobs) {
        if ((await cancelUnfinishedJob(deps.temporal, deps.taskQueue, job, 'Canceled by account deletion', store)) === 'stopping') open++;
      }
      return { open, settled: jobs.length - open };
    },

    /** Deletes every object under the account's prefixes; returns how many went. */
    async purgeAccountObjects(input: { userId: string }): Promise<{ deleted: number }> {
      return { deleted: await deleteAccountObjects(deps.objectStore, input.userId, heartbeat) };
    },

    /** Removes the rest of the account's personal data and marks it erased. */
    eraseAccount(input: { userId: string }): Promise<{ devicesRemoved: number }> {
      return new AccountErasure(deps.orm.em.fork()).erase(input.userId);
    },
  };
}

export type AccountDeletionActivities = ReturnType<typeof createAccountDeletionActivities>;

/** Deletes every object under the account's prefixes, page by page, reporting the running count; returns it. */
export async function deleteAccountObjects(objectStore: ObjectStore, userId: string, onProgress: (deleted: number) => void): Promise<number> {
  let deleted = 0;
  for (const prefix of accountObjectPrefixes(userId)) {
    for (let keys = await objectStore.list(prefix); keys.length > 0; keys = await objectStore.list(prefix)) {
      const failed = await objectStore.delete(keys);
      if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} objects, e.g. ${failed[0]}`);
      deleted += keys.length;
      onProgress(deleted);
    }
  }
  return deleted;
}
