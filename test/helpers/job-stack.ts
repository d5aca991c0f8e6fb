import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import type { InferenceEngine } from '../../inference/index.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { startApi, type TestApi } from './api.js';
import { expectLedgerConsistent } from './db.js';
import { testConfig } from './env.js';
import { startTestWorkers, testInferenceEngine, type TestWorkers } from './workers.js';

export interface JobStack {
  orm: MikroORM;
  objectStore: ObjectStore;
  workers: TestWorkers;
  /** Present with `api` set: the real app, starting workflows on these workers' task queues. */
  api: TestApi;
}

/**
 * For a test file: both workers on task queues of its own against the real Temporal (the inference worker only
 * with `inference`; otherwise nothing polls the GPU queue), optionally the API in front of them, started once and
 * stopped after; the ledger invariant is checked after every test. Read the fields inside tests, after setup ran.
 */
export function useJobStack(options: { inference?: boolean; api?: Record<string, string> } = {}): JobStack {
  const stack = {} as JobStack;
  let engine: InferenceEngine | undefined;
  beforeAll(async () => {
    const config = testConfig(orchestratorProcessSchema);
    stack.orm = await createOrm(config);
    stack.objectStore = createObjectStore(config);
    engine = options.inference ? await testInferenceEngine() : undefined;
    stack.workers = await startTestWorkers({
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      orm: stack.orm,
      objectStore: stack.objectStore,
      engine,
    });
    if (options.api) stack.api = await startApi(options.api, { taskQueues: stack.workers.taskQueues });
  });
  afterEach(async () => expectLedgerConsistent(stack.orm.em.fork()));
  afterAll(async () => {
    await stack.api?.close();
    await stack.workers?.shutdown();
    await engine?.close();
    await stack.orm?.close();
  });
  return stack;
}
