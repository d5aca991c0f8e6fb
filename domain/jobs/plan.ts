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
  /** The upscaler the job runs (the API records the fleet's default on jobs that name none); null: the worker's default. */
  upscaler: UpscalerName | null;
  swap: boolean;
  restore: { model: RestorationModel; fidelity: number } | null;
}

/**
 * Credits per step, for an input of up to MEGAPIXELS_PER_UNIT: roughly proportional to GPU time (a ×4 upscale
 * makes four times the pixels of a ×2 one).
 */
export const STEP_CREDITS = {
  upscale_x2: 1,
  upscale_x4: 2,
  restore: 1,
  swap: 2,
} as const;
type PricedStep = keyof typeof STEP_CREDITS;

/** An upscale step costs its credits again for every further block of this many input megapixels. */
export const MEGAPIXELS_PER_UNIT = 2;

/**
 * How much more an upscale step costs by model: Real-ESRGAN x4plus takes about eight times x4fast's time on the
 * same device (bench/inference-upscalers.bench.ts); it is priced at twice, the rest of the cost being the model's
 * quality. The API writes the model the inference workers will run into every job that names none (see
 * fleetDefaultUpscaler), so the price is that model's; a plan without one (older jobs) is priced as standard.
 */
export const UPSCALER_CREDIT_FACTOR: Record<UpscalerName, number> = {
  'realesrgan-x4plus': 2,
  'realesrgan-x4fast': 1,
  'esrgan-slim': 1,
};

/**
 * Whole-job milliseconds per megapixel of INPUT for a ×4 upscale on CPU (a ×2 job runs the same model plus a
 * resize), measured by `bench/inference-upscalers.bench.ts` on a shared 2-core machine, ONNX Runtime 1.30, tiles
 * 256/16/10: x4plus at 256² (its 512² run takes minutes), the others at 512² (tiled, like real photos).
 * `estimated_time` scales these by the input's megapixels; GPU figures are to be measured on a GPU.
 */
export const UPSCALER_CPU_MS_PER_INPUT_MEGAPIXEL: Record<UpscalerName, number> = {
  'realesrgan-x4plus': 430_000,
  'realesrgan-x4fast': 54_000,
  'esrgan-slim': 20_000,
};
/** The model an estimate assumes when the job leaves the choice to the worker (the CPU default). */
const ESTIMATE_UPSCALER: UpscalerName = 'realesrgan-x4fast';
/** Seconds for the other steps (face crops are a fixed size), and for queueing and transfers. */
const FIXED_SECONDS = { detect: 2, restore: 10, swap: 10, overhead: 3 } as const;

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
      const { model, fidelity, scale_factor, upscale_model } = spec.params;
      return {
        jobType: 'face_restoration',
        detectFaces: 'required',
        faceSelection: 'all',
        upscale: scale_factor ?? null,
        upscaler: scale_factor ? (upscale_model ?? null) : null,
        swap: false,
        restore: { model, fidelity },
      };
    }
    case 'face_swap': {
      const { face_enhance, face_selection } = spec.params;
      return { jobType: 'face_swap', detectFaces: 'required', faceSelection: face_selection, upscale: null, upscaler: null, swap: true, restore: face_enhance ? DEFAULT_RESTORER : null };
    }
  }
}

/** The steps of a plan that cost credits, in the order the pipeline runs them. */
export function pricedSteps(plan: JobPlan): PricedStep[] {
  return [
    ...(plan.upscale ? [plan.upscale === 4 ? ('upscale_x4' as const) : ('upscale_x2' as const)] : []),
    ...(plan.swap ? ['swap' as const] : []),
    ...(plan.restore ? ['restore' as const] : []),
  ];
}

/** A step's credits for an input of `inputPixels` (unknown: priced as the smallest size). */
function stepCredits(plan: JobPlan, step: PricedStep, inputPixels = 0): number {
  if (step !== 'upscale_x2' && step !== 'upscale_x4') return STEP_CREDITS[step];
  const units = Math.max(1, Math.ceil(inputPixels / 1e6 / MEGAPIXELS_PER_UNIT));
  return STEP_CREDITS[step] * units * (plan.upscaler ? UPSCALER_CREDIT_FACTOR[plan.upscaler] : 1);
}

export function creditsCost(plan: JobPlan, inputPixels = 0): number {
  return pricedSteps(plan).reduce((sum, step) => sum + stepCredits(plan, step, inputPixels), 0);
}

/** A rough seconds-to-complete figure for the client's progress UI, from the measured per-model throughput. */
export function estimatedSeconds(plan: JobPlan, inputPixels = 0): number {
  const upscaleMs = plan.upscale ? UPSCALER_CPU_MS_PER_INPUT_MEGAPIXEL[plan.upscaler ?? ESTIMATE_UPSCALER] * (inputPixels / 1e6) : 0;
  const fixed =
    FIXED_SECONDS.overhead +
    (plan.detectFaces === 'none' ? 0 : FIXED_SECONDS.detect) +
    (plan.restore ? FIXED_SECONDS.restore : 0) +
    (plan.swap ? FIXED_SECONDS.swap : 0);
  return Math.ceil(fixed + upscaleMs / 1000);
}
