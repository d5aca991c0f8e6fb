import { describeCapabilities } from './capabilities.js';
import { createLimiter } from './concurrency.js';
import { runJob } from './jobs.js';
import { MODEL_NAMES } from './models/catalog.js';
import { readManifest } from './models/manifest.js';
import { ModelRegistry } from './models/registry.js';
import type { InferenceConfig, InferenceEngine, InferenceLogger } from './types.js';

/**
 * Reads MODEL_DIR's manifest and returns the engine. Models load lazily, once per process, on the first
 * job that needs them; with INFERENCE_WARMUP every model in the manifest is loaded (and run once) here, and
 * one that fails is reported by describeModels() rather than failing the start. Placeholders and models held
 * back by their licence are logged; capabilities() says which upscalers and detector jobs get.
 */
export async function createInferenceEngine(config: InferenceConfig, logger?: InferenceLogger): Promise<InferenceEngine> {
  const manifest = await readManifest(config.MODEL_DIR);
  const registry = new ModelRegistry(
    manifest,
    {
      modelDir: config.MODEL_DIR,
      executionProvider: config.ONNX_EXECUTION_PROVIDER,
      threads: config.INFERENCE_THREADS,
      threadSpinning: config.INFERENCE_THREAD_SPINNING,
      allowNonCommercial: config.INFERENCE_ALLOW_NON_COMMERCIAL_MODELS,
    },
    logger,
  );
  const placeholders = manifest.models.filter((model) => model.placeholder).map((model) => model.name);
  if (placeholders.length > 0) {
    logger?.warn({ placeholders, modelDir: config.MODEL_DIR }, 'PLACEHOLDER models in use: their results are not real restorations or swaps');
  }
  const capabilities = describeCapabilities(registry, config);
  if (capabilities.nonCommercial.models.length > 0) {
    const { allowed, models } = capabilities.nonCommercial;
    if (allowed) logger?.warn({ models }, 'NON-COMMERCIAL models enabled by INFERENCE_ALLOW_NON_COMMERCIAL_MODELS: their licences forbid commercial use');
    else logger?.info({ models }, 'non-commercial models present but not loaded (INFERENCE_ALLOW_NON_COMMERCIAL_MODELS is not true)');
  }
  if (config.INFERENCE_WARMUP) {
    // One at a time: each load already uses every core, and a CUDA failure is then met only once.
    for (const name of MODEL_NAMES.filter((model) => registry.usable(model))) await registry.get(name).catch(() => undefined);
  }

  const limit = createLimiter(config.INFERENCE_CONCURRENCY);
  return {
    run: (request, options = {}) => limit(() => runJob({ config, registry, options }, request)),
    describeModels: () => registry.describe(),
    capabilities: () => capabilities,
    close: () => registry.close(),
  };
}
