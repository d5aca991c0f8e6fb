import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountErasure } from '../../db/account-erasure.js';
import { JobStore } from '../../db/job-store.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { ChangeFeed } from '../../integrations/change-feed.js';
import { ChangeInvalidatedCache } from '../../integrations/change-invalidated-cache.js';
import { createLogger } from '../../integrations/logger.js';
import { createObjectStore } from '../../integrations/object-store.js';
import { createUser } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng, storedUpload } from '../helpers/uploads.js';

let orm: MikroORM;
let feed: ChangeFeed;
const feedName = `change-feed-test-${randomUUID()}`;

beforeAll(async () => {
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  feed = await ChangeFeed.start(config.DATABASE_URL, createLogger({ level: 'silent', name: 'test' }), { livenessIntervalMs: 500, applicationName: feedName });
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

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/**
 * A TCP proxy to PostgreSQL whose existing connections can be made to go silent (the server's bytes are dropped,
 * nothing is closed), as a half-dead network path does; connections made afterwards work again.
 */
async function silenceableProxy(target: URL): Promise<{ url: string; silence(): void; close(): void }> {
  let silenced = new Set<net.Socket>();
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    open.add(client);
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!silenced.has(client)) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    silence: () => (silenced = new Set(open)),
    close: () => {
      for (const socket of open) socket.destroy();
      server.close();
    },
  };
}

/** Ends the feed's LISTEN session from the server side, as a PostgreSQL restart or a proxy would. */
async function terminateListeners(): Promise<void> {
  await orm.em.fork().execute(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?`, [feedName]);
}

describe('change feed (LISTEN/NOTIFY on real PostgreSQL)', () => {
  it('wakes a waiter as soon as its job row changes, not at the timeout', async () => {
    const jobId = await admittedJob();
    const started = performance.now();
    const woken = feed.nextChange('job_changed', jobId, 10_000);
    await new JobStore(orm.em.fork()).markProcessing(jobId, 'downloading');
    await woken;
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('leaves waiters of other jobs asleep until their own timeout', async () => {
    const [watched, other] = [await admittedJob(), await admittedJob()];
    const started = performance.now();
    const woken = feed.nextChange('job_changed', watched, 700);
    await new JobStore(orm.em.fork()).markProcessing(other, 'downloading');
    await woken;
    expect(performance.now() - started).toBeGreaterThanOrEqual(650);
  });

  it('announces a closed account, so a cached "open" is forgotten at once', async () => {
    const user = await createUser(orm, 0);
    const accounts = new ChangeInvalidatedCache<boolean>(feed, 'account_changed', { maxEntries: 100, ttlMs: 60_000 });
    const isOpen = () => accounts.get(user.id, () => new AccountErasure(orm.em.fork()).isOpen(user.id));
    expect(await isOpen()).toBe(true);
    expect(accounts.size).toBe(1);
    const announced = feed.nextChange('account_changed', user.id, 10_000);
    await new AccountErasure(orm.em.fork()).close(user.id);
    await announced;
    expect(await isOpen()).toBe(false);
  });

  it('serves a job from memory until its row changes, then the new row', async () => {
    const jobId = await admittedJob();
    const jobs = new ChangeInvalidatedCache<string>(feed, 'job_changed', { maxEntries: 100, ttlMs: 60_000 });
    let reads = 0;
    const status = () =>
      jobs.get(jobId, async () => {
        reads++;
        const [row] = await orm.em.fork().execute<{ status: string }[]>(`select status from jobs where id = ?`, [jobId]);
        return row!.status;
      });
    expect(await status()).toBe('pending');
    expect(await status()).toBe('pending');
    expect(reads).toBe(1);
    const announced = feed.nextChange('job_changed', jobId, 10_000);
    await new JobStore(orm.em.fork()).markProcessing(jobId, 'downloading');
    await announced;
    expect(await status()).toBe('processing');
    expect(reads).toBe(2);
  });

  it('after losing its connection, caches nothing until it listens again, and misses no change made meanwhile', async () => {
    const jobId = await admittedJob();
    const jobs = new ChangeInvalidatedCache<string>(feed, 'job_changed', { maxEntries: 100, ttlMs: 60_000 });
    const status = () =>
      jobs.get(jobId, async () => {
        const [row] = await orm.em.fork().execute<{ status: string }[]>(`select status from jobs where id = ?`, [jobId]);
        return row!.status;
      });
    expect(await status()).toBe('pending');
    expect(jobs.size).toBe(1);

    await terminateListeners();
    await until(() => !feed.listening);
    expect(jobs.size).toBe(0);
    // Changed while nobody listens: no notification will ever arrive for this one.
    await new JobStore(orm.em.fork()).markProcessing(jobId, 'downloading');
    expect(await status()).toBe('processing');
    expect(jobs.size).toBe(0);

    await until(() => feed.listening);
    expect(await status()).toBe('processing');
    expect(jobs.size).toBe(1);
  });

  it('notices a connection that goes silent without an error, forgets what it cached, and listens again', async () => {
    const proxy = await silenceableProxy(new URL(testConfig(orchestratorProcessSchema).DATABASE_URL));
    const silent = await ChangeFeed.start(proxy.url, createLogger({ level: 'silent', name: 'test' }), { livenessIntervalMs: 300 });
    try {
      const accounts = new ChangeInvalidatedCache<boolean>(silent, 'account_changed', { maxEntries: 10, ttlMs: 60_000 });
      await accounts.get('someone', async () => true);
      expect(accounts.size).toBe(1);
      proxy.silence();
      await until(() => !silent.listening, 5_000);
      expect(accounts.size).toBe(0);
      await until(() => silent.listening, 10_000);
    } finally {
      await silent.close();
      proxy.close();
    }
  });
});
