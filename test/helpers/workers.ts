import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { InferenceWorkers } from '../../db/inference-workers.js';
import { inferenceEnvSchema } from '../../domain/config/inference.js';
import type { WorkerCapabilities } from '../../domain/jobs/capabilities.js';
import { restorationModels, UPSCALER_NAMES } from '../../domain/jobs/parameters.js';
import { createInferenceEngine, type InferenceEngine } from '../../inference/index.js';
import { createLogger } from '../../integrations/logger.js';
import type { Tracing } from '../../integrations/tracing.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import type { PushTransports } from '../../integrations/push/message.js';
import { ensureModels } from '../../scripts/models/fetch.js';
import { createInferenceWorker } from '../../workers/inference-worker.js';
import { createOrchestratorWorker } from '../../workers/orchestrator-worker.js';

/** Models for integration tests: the production fetch (cached under ~/.cache/oneshot) into a private MODEL_DIR. */
export async function integrationModelDir(): Promise<string> {
  const modelDir = path.join(os.tmpdir(), 'oneshot-integration-models');
  await ensureModels({ modelDir });
  return modelDir;
}

export async function testInferenceEngine(): Promise<InferenceEngine> {
  return createInferenceEngine(inferenceEnvSchema.parse({ MODEL_DIR: await integrationModelDir(), UPSCALE_TILE_SIZE: '64' }));
}

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  runtimeInstalled = true;
}

/** What the test workers advertise by default: every job type and upscaler, as a CPU worker runs them. */
export const TEST_FLEET: WorkerCapabilities = {
  executionProvider: 'cpu',
  upscalers: [...UPSCALER_NAMES],
  defaultUpscaler: 'realesrgan-x4fast',
  restorers: [...restorationModels],
  faceDetection: true,
  faceSwap: true,
  placeholders: [],
};

export interface TestWorkers {
  client: Client;
  taskQueues: { orchestrator: string; inference: string };
  shutdown(): Promise<void>;
}

/**
 * Both real workers in this process, on task queues unique to the test file, against the real Temporal server.
 * `inProcessInference: false` leaves the inference queue to workers the test runs itself (e.g. as child processes).
 */
export async function startTestWorkers(deps: {
  address: string;
  namespace: string;
  orm: MikroORM;
  objectStore: ObjectStore;
  engine?: InferenceEngine;
  push?: PushTransports;
  tracing?: Tracing;
  /** Advertised for the inference queue (the API admits and prices jobs by it); TEST_FLEET by default. */
  capabilities?: WorkerCapabilities;
}): Promise<TestWorkers> {
  quietRuntime();
  const suffix = randomUUID().slice(0, 8);
  const taskQueues = { orchestrator: `test-orchestrator-${suffix}`, inference: `test-inference-${suffix}` };
  await new InferenceWorkers(deps.orm.em.fork()).advertise(`test-${suffix}`, taskQueues.inference, deps.capabilities ?? TEST_FLEET);
  const connection = await NativeConnection.connect({ address: deps.address });
  const client = new Client({ connection: await Connection.connect({ address: deps.address }), namespace: deps.namespace });
  const logger = createLogger({ level: 'silent', name: 'test-workers' });
  const workers = [
    await createOrchestratorWorker({
      connection,
      namespace: deps.namespace,
      taskQueue: taskQueues.orchestrator,
      orm: deps.orm,
      temporal: client,
      logger,
      objectStore: deps.objectStore,
      push: deps.push,
      tracing: deps.tracing,
    }),
  ];
  if (deps.engine) {
    workers.push(
      await createInferenceWorker({
        connection,
        namespace: deps.namespace,
        taskQueue: taskQueues.inference,
        concurrency: 2,
        engine: deps.engine,
        objectStore: deps.objectStore,
        orm: deps.orm,
        tracing: deps.tracing,
      }),
    );
  }
  const running = Promise.all(workers.map((worker) => worker.run()));
  return {
    client,
    taskQueues,
    async shutdown() {
      for (const worker of workers) worker.shutdown();
      await running;
      await Promise.all([connection.close(), client.connection.close()]);
    },
  };
}
