import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities } from '../../activities/billing.activities.js';
import { acknowledgementWorkflowId } from '../../domain/billing/acknowledgement.js';
import type { VerifiedPurchase } from '../../domain/billing/purchase.js';
import { StoreAckStateKey } from '../../domain/search-attributes.js';
import { temporalAcknowledgements } from '../../integrations/acknowledgement-workflow.js';
import { createLogger } from '../../integrations/logger.js';
import { ACKNOWLEDGEMENT_WINDOW_CLOSED } from '../../workflows/acknowledge-purchase.workflow.js';
import { workflowsPath } from '../../workers/orchestrator-worker.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { balanceOf, ensureStoreAckSearchAttribute, startFakeStores, type FakeStores } from '../helpers/billing.js';
import { signUp } from '../helpers/client-flows.js';
import { expectLedgerConsistent } from '../helpers/db.js';

const taskQueue = `test-store-ack-${randomUUID().slice(0, 8)}`;
const RETRY = { initialIntervalMs: 100, maximumIntervalMs: 400 };
let stores: FakeStores;
let api: TestApi;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  stores = await startFakeStores();
  api = await startApi({
    ...stores.env,
    DEFAULT_CREDITS: '0',
    TEMPORAL_TASK_QUEUE_ORCHESTRATOR: taskQueue,
    GOOGLE_ACKNOWLEDGE_RETRY_INITIAL: '100ms',
    GOOGLE_ACKNOWLEDGE_RETRY_MAX: '400ms',
  });
  await ensureStoreAckSearchAttribute(api.deps.temporal);
  connection = await NativeConnection.connect({ address: api.config.TEMPORAL_ADDRESS });
  const logger = createLogger({ level: api.config.LOG_LEVEL, name: 'ack-test' });
  worker = await Worker.create({
    connection,
    namespace: api.config.TEMPORAL_NAMESPACE,
    taskQueue,
    workflowsPath,
    activities: createBillingActivities({ orm: api.orm, billing: api.deps.billing, timing: api.config, concurrency: 1, ratePerSecond: 10, logger }),
  });
  running = worker.run();
});
afterEach(async () => expectLedgerConsistent(api.orm.em.fork()));
afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await api?.close();
  await stores?.stop();
});

function ackHandle(orderId: string) {
  return api.deps.temporal.workflow.getHandle(acknowledgementWorkflowId(orderId));
}

/** What the workflow tells operators in the Web UI: its search attribute, summary and current details. */
async function operatorView(orderId: string) {
  const handle = ackHandle(orderId);
  const description = await handle.describe();
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return {
    state: description.typedSearchAttributes.get(StoreAckStateKey),
    summary: await description.staticSummary(),
    details: metadata.currentDetails,
  };
}

function googlePurchase(token: string, orderId: string): VerifiedPurchase {
  return {
    store: 'google',
    environment: 'production',
    productId: 'credits_50',
    kind: 'consumable',
    transactionId: orderId,
    originalReference: token,
    observedAt: new Date(),
    purchasedAt: new Date(),
    revokedAt: null,
    subscription: null,
    replacesReference: null,
    accountToken: null,
  };
}

describe('durable Google acknowledgement', () => {
  it('retries a consume that failed during validation until Google accepts it; concurrent validations share one workflow', async () => {
    const user = await signUp(api);
    const token = stores.google.buy('credits_50');
    const orderId = stores.google.products.get(token)!.orderId;
    stores.google.failingAcknowledgements.set(token, 4);

    const body = { platform: 'android', receipt_data: token, product_id: 'credits_50' };
    const responses = await Promise.all([1, 2].map(() => api.request('POST', '/billing/validate', { token: user.token, body })));
    expect(responses.map((response) => [response.status, response.body.credits_added])).toEqual([
      [200, 50],
      [200, 50],
    ]);
    expect(stores.google.products.get(token)!.consumptionState).toBe(0);

    expect(await ackHandle(orderId).result()).toBe('acknowledged');
    expect(stores.google.products.get(token)).toMatchObject({ consumptionState: 1, acknowledgementState: 1 });
    expect(stores.google.acknowledgeCalls.get(token)).toBe(5);
    expect(await balanceOf(api, user.id)).toBe(50);
    expect(await operatorView(orderId)).toEqual({
      state: 'acknowledged',
      summary: `Acknowledge Google consumable credits_50 for user ${user.id}`,
      details: expect.stringMatching(/^Acknowledged Google consumable `credits_50`, order `GPA\./),
    });
  });

  it('gives up when the window closes: the run fails, marked expired for operators and alerting', async () => {
    const token = stores.google.buy('credits_50');
    const orderId = stores.google.products.get(token)!.orderId;
    stores.google.failingAcknowledgements.set(token, Number.POSITIVE_INFINITY);
    const queue = temporalAcknowledgements(api.deps.temporal, { taskQueue, windowMs: 1_500, retry: RETRY });
    await queue.enqueue(googlePurchase(token, orderId), randomUUID());

    const failure = await ackHandle(orderId).result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause instanceof ApplicationFailure && cause.type).toBe(ACKNOWLEDGEMENT_WINDOW_CLOSED);
    expect(stores.google.acknowledgeCalls.get(token)).toBeGreaterThanOrEqual(2);
    expect(await operatorView(orderId)).toMatchObject({ state: 'expired', details: expect.stringMatching(/^Not acknowledged before .*Google will refund/) });
  });

  it('stops at once when Google no longer knows the purchase', async () => {
    const orderId = `GPA.gone-${randomUUID()}`;
    const queue = temporalAcknowledgements(api.deps.temporal, { taskQueue, windowMs: 60_000, retry: RETRY });
    await queue.enqueue(googlePurchase('iap-unknown-token', orderId), randomUUID());
    expect(await ackHandle(orderId).result()).toBe('gone');
    expect((await operatorView(orderId)).state).toBe('gone');
  });
});
