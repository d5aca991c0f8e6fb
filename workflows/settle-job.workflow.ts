import { proxyLocalActivities, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { JobActivities } from '../activities/job.activities.js';
import type { JobSettlement } from '../domain/jobs/reconciliation.js';
import type { UnsuccessfulOutcome } from '../domain/jobs/vocabulary.js';
import { CreditStateKey, JobStatusKey } from '../domain/search-attributes.js';
import { countBookkeepingGaveUp, JOB_BOOKKEEPING } from './activity-options.js';

export interface SettleJobInput {
  jobId: string;
  outcome: UnsuccessfulOutcome;
  /** Who settled it and why, for operators reading the Web UI. */
  reason: string;
}

const jobs = proxyLocalActivities<JobActivities>(JOB_BOOKKEEPING);

/**
 * Settles a job whose own workflow stopped without doing it (terminated, timed out, never started). It runs
 * under the job's id, so the job's latest run in the Web UI tells operators what happened and its search
 * attributes show where the job and its money stand. The reconciler and a user's cancel start it; starting
 * it fails while the job's workflow still runs, and repeating it changes nothing. A settlement that still fails
 * after its bounded retries fails the run (freeing the job's id for the next pass) and is counted for operators.
 */
export async function settleJobWorkflow(input: SettleJobInput): Promise<JobSettlement | null> {
  const settlement = await jobs.settleJob({ jobId: input.jobId, outcome: input.outcome }).catch((error: unknown) => {
    countBookkeepingGaveUp('settleJobWorkflow', 'settleJob');
    throw error;
  });
  if (!settlement) {
    setCurrentDetails(`No job ${input.jobId}; nothing to settle.`);
    return null;
  }
  upsertSearchAttributes([
    { key: JobStatusKey, value: settlement.status },
    { key: CreditStateKey, value: settlement.creditState },
  ]);
  const money = settlement.refunded > 0 ? `${settlement.refunded} credits refunded` : `credits already ${settlement.creditState}`;
  setCurrentDetails(`${input.reason}: job ${settlement.status}${settlement.finished ? ` (${input.outcome.code})` : ' already'}; ${money}.`);
  return settlement;
}
