import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../db/job-store.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { JobChangeFeed } from '../../integrations/job-change-feed.js';
import { createLogger } from '../../integrations/logger.js';
import { createObjectStore } from '../../integrations/object-store.js';
import { createUser } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng, storedUpload } from '../helpers/uploads.js';

let orm: MikroORM;
let feed: JobChangeFeed;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  feed = await JobChangeFeed.start(config.DATABASE_URL, createLogger({ level: 'silent', name: 'test' }));
});
afterAll(async () => {
  await feed?.close();
  await orm?.close();
});

async function admittedJob(): Promise<string> {
  const config = testConfig(orchestratorProcessSchema);
  const user = await createUser(orm, 5);
  const upload = await storedUpload(orm, createObjectStore(config), user.id, await gradientPng(16, 16));
  const jobId = randomUUID();
  await new JobStore(orm.em.fork()).admit({
    jobId,
    userId: user.id,
    jobType: 'upscale',
    params: { scale_factor: 2, face_enhance: false },
    creditsCost: 1,
    inputUploadId: upload.id,
    inputKey: upload.key,
    inferenceTaskQueue: 'unused',
  }, Date.now() + 10_000);
  return jobId;
}

describe('job change feed (LISTEN/NOTIFY on real PostgreSQL)', () => {
  it('wakes a waiter as soon as its job row changes, not at the timeout', async () => {
    const jobId = await admittedJob();
    const started = performance.now();
    const woken = feed.nextChange(jobId, 10_000);
    await new JobStore(orm.em.fork()).markProcessing(jobId);
    await woken;
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('leaves waiters of other jobs asleep until their own timeout', async () => {
    const [watched, other] = [await admittedJob(), await admittedJob()];
    const started = performance.now();
    const woken = feed.nextChange(watched, 700);
    await new JobStore(orm.em.fork()).markProcessing(other);
    await woken;
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
  });
});
