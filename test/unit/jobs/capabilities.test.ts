import { describe, expect, it } from 'vitest';
import { fleetDefaultUpscaler, unavailableReason, type WorkerCapabilities } from '../../../domain/jobs/capabilities.js';
import { parseJobSpec } from '../../../domain/jobs/parameters.js';
import { creditsCost, planJob } from '../../../domain/jobs/plan.js';

const worker = (overrides: Partial<WorkerCapabilities> = {}): WorkerCapabilities => ({
  executionProvider: 'cpu',
  upscalers: ['realesrgan-x4plus', 'realesrgan-x4fast', 'esrgan-slim'],
  defaultUpscaler: 'realesrgan-x4fast',
  restorers: ['gfpgan', 'codeformer'],
  faceDetection: true,
  faceSwap: true,
  placeholders: [],
  ...overrides,
});
const plan = (jobType: 'upscale' | 'face_restoration' | 'face_swap', params: object = {}) => planJob(parseJobSpec(jobType, params));

describe('what the fleet can run', () => {
  it('needs one worker that can run the whole plan', () => {
    expect(unavailableReason(plan('upscale'), [])).toBe('no inference worker is running');
    expect(unavailableReason(plan('upscale', { model: 'esrgan-slim' }), [worker({ upscalers: ['realesrgan-x4fast'] })])).toMatch(/esrgan-slim/);
    expect(unavailableReason(plan('face_restoration', { model: 'codeformer' }), [worker({ restorers: ['gfpgan'] })])).toMatch(/codeformer/);
    expect(unavailableReason(plan('face_swap'), [worker({ faceSwap: false })])).toMatch(/face swap/);
    expect(unavailableReason(plan('upscale', { face_enhance: true }), [worker({ faceDetection: false })])).toMatch(/face detection/);
    // An upscale with face_enhance needs GFPGAN as well as the upscaler: split across two workers, it cannot run.
    const split = [worker({ restorers: [] }), worker({ upscalers: [], defaultUpscaler: null })];
    expect(unavailableReason(plan('upscale', { face_enhance: true }), split)).toBeDefined();
    expect(unavailableReason(plan('upscale', { face_enhance: true }), [...split, worker()])).toBeUndefined();
  });

  it('names the default most workers run, the better model on a tie', () => {
    expect(fleetDefaultUpscaler([])).toBeNull();
    const gpu = worker({ executionProvider: 'cuda', defaultUpscaler: 'realesrgan-x4plus' });
    expect(fleetDefaultUpscaler([worker(), gpu, gpu])).toBe('realesrgan-x4plus');
    expect(fleetDefaultUpscaler([worker(), worker(), gpu])).toBe('realesrgan-x4fast');
    expect(fleetDefaultUpscaler([worker(), gpu])).toBe('realesrgan-x4plus');
  });

  it('prices a restoration by the upscaler of its background upscale', () => {
    const fast = creditsCost(plan('face_restoration', { scale_factor: 2, upscale_model: 'realesrgan-x4fast' }));
    const plus = creditsCost(plan('face_restoration', { scale_factor: 2, upscale_model: 'realesrgan-x4plus' }));
    expect(plus).toBeGreaterThan(fast);
    // Without scale_factor the upscaler is moot.
    expect(plan('face_restoration', { upscale_model: 'realesrgan-x4plus' }).upscaler).toBeNull();
  });
});
