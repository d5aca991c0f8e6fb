import { placeholdersAllowed } from '../domain/config/inference.js';
import { runJob } from './jobs.js';
import { MODEL_NAMES } from './models/catalog.js';
import type { Manifest } from './models/manifest.js';
import { ModelRegistry } from './models/registry.js';
import type { InferenceConfig, InferenceLogger, InferenceRequest, InferenceResult, ModelStatus, RunOptions } from './types.js';

export interface JobRunner {
  /** Runs a job on the calling thread (its model runs block it): what each job thread does. */
  run(request: InferenceRequest, options?: RunOptions): Promise<InferenceResult>;
  /** Loads (and runs once) every model this runner may use; one that fails is reported, not thrown. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Sessions and the pipeline in the calling thread: the job threads' runner (inference/threads/job-thread.ts), and
 * the benchmarks' where they time session.run inside a job. `config.ONNX_EXECUTION_PROVIDER` is the provider the
 * engine decided on (resolveExecutionProvider).
 */
export function createJobRunner(
  config: InferenceConfig,
  manifest: Manifest,
  options: { sessionThreads: number; onStatus?: (status: ModelStatus) => void; logger?: InferenceLogger | undefined },
): JobRunner {
  const registry = new ModelRegistry(
    manifest,
    {
      modelDir: config.MODEL_DIR,
      executionProvider: config.ONNX_EXECUTION_PROVIDER,
      threads: options.sessionThreads,
      threadSpinning: config.INFERENCE_THREAD_SPINNING,
      allowNonCommercial: config.INFERENCE_ALLOW_NON_COMMERCIAL_MODELS,
      allowPlaceholders: placeholdersAllowed(config),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    },
    options.logger,
  );
  return {
    run: (request, runOptions = {}) => runJob({ config, registry, options: runOptions }, request),
    async warmUp() {
      // One at a time: each load already uses the thread's cores.
      for (const name of MODEL_NAMES.filter((model) => registry.usable(model))) await registry.get(name).catch(() => undefined);
    },
    close: () => registry.close(),
  };
}
