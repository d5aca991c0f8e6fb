import type { JobSpec, RestorationModel, UpscalerName } from './parameters.js';
import type { JobType } from './vocabulary.js';

/**
 * What a job really runs, derived once from its spec: the pipeline executes exactly this plan and the price is
 * the sum of its steps, so what a user pays cannot drift from the work done.
 */
export interface JobPlan {
  jobType: JobType;
  /** Faces are looked for on the input first, before any expensive step: 'required' fails early with NO_FACE_FOUND. */
  detectFaces: 'optional' | 'required' | 'none';
  faceSelection: 'all' | 'largest';
  upscale: 2 | 4 | null;
  /** The upscaler the job asked for; null: the worker's default. */
  upscaler: UpscalerName | null;
  swap: boolean;
  restore: { model: RestorationModel; fidelity: number } | null;
}

/** Credits per step: roughly proportional to GPU time (a ×4 upscale is four times the pixels of a ×2 one). */
export const STEP_CREDITS = {
  upscale_x2: 1,
  upscale_x4: 2,
  restore: 1,
  swap: 2,
} as const;

/** Seconds per step for the client's progress estimate (queueing included). */
const STEP_SECONDS = { upscale_x2: 15, upscale_x4: 30, restore: 20, swap: 30, detect: 5 } as const;

const DEFAULT_RESTORER = { model: 'gfpgan', fidelity: 0.5 } as const;

export function planJob(spec: JobSpec): JobPlan {
  switch (spec.jobType) {
    case 'upscale': {
      const { scale_factor, face_enhance, model } = spec.params;
      return {
        jobType: 'upscale',
        detectFaces: face_enhance ? 'optional' : 'none',
        faceSelection: 'all',
        upscale: scale_factor,
        upscaler: model ?? null,
        swap: false,
        restore: face_enhance ? DEFAULT_RESTORER : null,
      };
    }
    case 'face_restoration': {
      const { model, fidelity, scale_factor } = spec.params;
      return { jobType: 'face_restoration', detectFaces: 'required', faceSelection: 'all', upscale: scale_factor ?? null, upscaler: null, swap: false, restore: { model, fidelity } };
    }
    case 'face_swap': {
      const { face_enhance, face_selection } = spec.params;
      return { jobType: 'face_swap', detectFaces: 'required', faceSelection: face_selection, upscale: null, upscaler: null, swap: true, restore: face_enhance ? DEFAULT_RESTORER : null };
    }
  }
}

/** The steps of a plan that cost credits, in the order the pipeline runs them. */
export function pricedSteps(plan: JobPlan): (keyof typeof STEP_CREDITS)[] {
  return [
    ...(plan.upscale ? [plan.upscale === 4 ? ('upscale_x4' as const) : ('upscale_x2' as const)] : []),
    ...(plan.swap ? ['swap' as const] : []),
    ...(plan.restore ? ['restore' as const] : []),
  ];
}

export function creditsCost(plan: JobPlan): number {
  return pricedSteps(plan).reduce((sum, step) => sum + STEP_CREDITS[step], 0);
}

/** A rough seconds-to-complete figure for the client's progress UI. */
export function estimatedSeconds(plan: JobPlan): number {
  const detect = plan.detectFaces === 'none' ? 0 : STEP_SECONDS.detect;
  return pricedSteps(plan).reduce((sum, step) => sum + STEP_SECONDS[step], detect);
}
