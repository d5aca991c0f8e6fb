/**
 * Renewal sweep benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/renewal-sweep.bench.ts [--subscriptions 10000] [--concurrency 8] [--rate 10000] [--page 100] [--pages-per-run 50] [--no-failing]
 * Needs the local stack (scripts/stack/stack.sh up). Seeds a fresh `oneshot_bench_billing` database with due
 * subscriptions (half App Store, half Google Play, mixed outcomes incl. 10% failing lookups unless --no-failing;
 * a failing Google lookup costs ~2 s of the client's own retries and holds its page that long), runs the real
 * sweep workflow on the real Temporal server against the local fake stores (same process), and prints the
 * throughput (subscriptions re-checked per second) and the largest history of any run of the sweep.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { BillingService } from '../application/billing/billing-service.js';
import { createBillingStores } from '../application/billing/wiring.js';
import { createLogger } from '../integrations/logger.js';
import { startFakeStores } from '../fakes/stores.js';
import { seedDueSubscriptions } from '../fakes/renewal-fixture.js';
import type { renewalSweepWorkflow } from '../workflows/renewal-sweep.workflow.js';
import { createOrchestratorWorker } from '../workers/orchestrator-worker.js';
import { createMigratedDatabase, readStackEnv } from '../scripts/stack/local-stack.js';

const { values } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
    rate: { type: 'string', default: '10000' },
    page: { type: 'string', default: '100' },
    'pages-per-run': { type: 'string', default: '50' },
    'no-failing': { type: 'boolean', default: false },
  },
});
const count = Number(values.subscriptions);

const stackEnv = readStackEnv();
Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
const stores = await startFakeStores();
const config = loadConfig(orchestratorProcessSchema, {
  ...stackEnv,
  ...stores.env,
  DATABASE_URL: await createMigratedDatabase(stackEnv.DATABASE_URL!, 'oneshot_bench_billing'),
  DATABASE_POOL_MAX: '20',
  LOG_LEVEL: 'error',
});
const orm = await createOrm(config);
const logger = createLogger({ level: config.LOG_LEVEL, name: 'bench' });
const billing = new BillingService({ orm, stores: createBillingStores(config), catalog: config.BILLING_PRODUCTS, timing: config, ownershipPolicy: config.PURCHASE_OWNERSHIP_POLICY, logger });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
const taskQueue = `bench-billing-${randomUUID().slice(0, 8)}`;
const worker = await createOrchestratorWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue,
  orm,
  temporal: client,
  logger,
  billing: { orm, billing, timing: config, concurrency: Number(values.concurrency), ratePerSecond: Number(values.rate), logger },
});
const running = worker.run();
try {
  const seedStarted = performance.now();
  await seedDueSubscriptions(orm, stores, count, { failing: !values['no-failing'] });
  console.log(`seeded ${count} due subscriptions in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const workflowId = `bench-renewal-sweep-${randomUUID()}`;
  const started = performance.now();
  const handle = await client.workflow.start<typeof renewalSweepWorkflow>('renewalSweepWorkflow', {
    taskQueue,
    workflowId,
    args: [{ pageSize: Number(values.page), pagesPerRun: Number(values['pages-per-run']) }],
  });
  const totals = await handle.result();
  const seconds = (performance.now() - started) / 1000;
  const runs = await historySizes(workflowId, handle.firstExecutionRunId);
  const largest = runs.reduce((max, run) => (run.bytes > max.bytes ? run : max));

  console.log(
    `sweep: ${totals.checked + totals.failed} subscriptions (${totals.checked} checked, ${totals.renewed} renewed, ` +
      `${totals.failed} failed lookups) in ${seconds.toFixed(1)} s over ${totals.pages} pages and ${totals.runs} runs`,
  );
  console.log(`throughput: ${((totals.checked + totals.failed) / seconds).toFixed(1)} subscriptions/s (concurrency ${values.concurrency}, rate limit ${values.rate}/s)`);
  console.log(`store requests: App Store ${stores.apple.requests}, Google Play ${stores.google.requests}`);
  console.log(`largest run history: ${largest.bytes} bytes, ${largest.events} events (of ${runs.length} runs; all: ${runs.map((run) => run.bytes).join(', ')})`);
} finally {
  worker.shutdown();
  await running;
  await Promise.all([connection.close(), client.connection.close(), orm.close(), stores.stop()]);
}

/** Follows the continue-as-new chain from the first run; each run's history size as the server reports it. */
async function historySizes(workflowId: string, firstRunId: string): Promise<{ runId: string; events: number; bytes: number }[]> {
  const runs = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const run: WorkflowHandle = client.workflow.getHandle(workflowId, runId);
    const [description, history] = await Promise.all([run.describe(), run.fetchHistory()]);
    runs.push({ runId, events: description.historyLength, bytes: Number(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0) });
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return runs;
}
