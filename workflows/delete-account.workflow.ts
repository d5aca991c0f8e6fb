import { log, proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { AccountDeletionActivities } from '../activities/account-deletion.activities.js';
import type { AccountDeletionSummary } from '../domain/lifecycle/account-deletion.js';
import { BOOKKEEPING } from './activity-options.js';

export interface DeleteAccountInput {
  userId: string;
}

/** Deleting a large account's objects takes a while: heartbeats show it is alive; a retry starts over (idempotent). */
const PURGE = { startToCloseTimeout: '30 minutes', heartbeatTimeout: '1 minute', retry: BOOKKEEPING.retry } as const;
/** Cancelled jobs refund and record themselves in seconds; the wait between looks grows to this. */
const LONGEST_JOB_WAIT_MS = 30_000;

const steps = proxyActivities<AccountDeletionActivities>(BOOKKEEPING);
const purge = proxyActivities<AccountDeletionActivities>(PURGE);

/**
 * Deletes an account the API has already closed (refused at once): stops its jobs and waits until each has
 * settled its money, deletes its objects (after the jobs, so no late result survives), then its personal data.
 * Every step is idempotent, so a crash anywhere resumes where Temporal left off, and a rerun changes nothing.
 */
export async function deleteAccountWorkflow(input: DeleteAccountInput): Promise<AccountDeletionSummary> {
  setCurrentDetails('Stopping the account\'s jobs.');
  let jobsCanceled: number | undefined;
  for (let waitMs = 1_000; ; waitMs = Math.min(waitMs * 2, LONGEST_JOB_WAIT_MS)) {
    const { open, settled } = await steps.stopAccountJobs({ userId: input.userId });
    // The first look finds every job the deletion stops; later looks only watch them wind down.
    jobsCanceled ??= open + settled;
    if (open === 0) break;
    setCurrentDetails(`Waiting for ${open} cancelled jobs to refund and stop.`);
    await sleep(waitMs);
  }

  setCurrentDetails('Deleting the account\'s uploads and results from S3.');
  const { deleted } = await purge.purgeAccountObjects({ userId: input.userId });

  setCurrentDetails('Erasing personal data.');
  const { devicesRemoved } = await steps.eraseAccount({ userId: input.userId });

  const summary = { jobsCanceled, objectsDeleted: deleted, devicesRemoved };
  setCurrentDetails(`Erased: ${deleted} objects, ${devicesRemoved} devices; ${jobsCanceled} jobs stopped.`);
  log.info('account erased', { userId: input.userId, ...summary });
  return summary;
}
