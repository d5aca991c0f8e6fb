import type { MessagePort } from 'node:worker_threads';
import type { Manifest } from '../models/manifest.js';
import type { InferenceErrorCode } from '../errors.js';
import type { InferenceConfig, InferenceRequest, InferenceResult, ModelStatus } from '../types.js';

/** What every job thread is started with: the same config (provider already decided) and manifest as the engine. */
export interface ThreadData {
  config: InferenceConfig;
  manifest: Manifest;
  /** ONNX Runtime intra-op threads for each session in this thread (0: ONNX Runtime's choice). */
  sessionThreads: number;
  /** A BroadcastChannel the threads send their log lines on (unique per engine). */
  channel: string;
}

/**
 * A job for a thread. `cancel` is an Int32Array over shared memory the engine sets to 1 when the job's signal
 * aborts: the thread reads it at every progress report (each tile, each face), so a cancel stops the job within
 * one tile whatever the thread's event loop is doing. Progress and the outcome come back on `port`, in order.
 */
export interface JobTask {
  kind: 'job';
  request: InferenceRequest;
  cancel: SharedArrayBuffer;
  port: MessagePort;
}

/** Loads (and runs once) every model the thread may use; resolves with the statuses that changed. */
export interface WarmUpTask {
  kind: 'warm-up';
}

export type ThreadTask = JobTask | WarmUpTask;

/** On the job's port, in order: progress and model status changes as they happen, then the outcome. */
export type JobMessage =
  | { kind: 'progress'; fraction: number; stage: string }
  | { kind: 'status'; status: ModelStatus }
  | { kind: 'done'; result: Omit<InferenceResult, 'data'> & { data: Uint8Array } }
  | { kind: 'failed'; code: InferenceErrorCode; message: string }
  | { kind: 'canceled' };

export interface ChannelMessage {
  kind: 'log';
  level: 'info' | 'warn';
  obj: object;
  msg?: string | undefined;
}
