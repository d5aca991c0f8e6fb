import { execFileSync, spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../db/orm.js';
import { createMigratedDatabase, readStackEnv, stackScript, withAdminClient } from '../../scripts/stack/local-stack.js';

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
  const stackEnv = readStackEnv();

  const callerDatabase = process.env.DATABASE_URL;
  let ownDatabase: string | undefined;
  const serverUrl = required(stackEnv, 'DATABASE_URL');
  let databaseUrl: string;
  if (callerDatabase) {
    await migrateDatabase(callerDatabase);
    databaseUrl = callerDatabase;
  } else {
    ownDatabase = `${TEST_DATABASE_PREFIX}${process.pid}`;
    await dropAbandonedRunDatabases(serverUrl);
    databaseUrl = await createMigratedDatabase(serverUrl, ownDatabase);
  }

  project.provide('stackEnv', { ...stackEnv, DATABASE_URL: databaseUrl });
  return async () => {
    const runDatabase = ownDatabase;
    if (runDatabase) await withAdminClient(serverUrl, (admin) => admin.query(`drop database if exists ${admin.escapeIdentifier(runDatabase)} with (force)`));
    if (!wasRunning && !process.env.ONESHOT_KEEP_STACK) execFileSync('bash', [stackScript, 'down'], { stdio: 'inherit' });
  };
}

function required(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`stack.env has no ${name}`);
  return value;
}

/** Drops the databases of earlier runs whose process is gone (they died before their teardown). */
async function dropAbandonedRunDatabases(serverUrl: string): Promise<void> {
  await withAdminClient(serverUrl, async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like '${TEST_DATABASE_PREFIX}%'`);
    for (const { datname } of rows) {
      if (!isAlive(Number(datname.slice(TEST_DATABASE_PREFIX.length)))) {
        await admin.query(`drop database if exists ${admin.escapeIdentifier(datname)} with (force)`);
      }
    }
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
