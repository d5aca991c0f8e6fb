import type { MikroORM } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { AccountErasure } from '../db/account-erasure.js';
import { RetentionStore, type ExpiredObject } from '../db/retention.js';
import { startAccountDeletion } from '../integrations/account-deletion.js';
import type { ObjectStore } from '../integrations/object-store.js';
import { deleteAccountObjects } from './account-deletion.activities.js';

export interface RetentionDeps {
  orm: MikroORM;
  temporal: Client;
  /** Where account deletion workflows run (the orchestrator's own queue). */
  taskQueue: string;
  objectStore: ObjectStore;
}

export interface RetentionPageResult {
  uploads: number;
  results: number;
  /** A page came back full: more may be due. */
  more: boolean;
}

/** The retention sweep's steps: one page of expired objects at a time, and resuming account deletions. */
export function createRetentionActivities(deps: RetentionDeps) {
  /** Deletes the objects, then reports the rows whose object is gone (an object S3 refused stays due). */
  const deleteObjects = async (expired: ExpiredObject[]) => {
    const failed = new Set(await deps.objectStore.delete(expired.map((object) => object.key)));
    return expired.filter((object) => !failed.has(object.key)).map((object) => object.id);
  };
  return {
    async purgeExpiredPage(input: { uploadRetentionMs: number; resultRetentionMs: number; limit: number }): Promise<RetentionPageResult> {
      const store = new RetentionStore(deps.orm.em.fork());
      const uploads = await store.expiredUploads(input.uploadRetentionMs, input.limit);
      const results = await store.expiredResults(input.resultRetentionMs, input.limit);
      const purgedUploads = await deleteObjects(uploads);
      await store.markUploadsPurged(purgedUploads);
      const deletedResults = await deleteObjects(results);
      await store.markResultsDeleted(deletedResults);
      const progressed = purgedUploads.length + deletedResults.length > 0;
      return { uploads: purgedUploads.length, results: deletedResults.length, more: progressed && (uploads.length === input.limit || results.length === input.limit) };
    },

    /** Starts (or joins) the deletion of accounts closed longer than `graceMs` ago and not yet erased. */
    async resumeAccountDeletions(input: { graceMs: number; limit: number }): Promise<{ resumed: number }> {
      const pending = await new AccountErasure(deps.orm.em.fork()).pendingErasures(new Date(Date.now() - input.graceMs), input.limit);
      for (const userId of pending) await startAccountDeletion(deps.temporal, deps.taskQueue, userId);
      return { resumed: pending.length };
    },

    /**
     * Empties once more the S3 prefixes of accounts erased more than `delayMs` ago (longer than any inference attempt
     * runs): whatever a stray attempt wrote there after the erasure, no row points to. Returns what it found.
     */
    async recheckErasedAccountObjects(input: { delayMs: number; limit: number }): Promise<{ accounts: number; objects: number }> {
      const erasure = new AccountErasure(deps.orm.em.fork());
      const pending = await erasure.erasedAwaitingObjectRecheck(new Date(Date.now() - input.delayMs), input.limit);
      let objects = 0;
      for (const userId of pending) {
        objects += await deleteAccountObjects(deps.objectStore, userId, (deleted) => heartbeat(objects + deleted));
        await erasure.markObjectsRechecked(userId);
      }
      return { accounts: pending.length, objects };
    },
  };
}

export type RetentionActivities = ReturnType<typeof createRetentionActivities>;
