import type { MikroORM } from '@mikro-orm/postgresql';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import type { Tracing } from '../integrations/tracing.js';
import { tracedWorkerOptions } from '../integrations/tracing-temporal.js';
import { createInferenceActivities } from '../activities/inference.activities.js';
import { createSystemActivities } from '../activities/system.activities.js';
import type { InferenceEngine } from '../inference/index.js';
import { createInferenceMetrics, type InferenceMetrics } from '../integrations/metrics/inference-metrics.js';
import type { ObjectStore } from '../integrations/object-store.js';
import { workerDeploymentOptions, type WorkerVersion } from '../integrations/worker-deployment.js';

export interface InferenceWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** How many inference activities the device holds at once. */
  concurrency: number;
  engine: InferenceEngine;
  objectStore: ObjectStore;
  orm: MikroORM;
  /** Where inference metrics are counted; by default a registry nobody serves. */
  metrics?: InferenceMetrics;
  /** Activity spans, when tracing is on. */
  tracing?: Tracing | undefined;
  /** How long in-flight inference may finish after shutdown starts (WORKER_SHUTDOWN_GRACE); by default none. */
  shutdownGraceMs?: number;
  /** The Worker Deployment version it registers (the orchestrator's): pinned jobs run inference on their own code. */
  version?: WorkerVersion | undefined;
}

/**
 * How long a heartbeat may wait before it reaches the server. A cancel reaches a running attempt only in the
 * server's answer to a heartbeat, and the SDK's default (80 % of the 30 s heartbeat timeout) let a canceled or
 * deleted job's inference run on for up to 24 s; the job thread stops within a tile once it hears.
 */
const HEARTBEAT_THROTTLE = '2 seconds';

/** Inference activities only, on a GPU-tagged task queue; no workflows. */
export function createInferenceWorker(deps: InferenceWorkerDeps): Promise<Worker> {
  const metrics = deps.metrics ?? createInferenceMetrics(new Registry(), { models: () => deps.engine.describeModels(), concurrencyLimit: deps.concurrency });
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...tracedWorkerOptions(deps.tracing),
    ...workerDeploymentOptions(deps.version),
    activities: {
      ...createSystemActivities({ workerRole: 'inference' }),
      ...createInferenceActivities({ engine: deps.engine, objectStore: deps.objectStore, orm: deps.orm, metrics }),
    },
    maxConcurrentActivityTaskExecutions: deps.concurrency,
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    defaultHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    ...(deps.shutdownGraceMs === undefined ? {} : { shutdownGraceTime: deps.shutdownGraceMs }),
  });
}
