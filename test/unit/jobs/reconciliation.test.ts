import { describe, expect, it } from 'vitest';
import { reconcileJob } from '../../../domain/jobs/reconciliation.js';
import { FIXED_OUTCOMES } from '../../../domain/jobs/vocabulary.js';

const closed = (status: string, workflowType = 'processJobWorkflow', result?: object) => ({ kind: 'closed' as const, status, workflowType, result: result as never });

describe('reconcileJob', () => {
  it('never touches a job whose workflow is running', () => {
    expect(reconcileJob({ kind: 'running' })).toEqual({ action: 'leave' });
  });

  it('settles jobs whose workflow stopped without settling them', () => {
    expect(reconcileJob({ kind: 'missing' })).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.ABANDONED });
    expect(reconcileJob(closed('TERMINATED'))).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.ABANDONED });
    expect(reconcileJob(closed('FAILED'))).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.ABANDONED });
    expect(reconcileJob(closed('TIMED_OUT'))).toMatchObject({ action: 'settle', outcome: { status: 'failed', code: 'DEADLINE_EXCEEDED' } });
    expect(reconcileJob(closed('CANCELLED'))).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.CANCELED });
    expect(reconcileJob(closed('COMPLETED', 'settleJobWorkflow'))).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.ABANDONED });
  });

  it('believes a job workflow that completed: its result is what the row missed', () => {
    expect(reconcileJob(closed('COMPLETED', 'processJobWorkflow', { status: 'completed', resultKey: 'results/u/j' }))).toEqual({ action: 'complete', resultKey: 'results/u/j' });
    expect(reconcileJob(closed('COMPLETED', 'processJobWorkflow', { status: 'failed', errorCode: 'NO_FACE_FOUND' }))).toMatchObject({
      action: 'settle',
      outcome: { status: 'failed', code: 'NO_FACE_FOUND' },
    });
  });

  it('records what the caller asks for when the workflow was simply stopped (a user cancel)', () => {
    expect(reconcileJob(closed('TERMINATED'), FIXED_OUTCOMES.CANCELED)).toEqual({ action: 'settle', outcome: FIXED_OUTCOMES.CANCELED });
  });
});
