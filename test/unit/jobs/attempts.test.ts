import { describe, expect, it } from 'vitest';
import { admissionDecision, attemptReference, endedResult, type ExistingJob, RETRYABLE_FAILURES } from '../../../domain/jobs/attempts.js';
import { JobFailure } from '../../../domain/jobs/vocabulary.js';

const job = (overrides: Partial<ExistingJob>): ExistingJob => ({
  status: 'failed',
  creditState: 'refunded',
  errorCode: JobFailure.INFERENCE_FAILED,
  resultKey: null,
  attempt: 1,
  ...overrides,
});

describe('admissionDecision', () => {
  it('creates a job nobody admitted yet, and carries on with one still open', () => {
    expect(admissionDecision(undefined)).toBe('create');
    expect(admissionDecision(job({ status: 'pending', creditState: 'reserved', errorCode: null }))).toBe('continue');
    expect(admissionDecision(job({ status: 'processing', creditState: 'reserved', errorCode: null, attempt: 3 }))).toBe('continue');
  });

  it('retries every infrastructure failure, once its money is settled', () => {
    for (const code of RETRYABLE_FAILURES) expect(admissionDecision(job({ errorCode: code })), code).toBe('retry');
    expect(admissionDecision(job({ creditState: 'reserved' }))).toBe('replay');
  });

  it('replays every final outcome unchanged: completed, canceled, business failures', () => {
    expect(admissionDecision(job({ status: 'completed', creditState: 'charged', errorCode: null, resultKey: 'r' }))).toBe('replay');
    expect(admissionDecision(job({ status: 'canceled', errorCode: JobFailure.CANCELED }))).toBe('replay');
    const business = Object.values(JobFailure).filter((code) => !RETRYABLE_FAILURES.includes(code));
    expect(business).toEqual(expect.arrayContaining([JobFailure.NO_FACE_FOUND, JobFailure.UNSUPPORTED_IMAGE, JobFailure.CANCELED]));
    for (const code of business) expect(admissionDecision(job({ errorCode: code })), code).toBe('replay');
  });
});

describe('attemptReference', () => {
  it('keeps the job id for the first attempt (earlier reservations stay valid) and numbers the later ones', () => {
    expect(attemptReference('j', 1)).toBe('j');
    expect(attemptReference('j', 2)).toBe('j#2');
    expect(attemptReference('j', 12)).toBe('j#12');
  });
});

describe('endedResult', () => {
  it('reports an ended job as its workflow would have', () => {
    expect(endedResult({ status: 'completed', errorCode: null, resultKey: 'r' })).toEqual({ status: 'completed', resultKey: 'r' });
    expect(endedResult({ status: 'failed', errorCode: JobFailure.NO_FACE_FOUND, resultKey: null })).toEqual({ status: 'failed', errorCode: 'NO_FACE_FOUND' });
    expect(() => endedResult({ status: 'pending', errorCode: null, resultKey: null })).toThrow();
  });
});
