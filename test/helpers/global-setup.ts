import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createOrm, migrate } from '../../db/orm.js';

const stackScript = fileURLToPath(new URL('../../scripts/stack/stack.sh', import.meta.url));
// One database per test run, so concurrent runs on one machine never drop each other's data.
const TEST_DATABASE_PREFIX = 'oneshot_test_';

declare module 'vitest' {
  export interface ProvidedContext {
    stackEnv: Record<string, string>;
  }
}

/**
 * Brings up the real PostgreSQL, Temporal and S3 servers once for the integration project (the stack script
 * skips what is already healthy or supplied through DATABASE_URL / S3_ENDPOINT / TEMPORAL_ADDRESS), gives the
 * tests a freshly migrated database, and stops on teardown only what it started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wasRunning = spawnSync('bash', [stackScript, 'status'], { stdio: 'ignore' }).status === 0;
  execFileSync('bash', [stackScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const stackEnv = parseEnvFile(execFileSync('bash', [stackScript, 'env'], { encoding: 'utf8' }));

  const ownDatabase = process.env.DATABASE_URL ? undefined : `${TEST_DATABASE_PREFIX}${process.pid}`;
  const databaseUrl = ownDatabase ? await createRunDatabase(required(stackEnv, 'DATABASE_URL'), ownDatabase) : process.env.DATABASE_URL!;
  const orm = await createOrm({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }

  project.provide('stackEnv', { ...stackEnv, DATABASE_URL: databaseUrl });
  return async () => {
    if (ownDatabase) await withAdminClient(required(stackEnv, 'DATABASE_URL'), (admin) => admin.query(`drop database if exists ${admin.escapeIdentifier(ownDatabase)} with (force)`));
    if (!wasRunning && !process.env.ONESHOT_KEEP_STACK) execFileSync('bash', [stackScript, 'down'], { stdio: 'inherit' });
  };
}

function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1).replace(/^(['"])(.*)\1$/, '$2')] as const;
    });
  return Object.fromEntries(entries);
}

function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`stack.env has no ${name}`);
  return value;
}

/** A fresh database for this run; also drops those left behind by runs that died (their process is gone). */
async function createRunDatabase(serverUrl: string, name: string): Promise<string> {
  await withAdminClient(serverUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like '${TEST_DATABASE_PREFIX}%'`);
    for (const { datname } of rows) {
      const pid = Number(datname.slice(TEST_DATABASE_PREFIX.length));
      if (datname === name || !isAlive(pid)) await admin.query(`drop database if exists ${admin.escapeIdentifier(datname)} with (force)`);
    }
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdminClient<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
