import type { ProcessJobResult } from './contract.js';
import { type CreditState, FIXED_OUTCOMES, JobFailure, type JobStatus, type JobType, type UnsuccessfulOutcome } from './vocabulary.js';

/** What Temporal knows about the workflow with a job's id (its latest run). */
export type JobWorkflowState =
  | { kind: 'running'; workflowType?: string; runId?: string }
  | { kind: 'missing' }
  | { kind: 'closed'; status: string; workflowType: string; result?: ProcessJobResult | undefined };

/** What settling a job changed, and where it stands afterwards. */
export interface JobSettlement {
  jobType: JobType;
  /** Credits this settlement gave back (0 when the reservation had already been charged or refunded). */
  refunded: number;
  finished: boolean;
  status: JobStatus;
  creditState: CreditState;
}

/** What to do with a job whose money or status is still open. */
export type Reconciliation =
  | { action: 'leave' }
  | { action: 'complete'; resultKey: string }
  | { action: 'settle'; outcome: UnsuccessfulOutcome };

/**
 * Decides how to settle an open job from its workflow's state. A running workflow settles its own job; a job
 * workflow that completed is believed (its result is the truth the row missed); anything else stopped without
 * settling, and `stopped` says what to record then (ABANDONED for the reconciler, CANCELED for a user's cancel).
 */
export function reconcileJob(state: JobWorkflowState, stopped: UnsuccessfulOutcome = FIXED_OUTCOMES.ABANDONED): Reconciliation {
  if (state.kind === 'running') return { action: 'leave' };
  if (state.kind === 'missing') return { action: 'settle', outcome: stopped };
  const result = state.workflowType === 'processJobWorkflow' && state.status === 'COMPLETED' ? state.result : undefined;
  if (result?.status === 'completed' && result.resultKey) return { action: 'complete', resultKey: result.resultKey };
  if (result && result.status !== 'completed') {
    return { action: 'settle', outcome: { ...stopped, status: result.status, code: result.errorCode ?? JobFailure.INTERNAL } };
  }
  if (state.status === 'TIMED_OUT') return { action: 'settle', outcome: FIXED_OUTCOMES.DEADLINE_EXCEEDED };
  if (state.status === 'CANCELLED') return { action: 'settle', outcome: FIXED_OUTCOMES.CANCELED };
  return { action: 'settle', outcome: stopped };
}
