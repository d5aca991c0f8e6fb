import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema, type OrchestratorConfig } from '../../domain/config/index.js';
import { BillingService } from '../../application/billing/billing-service.js';
import { ensureRenewalSweepSchedule } from '../../integrations/renewal-schedule.js';
import { createBillingStores } from '../../application/billing/wiring.js';
import { createLogger } from '../../integrations/logger.js';
import type { renewalSweepWorkflow } from '../../workflows/renewal-sweep.workflow.js';
import { createOrchestratorWorker } from '../../workers/orchestrator-worker.js';
import { startFakeStores, type FakeStores } from '../helpers/billing.js';
import { expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { seedDueSubscriptions } from '../../fakes/renewal-fixture.js';

let stores: FakeStores;
let config: OrchestratorConfig;
let orm: MikroORM;
let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `test-billing-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  stores = await startFakeStores();
  config = testConfig(orchestratorProcessSchema, { ...stores.env, DATABASE_POOL_MAX: '20' });
  orm = await createOrm(config);
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'billing-test' });
  const billing = new BillingService({ orm, stores: createBillingStores(config), catalog: config.BILLING_PRODUCTS, timing: config, ownershipPolicy: config.PURCHASE_OWNERSHIP_POLICY, logger });
  connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
  worker = await createOrchestratorWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    orm,
    temporal: client,
    logger,
    billing: { orm, billing, timing: config, concurrency: 8, ratePerSecond: 2_000, logger },
  });
  running = worker.run();
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([connection?.close(), client?.connection.close()]);
  await orm?.close();
  await stores?.stop();
});

function sweep(pageSize: number, pagesPerRun: number) {
  return client.workflow.execute<typeof renewalSweepWorkflow>('renewalSweepWorkflow', {
    taskQueue,
    workflowId: `test-renewal-sweep-${randomUUID()}`,
    args: [{ pageSize, pagesPerRun }],
  });
}

describe('renewal sweep', () => {
  it('re-checks 1,000 due subscriptions with mixed outcomes: right statuses, renewal credits once, failures isolated', async () => {
    const seeded = await seedDueSubscriptions(orm, stores, 1_000);
    const failing = seeded.filter((row) => row.outcome === 'failing').length;

    const totals = await sweep(50, 4);
    // 1,000 due at 50 a page is 20 full pages and a last empty one, 4 per run: the sweep continued as new 5 times.
    expect(totals).toMatchObject({ checked: 1_000 - failing, failed: failing, pages: 21, runs: 6 });
    expect(totals.renewed).toBe(seeded.filter((row) => row.outcome === 'renewed').length);

    const actual = await orm.em
      .fork()
      .execute<{ id: string; credits: number; subscription_status: string }[]>(
        `select id, credits, subscription_status from users where id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
        [JSON.stringify(seeded.map((row) => row.userId))],
      );
    const byId = new Map(actual.map((row) => [row.id, row]));
    const mismatches = seeded.filter((row) => {
      const user = byId.get(row.userId);
      return user?.credits !== row.expectedCredits || user.subscription_status !== row.expectedStatus;
    });
    expect(mismatches).toEqual([]);

    // Failed checks come back later; everything else is scheduled past the sweep. A second sweep over the same
    // subscriptions (an operator re-running it) grants nothing twice.
    await orm.em.fork().execute(
      `update subscriptions set next_check_at = now() - interval '1 minute'
        where user_id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`,
      [JSON.stringify(seeded.map((row) => row.userId))],
    );
    const again = await sweep(100, 50);
    expect(again).toMatchObject({ renewed: 0, failed: failing });
    const [sum] = await orm.em
      .fork()
      .execute<{ total: number }[]>(`select sum(credits)::int as total from users where id in (select (jsonb_array_elements_text(?::jsonb))::uuid)`, [
        JSON.stringify(seeded.map((row) => row.userId)),
      ]);
    expect(sum!.total).toBe(seeded.reduce((total, row) => total + row.expectedCredits, 0));
  });

  it('creates the Schedule on the Temporal server, and updates it in place on the next start', async () => {
    const scheduleId = `test-renewal-schedule-${randomUUID().slice(0, 8)}`;
    const options = { taskQueue, intervalMs: 3_600_000, pageSize: 100, pagesPerRun: 50, scheduleId };
    expect(await ensureRenewalSweepSchedule(client, options)).toBe('created');
    expect(await ensureRenewalSweepSchedule(client, { ...options, intervalMs: 900_000 })).toBe('updated');
    const handle = client.schedule.getHandle(scheduleId);
    try {
      const description = await handle.describe();
      expect(description.spec.intervals?.map((interval) => interval.every)).toEqual([900_000]);
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'renewalSweepWorkflow', taskQueue });
      expect(description.policies.overlap).toBe('SKIP');
    } finally {
      await handle.delete();
    }
  });
});
