import { faceDetectorName, type FaceDetectorName } from './faces/detector.js';
import type { ModelRegistry } from './models/registry.js';
import type { InferenceConfig } from './types.js';
import { availableUpscalers, selectUpscaler } from './upscale/upscale-image.js';
import type { UpscalerName } from './upscale/upscalers.js';

/** What this worker serves jobs with, decided by its manifest, the models' licences and its configuration. */
export interface InferenceCapabilities {
  upscalers: UpscalerName[];
  /** What an upscale that names no model runs. */
  defaultUpscaler: UpscalerName;
  faceDetector: FaceDetectorName;
  /** Models in the manifest whose weights are not for commercial use, and whether the operator allowed them. */
  nonCommercial: { allowed: boolean; models: string[] };
}

export function describeCapabilities(registry: ModelRegistry, config: InferenceConfig): InferenceCapabilities {
  return {
    upscalers: availableUpscalers(registry),
    defaultUpscaler: selectUpscaler(registry, config),
    faceDetector: faceDetectorName(registry),
    nonCommercial: {
      allowed: config.INFERENCE_ALLOW_NON_COMMERCIAL_MODELS,
      models: registry.describe().filter((model) => model.file !== '' && !model.commercialUse).map((model) => model.name),
    },
  };
}
