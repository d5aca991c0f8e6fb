import { UPSCALER_NAMES, type UpscalerName } from '../../domain/jobs/parameters.js';
import type { ModelName } from '../models/catalog.js';

// The names a job may choose are job vocabulary (domain/jobs); what each runs is the worker's business.
export { UPSCALER_NAMES, type UpscalerName };

export function isUpscalerName(value: string): value is UpscalerName {
  return (UPSCALER_NAMES as readonly string[]).includes(value);
}

export type UpscaleFactor = 2 | 4;

/**
 * The model file (catalog role) each upscaler runs for each requested factor. Real-ESRGAN is ×4 only: a ×2 job
 * runs it and then downscales, as upstream's `outscale` does. ESRGAN-slim ships native ×2 and ×4 models.
 */
export const UPSCALER_ROLES = {
  'realesrgan-x4plus': { 2: 'realesrgan_x4plus', 4: 'realesrgan_x4plus' },
  'realesrgan-x4fast': { 2: 'realesrgan_x4fast', 4: 'realesrgan_x4fast' },
  'esrgan-slim': { 2: 'upscale_x2', 4: 'upscale_x4' },
} as const satisfies Record<UpscalerName, Record<UpscaleFactor, ModelName>>;

export type UpscalerRole = (typeof UPSCALER_ROLES)[UpscalerName][UpscaleFactor];

export const NATIVE_SCALE: Record<UpscalerRole, UpscaleFactor> = {
  realesrgan_x4plus: 4,
  realesrgan_x4fast: 4,
  upscale_x2: 2,
  upscale_x4: 4,
};

/** When a job names no model: quality where a GPU makes it affordable, the fast model on CPU. */
export function defaultUpscaler(executionProvider: 'cpu' | 'cuda'): UpscalerName {
  return executionProvider === 'cuda' ? 'realesrgan-x4plus' : 'realesrgan-x4fast';
}
