// Orchestrator worker main: `npx tsx workers/orchestrator.ts`. SIGINT/SIGTERM drain in-flight tasks, then exit.
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { ensureRenewalSweepSchedule } from '../integrations/billing/renewal-schedule.js';
import { createBillingService } from '../integrations/billing/wiring.js';
import { createLogger } from '../integrations/logger.js';
import { ensureJobReconcileSchedule } from '../integrations/job-reconcile-schedule.js';
import { connectToTemporal } from '../integrations/temporal.js';
import { createOrchestratorWorker } from './orchestrator-worker.js';

const config = loadConfig(orchestratorProcessSchema);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-orchestrator' });
const orm = await createOrm(config);
const { connection, client } = await connectToTemporal(config, logger);
const billingLogger = logger.child({ module: 'billing' });
const billing = createBillingService(config, { orm, temporal: client, logger });
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
  const worker = await createOrchestratorWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
    orm,
    temporal: client,
    logger: logger.child({ module: 'reconciler' }),
    billing: {
      orm,
      billing,
      timing: config,
      concurrency: config.RENEWAL_SWEEP_CONCURRENCY,
      ratePerSecond: config.RENEWAL_SWEEP_RATE_PER_SECOND,
      logger: billingLogger,
    },
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR }, 'orchestrator worker running');
  await worker.run();
  logger.info('orchestrator worker stopped');
} finally {
  await client.connection.close();
  await connection.close();
  await orm.close();
}
