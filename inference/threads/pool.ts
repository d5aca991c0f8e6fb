import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { BroadcastChannel, MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { InferenceError } from '../errors.js';
import type { Manifest } from '../models/manifest.js';
import type { InferenceConfig, InferenceLogger, InferenceRequest, InferenceResult, ModelStatus, RunOptions } from '../types.js';
import type { ChannelMessage, JobMessage, ThreadData, ThreadTask } from './messages.js';

const THREAD_ENTRY = new URL('./job-thread.ts', import.meta.url).href;
/**
 * The job threads load TypeScript through tsx's hooks, whichever way this process was started (the tsx CLI, vitest,
 * a bench): a worker thread does not share its parent's module loader.
 */
const THREAD_EXEC_ARGV = ['--import', import.meta.resolve('tsx/esm')];

export interface JobPool {
  run(request: InferenceRequest, options?: RunOptions): Promise<InferenceResult>;
  /** Every thread loads (and runs once) every model it may use. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * INFERENCE_CONCURRENCY worker threads, each with its own sessions, run the jobs: a model run blocks only its
 * thread, so the worker's event loop keeps heartbeating, transferring and noticing cancellations, and that many
 * models really run at once (jobs beyond that wait in the pool's queue). Worker threads rather than child processes:
 * onnxruntime-node is an N-API addon that runs in worker threads, images move by transfer instead of through a
 * pipe, and a thread starts in milliseconds. Model status changes come back with the job (or warm-up) that made
 * them, in order with its outcome; log lines over a BroadcastChannel.
 */
export function createJobPool(deps: {
  config: InferenceConfig;
  manifest: Manifest;
  onStatus: (status: ModelStatus) => void;
  logger?: InferenceLogger | undefined;
}): JobPool {
  const threads = deps.config.INFERENCE_CONCURRENCY;
  const channel = new BroadcastChannel(`oneshot-inference-${randomUUID()}`);
  channel.unref();
  channel.onmessage = (event) => {
    const message = (event as { data: ChannelMessage }).data;
    if (message.level === 'warn') deps.logger?.warn(message.obj, message.msg);
    else deps.logger?.info(message.obj, message.msg);
  };
  const workerData: ThreadData = {
    config: deps.config,
    manifest: deps.manifest,
    // One core is left to the event loop (heartbeats, transfers): with every core busy in ONNX Runtime its p99 delay
    // was 53–90 ms during an x4plus job on two cores, 26–35 ms with one left, at no cost in job time
    // (docs/performance.md). The rest is shared out between the job threads.
    sessionThreads: deps.config.INFERENCE_THREADS || Math.max(1, Math.floor((availableParallelism() - 1) / threads)),
    channel: channel.name,
  };
  const pool = new Piscina<ThreadTask, ModelStatus[] | void>({
    filename: THREAD_ENTRY,
    execArgv: THREAD_EXEC_ARGV,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData,
  });

  return {
    async run(request, options = {}) {
      const { signal, onProgress } = options;
      signal?.throwIfAborted();
      const cancel = new SharedArrayBuffer(4);
      const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
      signal?.addEventListener('abort', onAbort, { once: true });
      const { port1, port2 } = new MessageChannel();
      const outcome = new Promise<Exclude<JobMessage, { kind: 'progress' | 'status' }>>((resolve) => {
        port1.on('message', (message: JobMessage) => {
          if (message.kind === 'progress') onProgress?.({ fraction: message.fraction, stage: message.stage });
          else if (message.kind === 'status') deps.onStatus(message.status);
          else resolve(message);
        });
      });
      try {
        await pool.run({ kind: 'job', request, cancel, port: port2 }, { transferList: [port2] });
        const message = await outcome;
        switch (message.kind) {
          case 'done': {
            const { data } = message.result;
            return { ...message.result, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
          }
          case 'failed':
            throw new InferenceError(message.code, message.message);
          case 'canceled':
            throw signal?.reason ?? new DOMException('The job was canceled', 'AbortError');
        }
      } finally {
        signal?.removeEventListener('abort', onAbort);
        port1.close();
      }
    },
    async warmUp() {
      // One task per thread: each thread is idle, so piscina hands each one of them.
      const statuses = await Promise.all(Array.from({ length: threads }, () => pool.run({ kind: 'warm-up' })));
      for (const status of statuses.flatMap((changed) => changed ?? [])) deps.onStatus(status);
    },
    async close() {
      await pool.close();
      channel.close();
    },
  };
}
