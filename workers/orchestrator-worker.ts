import { fileURLToPath } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import type { Tracing } from '../integrations/tracing.js';
import { tracedWorkerOptions } from '../integrations/tracing-temporal.js';
import { createBillingActivities, type BillingActivitiesDeps } from '../activities/billing.activities.js';
import { createAccountDeletionActivities } from '../activities/account-deletion.activities.js';
import { createJobActivities } from '../activities/job.activities.js';
import { createPushActivities } from '../activities/push.activities.js';
import { createReconcileJobsActivities } from '../activities/reconcile-jobs.activities.js';
import { createRetentionActivities } from '../activities/retention.activities.js';
import { createSystemActivities } from '../activities/system.activities.js';
import type { Logger } from '../integrations/logger.js';
import { createJobMetrics, type JobMetrics } from '../integrations/metrics/job-metrics.js';
import type { ObjectStore } from '../integrations/object-store.js';
import type { PushTransports } from '../integrations/push/message.js';
import { workerDeploymentOptions, type WorkerVersion } from '../integrations/worker-deployment.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface OrchestratorWorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  orm: MikroORM;
  /** The reconciler describes job workflows and starts settlement workflows through it. */
  temporal: Client;
  logger: Logger;
  /** Store re-checks for the renewal sweep; omitted where a worker does not sweep (e.g. job tests). */
  billing?: BillingActivitiesDeps;
  /** Account deletion and the retention sweep delete objects through it; omitted where a worker does neither. */
  objectStore?: ObjectStore;
  /** Push services for job outcomes; none (the default) means pushes are off. */
  push?: PushTransports;
  /** Where job and money metrics are counted; by default a registry nobody serves (tests that don't look). */
  metrics?: JobMetrics;
  /** Workflow and activity spans, when tracing is on. */
  tracing?: Tracing | undefined;
  /** Sticky workflow cache size (ORCHESTRATOR_MAX_CACHED_WORKFLOWS); by default the SDK's, which grows with the heap. */
  maxCachedWorkflows?: number;
  /** How long in-flight tasks may finish after shutdown starts (WORKER_SHUTDOWN_GRACE); by default none. */
  shutdownGraceMs?: number;
  /** The Worker Deployment version it registers; none: an unversioned worker. */
  version?: WorkerVersion | undefined;
}

/** Workflows plus the CPU activities (database, ledger, S3 bookkeeping, store APIs). */
export function createOrchestratorWorker(deps: OrchestratorWorkerDeps): Promise<Worker> {
  const metrics = deps.metrics ?? createJobMetrics(new Registry());
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath,
    ...tracedWorkerOptions(deps.tracing),
    ...workerDeploymentOptions(deps.version),
    ...(deps.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: deps.maxCachedWorkflows }),
    ...(deps.shutdownGraceMs === undefined ? {} : { shutdownGraceTime: deps.shutdownGraceMs }),
    activities: {
      ...createSystemActivities({ workerRole: 'orchestrator' }),
      ...createJobActivities({ orm: deps.orm, metrics }),
      ...createReconcileJobsActivities({ orm: deps.orm, temporal: deps.temporal, taskQueue: deps.taskQueue, logger: deps.logger, metrics }),
      ...(deps.billing ? createBillingActivities(deps.billing) : {}),
      ...createPushActivities({ orm: deps.orm, transports: deps.push ?? {}, logger: deps.logger }),
      ...(deps.objectStore ? lifecycleActivities({ ...deps, objectStore: deps.objectStore }) : {}),
    },
  });
}

/** Account deletion and retention: both delete users' objects from S3. */
function lifecycleActivities(deps: OrchestratorWorkerDeps & { objectStore: ObjectStore }) {
  const lifecycle = { orm: deps.orm, temporal: deps.temporal, taskQueue: deps.taskQueue, objectStore: deps.objectStore };
  return { ...createAccountDeletionActivities(lifecycle), ...createRetentionActivities(lifecycle) };
}
