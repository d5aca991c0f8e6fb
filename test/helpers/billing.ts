import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeStores, type FakeStores } from '../../fakes/stores.js';
import { startApi, type TestApi } from './api.js';
import { expectLedgerConsistent } from './db.js';

export * from '../../fakes/stores.js';

/**
 * For a billing test file: the fake stores and the real API trusting them (users start with no credits), started
 * once; the ledger invariant is checked after every test. Read the fields inside tests, after setup ran.
 */
export function useBillingApi(overrides: Record<string, string> = {}): { stores: FakeStores; api: TestApi } {
  const context = {} as { stores: FakeStores; api: TestApi };
  beforeAll(async () => {
    context.stores = await startFakeStores();
    context.api = await startApi({ ...context.stores.env, DEFAULT_CREDITS: '0', ...overrides });
  });
  afterEach(async () => expectLedgerConsistent(context.api.orm.em.fork()));
  afterAll(async () => {
    await context.api?.close();
    await context.stores?.stop();
  });
  return context;
}

/** The user's cached balance. */
export async function balanceOf(api: TestApi, userId: string): Promise<number> {
  const [row] = await api.orm.em.fork().execute<{ credits: number }[]>(`select credits from users where id = ?`, [userId]);
  return row!.credits;
}

/** The sum of the user's ledger entries (what the balance must always equal). */
export async function ledgerSum(api: TestApi, userId: string): Promise<number> {
  const [row] = await api.orm.em
    .fork()
    .execute<{ total: number }[]>(`select coalesce(sum(amount), 0)::int as total from credit_transactions where user_id = ?`, [userId]);
  return row!.total;
}

/**
 * Registers the `StoreAckState` search attribute on a server started before it was added to the local stack's
 * list (the stack registers it at start; deployments with `temporal operator search-attribute create`).
 */
export async function ensureStoreAckSearchAttribute(client: Client): Promise<void> {
  const namespace = client.options.namespace;
  const listed = async () => 'StoreAckState' in (await client.connection.operatorService.listSearchAttributes({ namespace })).customAttributes;
  if (await listed()) return;
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: { StoreAckState: protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
  while (!(await listed())) await sleep(100);
}
