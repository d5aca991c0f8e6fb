import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface InferenceGaugeSources {
  models(): { name: string; loaded: boolean; placeholder: boolean; licence: string; commercialUse: boolean }[];
  concurrencyLimit: number;
}

/** The inference worker's metrics: time per stage and model, input size, models loaded, slots in use. */
export function createInferenceMetrics(registry: Registry, sources: InferenceGaugeSources) {
  return {
    stageSeconds: new Histogram({
      name: 'oneshot_inference_stage_seconds',
      help: 'Seconds per pipeline stage (download, decode, detect, upscale, restore, swap, encode, upload), by model.',
      labelNames: ['stage', 'model'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    inputMegapixels: new Histogram({
      name: 'oneshot_inference_input_megapixels',
      help: 'Input image size per job, in megapixels.',
      labelNames: ['job_type'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers: [registry],
    }),
    activeJobs: new Gauge({ name: 'oneshot_inference_active_jobs', help: 'Inference activities running now.', registers: [registry] }),
    concurrencyLimit: new Gauge({
      name: 'oneshot_inference_concurrency_limit',
      help: 'Inference activities this worker runs at once (INFERENCE_CONCURRENCY).',
      registers: [registry],
      collect() {
        this.set(sources.concurrencyLimit);
      },
    }),
    modelsLoaded: new Gauge({
      name: 'oneshot_inference_models_loaded',
      help: 'Models with an open session (1) or not yet loaded (0), with placeholder and licence labels.',
      labelNames: ['model', 'placeholder', 'licence', 'commercial'] as const,
      registers: [registry],
      collect() {
        for (const model of sources.models()) {
          this.set({ model: model.name, placeholder: String(model.placeholder), licence: model.licence, commercial: String(model.commercialUse) }, model.loaded ? 1 : 0);
        }
      },
    }),
    failures: new Counter({
      name: 'oneshot_inference_failures_total',
      help: 'Inference attempts that failed, by code (business codes are final; others are retried).',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
  };
}

export type InferenceMetrics = ReturnType<typeof createInferenceMetrics>;
