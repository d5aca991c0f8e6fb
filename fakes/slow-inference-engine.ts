import { setTimeout as sleep } from 'node:timers/promises';
import type { InferenceEngine, InferenceRequest, InferenceResult, RunOptions } from '../inference/index.js';
import { gradientPng } from './images.js';

/** Results list the generated placeholder models they used, where the engine reports them: none here. */
const notAPlaceholder = { placeholderModels: [] as string[] };

/** When a run reports its first progress: after the inference activity's first heartbeat may go out (1 s). */
const FIRST_PROGRESS_MS = 1_200;

/**
 * An inference engine whose every run takes `runMs` and cannot be interrupted, like one long model step on a GPU:
 * it reports progress once (the activity's heartbeat goes out, and the next ones are throttled), then ignores the
 * abort signal, so a cancel only counts once the run is over. Tests see when runs start, report and end.
 */
export class SlowInferenceEngine implements InferenceEngine {
  started = 0;
  progressed = 0;
  finished = 0;

  constructor(private readonly runMs: number) {}

  async run(_request: InferenceRequest, options: RunOptions = {}): Promise<InferenceResult> {
    this.started += 1;
    await sleep(FIRST_PROGRESS_MS);
    options.onProgress?.({ fraction: 0.1, stage: 'upscale' });
    this.progressed += 1;
    await sleep(Math.max(0, this.runMs - FIRST_PROGRESS_MS));
    this.finished += 1;
    return { data: await gradientPng(8, 8), contentType: 'image/png', width: 8, height: 8, ...notAPlaceholder };
  }

  describeModels(): ReturnType<InferenceEngine['describeModels']> {
    return [];
  }

  capabilities(): ReturnType<InferenceEngine['capabilities']> {
    throw new Error('SlowInferenceEngine serves test workers only, which never ask for capabilities');
  }

  async close(): Promise<void> {}
}
