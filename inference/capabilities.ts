import type { WorkerCapabilities } from '../domain/jobs/capabilities.js';
import { restorationModels } from '../domain/jobs/parameters.js';
import type { JobPlan } from '../domain/jobs/plan.js';
import type { ExecutionProvider } from './execution-provider.js';
import { faceDetectorName, type FaceDetectorName } from './faces/detector.js';
import type { ModelName } from './models/catalog.js';
import type { ModelRegistry } from './models/registry.js';
import type { InferenceConfig } from './types.js';
import { availableUpscalers, selectUpscaler } from './upscale/upscale-image.js';
import { UPSCALER_ROLES } from './upscale/upscalers.js';

/** What this worker serves jobs with, decided by its manifest, the models' licences, its configuration and its device. */
export interface InferenceCapabilities extends WorkerCapabilities {
  faceDetector: FaceDetectorName;
  /** Models in the manifest whose weights are not for commercial use, and whether the operator allowed them. */
  nonCommercial: { allowed: boolean; models: string[] };
}

/** The models a face detector of this worker runs. */
function detectorModels(registry: ModelRegistry): ModelName[] {
  return faceDetectorName(registry) === 'scrfd' ? ['scrfd'] : ['face_detector', 'face_landmarker'];
}

/** The models a plan runs on this worker (the upscaler resolved as the job will resolve it). */
export function planModels(registry: ModelRegistry, config: InferenceConfig, plan: JobPlan): ModelName[] {
  return [
    ...(plan.detectFaces === 'none' ? [] : detectorModels(registry)),
    ...(plan.upscale ? [UPSCALER_ROLES[selectUpscaler(registry, config, plan.upscaler ?? undefined)][plan.upscale]] : []),
    ...(plan.restore ? [plan.restore.model] : []),
    ...(plan.swap ? (['arcface', 'inswapper'] as const) : []),
  ];
}

export function describeCapabilities(registry: ModelRegistry, config: InferenceConfig, executionProvider: ExecutionProvider): InferenceCapabilities {
  const described = registry.describe();
  const usable = (names: readonly ModelName[]) => names.every((name) => registry.usable(name));
  const upscalers = availableUpscalers(registry);
  return {
    executionProvider,
    upscalers,
    defaultUpscaler: upscalers.length > 0 ? selectUpscaler(registry, config) : null,
    restorers: restorationModels.filter((model) => registry.usable(model)),
    faceDetection: usable(detectorModels(registry)),
    faceSwap: usable(['arcface', 'inswapper']),
    placeholders: described.filter((model) => model.placeholder && registry.usable(model.name as ModelName)).map((model) => model.name),
    faceDetector: faceDetectorName(registry),
    nonCommercial: {
      allowed: config.INFERENCE_ALLOW_NON_COMMERCIAL_MODELS,
      models: described.filter((model) => model.file !== '' && !model.commercialUse).map((model) => model.name),
    },
  };
}
