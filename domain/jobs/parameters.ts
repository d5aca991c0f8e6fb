import { z } from 'zod';
import type { JobType } from './vocabulary.js';

/**
 * Each job type's parameters, with their defaults: the API validates requests with these schemas (and documents
 * them in OpenAPI), the job row and the workflow carry their output, and the inference worker re-checks it.
 */
export const restorationModels = ['gfpgan', 'codeformer', 'custom_lora'] as const;
export type RestorationModel = (typeof restorationModels)[number];
export const faceSelections = ['all', 'largest'] as const;
/** Upscaler models a job may choose, best quality first (docs/models.md says what each buys). */
export const UPSCALER_NAMES = ['realesrgan-x4plus', 'realesrgan-x4fast', 'esrgan-slim'] as const;
export type UpscalerName = (typeof UPSCALER_NAMES)[number];

const scaleFactor = z.union([z.literal(2), z.literal(4)]);
const faceEnhance = z.boolean().meta({ description: 'Also restore the faces (GFPGAN) after the main step; priced as a restoration.' });

export const jobParameterSchemas = {
  upscale: z.strictObject({
    model: z.enum(UPSCALER_NAMES).optional().meta({
      description: "Upscaler: quality (`realesrgan-x4plus`), speed (`realesrgan-x4fast`) or tiny (`esrgan-slim`); default: the worker's (quality on GPU, speed on CPU).",
    }),
    scale_factor: scaleFactor.default(2),
    face_enhance: faceEnhance.default(false),
  }),
  face_restoration: z.strictObject({
    model: z.enum(restorationModels).default('gfpgan'),
    fidelity: z.number().min(0).max(1).default(0.5).meta({ description: 'CodeFormer only: 0 = strongest restoration, 1 = closest to the input.' }),
    scale_factor: scaleFactor.optional().meta({ description: 'Also upscale the whole photo (priced as an upscale).' }),
    upscale_model: z.enum(UPSCALER_NAMES).optional().meta({
      description: "The upscaler for `scale_factor` (priced by it, as an upscale's `model`); default: the inference workers'.",
    }),
    face_enhance: z.boolean().optional().meta({
      description: 'Accepted for the parameter shape the jobs share; a restoration always restores faces, so it changes nothing and costs nothing.',
    }),
  }),
  face_swap: z.strictObject({
    face_enhance: faceEnhance.default(false),
    face_selection: z.enum(faceSelections).default('all').meta({ description: 'Which faces of the target photo are replaced.' }),
  }),
} as const satisfies Record<JobType, z.ZodType>;

export type JobParameters<T extends JobType = JobType> = z.output<(typeof jobParameterSchemas)[T]>;

/** A job type with its validated parameters (defaults applied): what the job row and the workflow carry. */
export type JobSpec = { [T in JobType]: { jobType: T; params: JobParameters<T> } }[JobType];
/** A job type with parameters as a caller may write them (defaults left out); parseJobSpec completes them. */
export type JobSpecInput = { [T in JobType]: { jobType: T; params: z.input<(typeof jobParameterSchemas)[T]> } }[JobType];

/** Validates (and defaults) a job's parameters; throws the zod error's issues as one readable message. */
export function parseJobSpec(jobType: JobType, params: unknown): JobSpec {
  const parsed = jobParameterSchemas[jobType].safeParse(params ?? {});
  if (!parsed.success) {
    throw new RangeError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'parameters'}: ${issue.message}`).join('; '));
  }
  return { jobType, params: parsed.data } as JobSpec;
}

