import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import { JobStore } from '../db/job-store.js';
import type { JobSpec } from '../domain/jobs/parameters.js';
import type { ObjectStore } from '../integrations/object-store.js';
import { InferenceError, type InferenceEngine } from '../inference/index.js';

export interface RunInferenceInput {
  jobId: string;
  spec: JobSpec;
  inputKey: string;
  targetKey?: string;
  resultKey: string;
}

export interface RunInferenceResult {
  resultKey: string;
  contentType: string;
  width: number;
  height: number;
  inferenceMs: number;
}

/** How often progress reaches the job row at most; heartbeats carry every update. */
const PROGRESS_WRITE_INTERVAL_MS = 500;
/** Keeps the heartbeat alive through long downloads and model runs that report no progress. */
const KEEPALIVE_INTERVAL_MS = 5_000;

/**
 * The GPU-queue activity: download the inputs from S3, run the pipeline, upload the result. Image bytes stay
 * inside this activity; Temporal only sees keys. Heartbeats let a dead worker's job resume on another one.
 */
export function createInferenceActivities(deps: { engine: InferenceEngine; objectStore: ObjectStore; orm: MikroORM }) {
  return {
    async runInference(input: RunInferenceInput): Promise<RunInferenceResult> {
      const { cancellationSignal } = Context.current();
      const jobs = new JobStore(deps.orm.em.fork());
      await jobs.markProcessing(input.jobId);
      const progress = throttledProgress((fraction, stage) => jobs.recordProgress(input.jobId, fraction, stage));
      const keepalive = setInterval(() => heartbeat(progress.latest()), KEEPALIVE_INTERVAL_MS);
      try {
        progress.report(0, 'downloading');
        const [image, target] = await Promise.all([
          deps.objectStore.get(input.inputKey, cancellationSignal),
          input.targetKey ? deps.objectStore.get(input.targetKey, cancellationSignal) : undefined,
        ]);
        const started = performance.now();
        const result = await deps.engine.run(
          { ...input.spec, input: image, ...(target ? { target } : {}) },
          { signal: cancellationSignal, onProgress: ({ fraction, stage }) => progress.report(fraction * 0.95, stage) },
        );
        const inferenceMs = performance.now() - started;
        progress.report(0.95, 'uploading');
        await deps.objectStore.put(input.resultKey, result.data, result.contentType, cancellationSignal);
        await progress.flush();
        return { resultKey: input.resultKey, contentType: result.contentType, width: result.width, height: result.height, inferenceMs };
      } catch (error) {
        if (error instanceof InferenceError) throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
        throw error;
      } finally {
        clearInterval(keepalive);
      }
    },
  };
}

export type InferenceActivities = ReturnType<typeof createInferenceActivities>;

/** Heartbeats on every report; writes to the database at most every PROGRESS_WRITE_INTERVAL_MS. */
function throttledProgress(write: (fraction: number, stage: string) => Promise<void>) {
  let latest = { fraction: 0, stage: 'queued' };
  let lastWrite = 0;
  let pending: Promise<void> = Promise.resolve();
  const persist = () => {
    lastWrite = Date.now();
    const { fraction, stage } = latest;
    // Progress is advisory: a failed write must not fail the job, the next one catches up.
    pending = pending.then(() => write(fraction, stage)).catch(() => undefined);
  };
  return {
    latest: () => latest,
    report(fraction: number, stage: string) {
      latest = { fraction, stage };
      heartbeat(latest);
      if (Date.now() - lastWrite >= PROGRESS_WRITE_INTERVAL_MS) persist();
    },
    async flush() {
      persist();
      await pending;
    },
  };
}
