import { placeholdersAllowed } from '../domain/config/inference.js';
import { describeCapabilities } from './capabilities.js';
import { resolveExecutionProvider } from './execution-provider.js';
import { readManifest } from './models/manifest.js';
import { ModelRegistry } from './models/registry.js';
import { createJobPool } from './threads/pool.js';
import type { InferenceConfig, InferenceEngine, InferenceLogger } from './types.js';

/**
 * Reads MODEL_DIR's manifest, decides the execution provider (refusing a CUDA worker without CUDA, see
 * resolveExecutionProvider) and starts INFERENCE_CONCURRENCY job threads, each loading its models lazily on the
 * first job that needs them; with INFERENCE_WARMUP every thread loads (and runs once) every model here, and one
 * that fails is reported by describeModels() rather than failing the start. Placeholders (refused in production)
 * and models held back by their licence are logged; capabilities() says what jobs this worker can run.
 */
export async function createInferenceEngine(config: InferenceConfig, logger?: InferenceLogger): Promise<InferenceEngine> {
  const manifest = await readManifest(config.MODEL_DIR);
  const executionProvider = await resolveExecutionProvider(config, logger);
  // Everything downstream (the default upscaler, the sessions) sees the provider the models really run on.
  const effective: InferenceConfig = { ...config, ONNX_EXECUTION_PROVIDER: executionProvider };
  // The engine's view of the models: it loads nothing, the threads' registries report to it.
  const registry = new ModelRegistry(
    manifest,
    {
      modelDir: config.MODEL_DIR,
      executionProvider,
      threads: config.INFERENCE_THREADS,
      allowNonCommercial: config.INFERENCE_ALLOW_NON_COMMERCIAL_MODELS,
      allowPlaceholders: placeholdersAllowed(config),
    },
    logger,
  );
  const placeholders = manifest.models.filter((model) => model.placeholder).map((model) => model.name);
  if (placeholders.length > 0 && placeholdersAllowed(config)) {
    logger?.warn({ placeholders, modelDir: config.MODEL_DIR }, 'PLACEHOLDER models in use: their results are not real restorations or swaps, and say so');
  } else if (placeholders.length > 0) {
    logger?.info({ placeholders }, 'placeholder models present but not loaded (production, or INFERENCE_ALLOW_PLACEHOLDERS=false): their job types are not offered');
  }
  const capabilities = describeCapabilities(registry, effective, executionProvider);
  if (capabilities.nonCommercial.models.length > 0) {
    const { allowed, models } = capabilities.nonCommercial;
    if (allowed) logger?.warn({ models }, 'NON-COMMERCIAL models enabled by INFERENCE_ALLOW_NON_COMMERCIAL_MODELS: their licences forbid commercial use');
    else logger?.info({ models }, 'non-commercial models present but not loaded (INFERENCE_ALLOW_NON_COMMERCIAL_MODELS is not true)');
  }

  const pool = createJobPool({ config: effective, manifest, onStatus: (status) => registry.adopt(status), logger });
  if (config.INFERENCE_WARMUP) await pool.warmUp();
  return {
    run: (request, options) => pool.run(request, options),
    describeModels: () => registry.describe(),
    capabilities: () => capabilities,
    async close() {
      await pool.close();
      await registry.close();
    },
  };
}
