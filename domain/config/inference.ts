import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UPSCALER_NAMES } from '../jobs/parameters.js';
import { bool } from './env-values.js';

/** Where `scripts/models/fetch-models.ts` puts models when MODEL_DIR is unset: `<repo>/.local/models`. */
export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../../.local/models/', import.meta.url));

/** Inference worker settings: model location, execution provider, and the limits that bound memory per job. */
export const inferenceEnvSchema = z.object({
  MODEL_DIR: z.string().min(1).default(DEFAULT_MODEL_DIR),
  ONNX_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /**
   * With ONNX_EXECUTION_PROVIDER=cuda and no usable CUDA provider, the worker refuses to start unless this is true:
   * then it runs every model on CPU (minutes where a GPU takes a second) and advertises provider cpu.
   */
  INFERENCE_ALLOW_CPU_FALLBACK: bool.default(false),
  /**
   * Generated placeholder models (manifest `placeholder: true`) may serve jobs, whose results then say so. Never in
   * production (NODE_ENV=production): there a placeholder is not loaded and its job types are not offered.
   */
  INFERENCE_ALLOW_PLACEHOLDERS: bool.default(true),
  /**
   * Jobs run at once in one worker process, each in a worker thread of its own with its own sessions (so each
   * holds its models' weights, one decoded image and its tiles).
   */
  INFERENCE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
  /** ONNX Runtime intra-op threads per session; 0: all cores but one (left to the event loop), shared out between the INFERENCE_CONCURRENCY threads. */
  INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /**
   * Whether idle ONNX Runtime threads spin waiting for work. Spinning trims latency only on cores nothing else
   * needs; off (the default), a worker sharing its cores with S3 transfers, image coding and other processes measured
   * 100 → 42 ms of CPU per small job (docs/performance.md).
   */
  INFERENCE_THREAD_SPINNING: bool.default(false),
  /**
   * Models whose weights are not licensed for commercial use (manifest `commercialUse: false`, e.g. SCRFD's
   * InsightFace weights) load only when the operator sets this to true, accepting their licence terms.
   */
  INFERENCE_ALLOW_NON_COMMERCIAL_MODELS: bool.default(false),
  /** The upscaler for jobs that name none; unset: realesrgan-x4plus with CUDA, realesrgan-x4fast on CPU. */
  UPSCALE_DEFAULT_MODEL: z.enum(UPSCALER_NAMES).optional(),
  /** Load and warm every available model at start instead of on first use. */
  INFERENCE_WARMUP: bool.default(false),
  MAX_INPUT_PIXELS: z.coerce.number().int().min(64 * 64).default(40_000_000),
  MAX_OUTPUT_PIXELS: z.coerce.number().int().min(64 * 64).default(67_108_864),
  /** Input tile edge for upscaling, in input pixels; memory per tile grows with its square. */
  UPSCALE_TILE_SIZE: z.coerce.number().int().min(32).max(2048).default(256),
  UPSCALE_TILE_OVERLAP: z.coerce.number().int().min(0).max(256).default(16),
  /** Context each tile sees beyond its edges, discarded after the model (upstream Real-ESRGAN's tile_pad). */
  UPSCALE_TILE_PAD: z.coerce.number().int().min(0).max(128).default(10),
  /** Faces smaller than this (box edge, input pixels) are ignored. */
  FACE_MIN_SIZE: z.coerce.number().int().min(8).default(32),
});

export type InferenceEnv = z.infer<typeof inferenceEnvSchema>;

/** Placeholders serve jobs only outside production, and only while INFERENCE_ALLOW_PLACEHOLDERS is not false. */
export function placeholdersAllowed(config: Pick<InferenceEnv, 'INFERENCE_ALLOW_PLACEHOLDERS'> & { NODE_ENV?: string }): boolean {
  return config.NODE_ENV !== 'production' && config.INFERENCE_ALLOW_PLACEHOLDERS;
}
