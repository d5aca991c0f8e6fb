// One job thread of the engine's pool (piscina): its own sessions, one job at a time. A model's run blocks this
// thread only; the worker's event loop keeps heartbeating, transferring and noticing cancellations.
import { BroadcastChannel, workerData } from 'node:worker_threads';
import { InferenceError } from '../errors.js';
import { createJobRunner } from '../job-runner.js';
import type { InferenceLogger, ModelStatus } from '../types.js';
import type { ChannelMessage, JobMessage, JobTask, ThreadData, ThreadTask } from './messages.js';

const { config, manifest, sessionThreads, channel: channelName } = workerData as ThreadData;
const channel = new BroadcastChannel(channelName);
channel.unref();
const post = (message: ChannelMessage) => channel.postMessage(message);
const logger: InferenceLogger = {
  info: (obj, msg) => post({ kind: 'log', level: 'info', obj, msg }),
  warn: (obj, msg) => post({ kind: 'log', level: 'warn', obj, msg }),
};
// Model status changes go where the engine reads them in order: the running job's port, or the warm-up's result.
let reportStatus: (status: ModelStatus) => void = () => undefined;
const runner = createJobRunner(config, manifest, { sessionThreads, onStatus: (status) => reportStatus(status), logger });

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function runTask(task: JobTask): Promise<void> {
  const send = (message: JobMessage, transfer: ArrayBuffer[] = []) => task.port.postMessage(message, transfer);
  const cancel = new Int32Array(task.cancel);
  const controller = new AbortController();
  const checkCancel = () => {
    if (Atomics.load(cancel, 0) === 1) controller.abort(new DOMException('The job was canceled', 'AbortError'));
  };
  reportStatus = (status) => send({ kind: 'status', status });
  try {
    checkCancel();
    const { request } = task;
    const result = await runner.run(
      // Buffers arrive as plain Uint8Arrays (structured clone).
      { ...request, input: asBuffer(request.input), ...(request.target ? { target: asBuffer(request.target) } : {}) },
      {
        signal: controller.signal,
        onProgress: ({ fraction, stage }) => {
          checkCancel();
          send({ kind: 'progress', fraction, stage });
        },
      },
    );
    // A copy of its own (sharp's buffers may not be transferable) moves to the engine without another copy.
    const data = new Uint8Array(result.data);
    send({ kind: 'done', result: { ...result, data } }, [data.buffer]);
  } catch (error) {
    if (controller.signal.aborted) send({ kind: 'canceled' });
    else if (error instanceof InferenceError) send({ kind: 'failed', code: error.code, message: error.message });
    else throw error;
  } finally {
    reportStatus = () => undefined;
    task.port.close();
  }
}

async function warmUp(): Promise<ModelStatus[]> {
  const statuses: ModelStatus[] = [];
  reportStatus = (status) => statuses.push(status);
  try {
    await runner.warmUp();
    return statuses;
  } finally {
    reportStatus = () => undefined;
  }
}

export default function handle(task: ThreadTask): Promise<ModelStatus[] | void> {
  return task.kind === 'warm-up' ? warmUp() : runTask(task);
}
