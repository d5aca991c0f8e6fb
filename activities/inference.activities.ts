import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import sharp from 'sharp';
import { JobStore } from '../db/job-store.js';
import type { JobSpec } from '../domain/jobs/parameters.js';
import type { InferenceMetrics } from '../integrations/metrics/inference-metrics.js';
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
  /** Placeholder models the result was made with (development only): not a real restoration or swap. Absent in older histories. */
  placeholderModels?: string[];
}

/** How often progress reaches the job row at most; the latest report is written when the interval ends. */
const PROGRESS_WRITE_INTERVAL_MS = 500;
/**
 * Heartbeats start after this: each one is a write on the Temporal server, and a job done sooner needs none (the
 * heartbeat timeout is far longer). A cancellation reaches the attempt with its first heartbeat.
 */
const HEARTBEAT_AFTER_MS = 1_000;
/** Keeps the heartbeat alive through long downloads and model runs that report no progress. */
const KEEPALIVE_INTERVAL_MS = 5_000;

/**
 * The GPU-queue activity: download the inputs from S3, run the pipeline, upload the result. Image bytes stay
 * inside this activity; Temporal only sees keys. Heartbeats let a dead worker's job resume on another one.
 */
export function createInferenceActivities(deps: { engine: InferenceEngine; objectStore: ObjectStore; orm: MikroORM; metrics: InferenceMetrics }) {
  const { metrics } = deps;
  return {
    async runInference(input: RunInferenceInput): Promise<RunInferenceResult> {
      const { cancellationSignal } = Context.current();
      const jobs = new JobStore(deps.orm.em.fork());
      // One write starts the attempt: the job is processing, downloading its inputs.
      await jobs.markProcessing(input.jobId, 'downloading');
      const model = modelLabel(input.spec);
      const clock = stageClock((stage, seconds) => metrics.stageSeconds.observe({ stage, model }, seconds));
      const progress = throttledProgress((fraction, stage) => jobs.recordProgress(input.jobId, fraction, stage), (stage) => clock.enter(stage));
      const keepalive = setInterval(() => heartbeat(progress.latest()), KEEPALIVE_INTERVAL_MS);
      metrics.activeJobs.inc();
      let resultMayExist = false;
      try {
        progress.report(0, 'downloading');
        const [image, target] = await Promise.all([
          deps.objectStore.get(input.inputKey, cancellationSignal),
          input.targetKey ? deps.objectStore.get(input.targetKey, cancellationSignal) : undefined,
        ]);
        metrics.inputMegapixels.observe({ job_type: input.spec.jobType }, await megapixels(image));
        const started = performance.now();
        const result = await deps.engine.run(
          { ...input.spec, input: image, ...(target ? { target } : {}) },
          { signal: cancellationSignal, onProgress: ({ fraction, stage }) => progress.report(fraction * 0.95, stage) },
        );
        const inferenceMs = performance.now() - started;
        progress.report(0.95, 'uploading');
        resultMayExist = true;
        await deps.objectStore.put(input.resultKey, result.data, result.contentType, cancellationSignal);
        clock.enter('done');
        const { contentType, width, height, placeholderModels } = result;
        return { resultKey: input.resultKey, contentType, width, height, inferenceMs, placeholderModels };
      } catch (error) {
        // A write cut short by a cancel may have stored the object all the same: an attempt that ends without a
        // result leaves none behind (a canceled job's row never points at it, so nothing else would delete it).
        if (resultMayExist) await deps.objectStore.delete([input.resultKey]).catch(() => undefined);
        metrics.failures.inc({ code: error instanceof InferenceError ? error.code : 'INFRASTRUCTURE' });
        if (error instanceof InferenceError) throw ApplicationFailure.create({ type: error.code, message: error.message, nonRetryable: true });
        throw error;
      } finally {
        metrics.activeJobs.dec();
        clearInterval(keepalive);
        // Whatever is left unwritten is superseded by the job's outcome; writes already sent finish first.
        await progress.stop();
      }
    },
  };
}

export type InferenceActivities = ReturnType<typeof createInferenceActivities>;

/** The model a job's heavy step runs, for the per-model timings (the worker's default when the job names none). */
function modelLabel(spec: JobSpec): string {
  if (spec.jobType === 'face_swap') return 'inswapper';
  return spec.params.model ?? 'default';
}

async function megapixels(image: Buffer): Promise<number> {
  const { width = 0, height = 0 } = await sharp(image).metadata().catch(() => ({ width: 0, height: 0 }));
  return (width * height) / 1e6;
}

/** Times each stage from its first report to the next stage's: `enter` the stage names as they come. */
function stageClock(observe: (stage: string, seconds: number) => void) {
  let current: { stage: string; since: number } | undefined;
  return {
    enter: (stage: string) => {
      if (current?.stage === stage) return;
      const now = performance.now();
      if (current) observe(current.stage, (now - current.since) / 1000);
      current = { stage, since: now };
    },
  };
}

/**
 * Progress reports: heartbeats once the attempt has run HEARTBEAT_AFTER_MS, and database writes at most every
 * PROGRESS_WRITE_INTERVAL_MS, the latest report written when the interval ends. The attempt's start is already
 * written (markProcessing) and nothing is written twice, so a job done within the first interval writes no progress.
 */
function throttledProgress(write: (fraction: number, stage: string) => Promise<void>, onStage: (stage: string) => void) {
  const heartbeatFrom = Date.now() + HEARTBEAT_AFTER_MS;
  let latest = { fraction: 0, stage: 'downloading' };
  let written = latest;
  let lastWrite = Date.now();
  let trailing: NodeJS.Timeout | undefined;
  let pending: Promise<void> = Promise.resolve();
  const persist = () => {
    trailing = undefined;
    if (latest.fraction === written.fraction && latest.stage === written.stage) return;
    written = latest;
    lastWrite = Date.now();
    const { fraction, stage } = latest;
    // Progress is advisory: a failed write must not fail the job, the next one catches up.
    pending = pending.then(() => write(fraction, stage)).catch(() => undefined);
  };
  return {
    latest: () => latest,
    report(fraction: number, stage: string) {
      onStage(stage);
      latest = { fraction, stage };
      if (Date.now() >= heartbeatFrom) heartbeat(latest);
      if (trailing) return;
      const wait = PROGRESS_WRITE_INTERVAL_MS - (Date.now() - lastWrite);
      if (wait <= 0) persist();
      else trailing = setTimeout(persist, wait);
    },
    async stop() {
      clearTimeout(trailing);
      trailing = undefined;
      await pending;
    },
  };
}
