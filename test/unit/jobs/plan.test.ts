import { describe, expect, it } from 'vitest';
import { parseJobSpec, type JobSpecInput } from '../../../domain/jobs/parameters.js';
import { creditsCost, estimatedSeconds, planJob, pricedSteps, STEP_CREDITS } from '../../../domain/jobs/plan.js';

const plan = (spec: JobSpecInput) => planJob(parseJobSpec(spec.jobType, spec.params));

describe('the price table follows the steps a job runs', () => {
  it.each<[JobSpecInput, string[], number]>([
    [{ jobType: 'upscale', params: {} }, ['upscale_x2'], 1],
    [{ jobType: 'upscale', params: { scale_factor: 4 } }, ['upscale_x4'], 2],
    [{ jobType: 'upscale', params: { scale_factor: 2, face_enhance: true } }, ['upscale_x2', 'restore'], 2],
    [{ jobType: 'upscale', params: { scale_factor: 4, face_enhance: true } }, ['upscale_x4', 'restore'], 3],
    [{ jobType: 'face_restoration', params: {} }, ['restore'], 1],
    [{ jobType: 'face_restoration', params: { face_enhance: true } }, ['restore'], 1],
    [{ jobType: 'face_restoration', params: { scale_factor: 2 } }, ['upscale_x2', 'restore'], 2],
    [{ jobType: 'face_restoration', params: { model: 'codeformer', scale_factor: 4 } }, ['upscale_x4', 'restore'], 3],
    [{ jobType: 'face_swap', params: {} }, ['swap'], 2],
    [{ jobType: 'face_swap', params: { face_enhance: true } }, ['swap', 'restore'], 3],
  ])('%j runs %j for %i credits', (spec, steps, credits) => {
    const jobPlan = plan(spec);
    expect(pricedSteps(jobPlan)).toEqual(steps);
    expect(creditsCost(jobPlan)).toBe(credits);
    expect(credits).toBe(steps.reduce((sum, step) => sum + STEP_CREDITS[step as keyof typeof STEP_CREDITS], 0));
  });

  it('looks for faces before any expensive step wherever faces matter', () => {
    expect(plan({ jobType: 'face_restoration', params: { scale_factor: 4 } }).detectFaces).toBe('required');
    expect(plan({ jobType: 'face_swap', params: {} }).detectFaces).toBe('required');
    expect(plan({ jobType: 'upscale', params: { face_enhance: true } }).detectFaces).toBe('optional');
    expect(plan({ jobType: 'upscale', params: {} }).detectFaces).toBe('none');
  });

  it('carries the restoration settings the user chose and fills defaults once', () => {
    expect(plan({ jobType: 'face_restoration', params: { model: 'codeformer', fidelity: 0.2 } }).restore).toEqual({ model: 'codeformer', fidelity: 0.2 });
    expect(parseJobSpec('upscale', {})).toEqual({ jobType: 'upscale', params: { scale_factor: 2, face_enhance: false } });
  });

  it('carries the upscaler a job chose; none means the worker default', () => {
    expect(plan({ jobType: 'upscale', params: { model: 'realesrgan-x4plus' } }).upscaler).toBe('realesrgan-x4plus');
    expect(plan({ jobType: 'upscale', params: {} }).upscaler).toBeNull();
    expect(() => parseJobSpec('upscale', { model: 'gfpgan' })).toThrow(/model/);
  });

  it('prices upscale steps by input size and model, and estimates time from measured throughput', () => {
    const x4fast = plan({ jobType: 'upscale', params: { scale_factor: 4, model: 'realesrgan-x4fast' } });
    const x4plus = plan({ jobType: 'upscale', params: { scale_factor: 4, model: 'realesrgan-x4plus' } });
    expect([creditsCost(x4fast, 1e6), creditsCost(x4fast, 2e6), creditsCost(x4fast, 2.1e6), creditsCost(x4fast, 6e6)]).toEqual([2, 2, 4, 6]);
    expect(creditsCost(x4plus, 1e6)).toBe(4);
    // Only the upscale scales: a restoration with a ×2 background upscale of a 5 MP photo is 3 × 1 + 1.
    expect(creditsCost(plan({ jobType: 'face_restoration', params: { scale_factor: 2 } }), 5e6)).toBe(4);
    expect(creditsCost(plan({ jobType: 'face_swap', params: {} }), 12e6)).toBe(2);
    expect(estimatedSeconds(x4plus, 1e6)).toBeGreaterThan(estimatedSeconds(x4fast, 1e6) * 5);
    expect(estimatedSeconds(x4fast, 2e6)).toBeGreaterThan(estimatedSeconds(x4fast, 1e6));
  });

  it('refuses parameters a job type does not have', () => {
    expect(() => parseJobSpec('upscale', { fidelity: 0.5 })).toThrow(/fidelity|Unrecognized/);
    expect(() => parseJobSpec('face_swap', { scale_factor: 4 })).toThrow();
    expect(() => parseJobSpec('upscale', { scale_factor: 3 })).toThrow(/scale_factor/);
  });
});
