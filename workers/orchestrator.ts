// Orchestrator worker main: `npx tsx workers/orchestrator.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { collectDefaultMetrics, Registry } from 'prom-client';
import { JobStore } from '../db/job-store.js';
import { auditLedger } from '../db/ledger-audit.js';
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { ensureRenewalSweepSchedule } from '../integrations/renewal-schedule.js';
import { createBillingService } from '../application/billing/wiring.js';
import { createLogger } from '../integrations/logger.js';
import { ensureJobReconcileSchedule } from '../integrations/job-reconcile-schedule.js';
import { createBillingWorkMetrics } from '../integrations/metrics/billing-metrics.js';
import { createJobMetrics } from '../integrations/metrics/job-metrics.js';
import { serveMetrics } from '../integrations/metrics/server.js';
import { installWorkerRuntime } from '../integrations/metrics/worker-runtime.js';
import { createObjectStore } from '../integrations/object-store.js';
import { createPushTransports } from '../integrations/push/transports.js';
import { ensureRetentionSweepSchedule, installRetentionLifecycleRules } from '../integrations/retention-schedule.js';
import { activityQueueStats } from '../integrations/task-queue-stats.js';
import { connectToTemporal } from '../integrations/temporal.js';
import { startTracing } from '../integrations/tracing.js';
import { setCurrentWorkerVersion, workerVersionFrom } from '../integrations/worker-deployment.js';
import { createOrchestratorWorker } from './orchestrator-worker.js';

const config = loadConfig(orchestratorProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-orchestrator' });
installWorkerRuntime(config.METRICS_HOST, config.ORCHESTRATOR_TEMPORAL_METRICS_PORT);
const orm = await createOrm(config);
const tracing = startTracing('oneshot-orchestrator', { endpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT });
const { connection, client } = await connectToTemporal(config, logger, tracing);
const version = workerVersionFrom(config);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = createJobMetrics(registry, {
  staleReservations: () => new JobStore(orm.em.fork()).countStaleReservations(config.JOB_LIFETIME),
  taskQueues: () => Promise.all([config.TEMPORAL_TASK_QUEUE_INFERENCE, config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR].map((queue) => activityQueueStats(client, queue))),
});
const billingMetrics = createBillingWorkMetrics(registry, {
  pendingAcknowledgements: async () => (await client.workflow.count('WorkflowType = "acknowledgePurchaseWorkflow" AND ExecutionStatus = "Running"')).count,
  ledgerAudit: () => auditLedger(orm.em.fork(), { reservationMaxAgeMs: config.JOB_LIFETIME + config.JOB_RECONCILE_GRACE }),
});
const metricsServer = await serveMetrics(registry, config.METRICS_HOST, config.ORCHESTRATOR_METRICS_PORT);
const billingLogger = logger.child({ module: 'billing' });
const billing = createBillingService(config, { orm, temporal: client, logger });
const objectStore = createObjectStore(config);
const push = createPushTransports(config);
try {
  // Created or brought up to date at every start: the interval and page settings follow the configuration.
  const schedule = await ensureRenewalSweepSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    intervalMs: config.RENEWAL_SWEEP_INTERVAL,
    pageSize: config.RENEWAL_SWEEP_PAGE_SIZE,
    pagesPerRun: config.RENEWAL_SWEEP_PAGES_PER_RUN,
  });
  logger.info({ schedule, intervalMs: config.RENEWAL_SWEEP_INTERVAL }, 'renewal sweep schedule ready');
  const reconciler = await ensureJobReconcileSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    intervalMs: config.JOB_RECONCILE_INTERVAL,
    pass: {
      pageSize: config.JOB_RECONCILE_PAGE_SIZE,
      pagesPerRun: config.JOB_RECONCILE_PAGES_PER_RUN,
      pagePauseMs: config.JOB_RECONCILE_PAGE_PAUSE,
      graceMs: config.JOB_RECONCILE_GRACE,
    },
  });
  logger.info({ schedule: reconciler, intervalMs: config.JOB_RECONCILE_INTERVAL }, 'job reconciler schedule ready');
  const retention = await ensureRetentionSweepSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    intervalMs: config.RETENTION_SWEEP_INTERVAL,
    sweep: {
      uploadRetentionMs: config.UPLOAD_RETENTION,
      resultRetentionMs: config.RESULT_RETENTION,
      pageSize: config.RETENTION_SWEEP_PAGE_SIZE,
      pagesPerRun: config.RETENTION_SWEEP_PAGES_PER_RUN,
      // A deletion the API started normally finishes within minutes; one still open after an interval stopped.
      deletionGraceMs: config.RETENTION_SWEEP_INTERVAL,
    },
  });
  logger.info({ schedule: retention, intervalMs: config.RETENTION_SWEEP_INTERVAL }, 'retention sweep schedule ready');
  if (config.RETENTION_S3_LIFECYCLE) {
    const installed = await installRetentionLifecycleRules(objectStore, { resultRetentionMs: config.RESULT_RETENTION, uploadMaxAgeMs: config.UPLOAD_MAX_AGE });
    logger.info({ installed }, installed ? 'S3 lifecycle rules installed' : 'S3 store has no lifecycle support; the retention sweep alone deletes');
  }
  logger.info({ ios: Boolean(push.ios), android: Boolean(push.android) }, 'job push notifications');
  const worker = await createOrchestratorWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    orm,
    temporal: client,
    logger: logger.child({ module: 'reconciler' }),
    metrics,
    tracing,
    maxCachedWorkflows: config.ORCHESTRATOR_MAX_CACHED_WORKFLOWS,
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE,
    version,
    objectStore,
    push,
    billing: {
      orm,
      billing,
      timing: config,
      concurrency: config.RENEWAL_SWEEP_CONCURRENCY,
      ratePerSecond: config.RENEWAL_SWEEP_RATE_PER_SECOND,
      logger: billingLogger,
      metrics: billingMetrics,
    },
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR, metricsPort: metricsServer.port, version }, 'orchestrator worker running');
  const running = worker.run();
  if (version && config.TEMPORAL_WORKER_SET_CURRENT) {
    // Once this version's workers poll every task queue (inference too), new jobs start on it; older versions
    // keep their pinned jobs until those finish. A failure leaves routing as it was: an operator sets it.
    setCurrentWorkerVersion(client, version, { timeoutMs: 5 * 60_000, identity: `orchestrator-${process.pid}` }).then(
      () => logger.info({ version }, 'worker version is now current'),
      (error: unknown) => logger.error({ version, err: error }, 'could not make this worker version current'),
    );
  }
  await running;
  logger.info('orchestrator worker stopped');
} finally {
  await Promise.all([push.ios?.close(), push.android?.close()]);
  await client.connection.close();
  await connection.close();
  await orm.close();
  await metricsServer.close();
  await tracing?.shutdown();
}
