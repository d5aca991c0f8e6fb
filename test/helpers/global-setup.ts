import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createOrm, migrate } from '../../db/orm.js';

const stackScript = fileURLToPath(new URL('../../scripts/stack/stack.sh', import.meta.url));
const TEST_DATABASE = 'oneshot_test';

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
export default async function setup(project: TestProject): Promise<() => void> {
  const wasRunning = spawnSync('bash', [stackScript, 'status'], { stdio: 'ignore' }).status === 0;
  execFileSync('bash', [stackScript, 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const stackEnv = parseEnvFile(execFileSync('bash', [stackScript, 'env'], { encoding: 'utf8' }));

  const databaseUrl = process.env.DATABASE_URL ?? (await recreateDatabase(required(stackEnv, 'DATABASE_URL'), TEST_DATABASE));
  const orm = await createOrm({ DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }

  project.provide('stackEnv', { ...stackEnv, DATABASE_URL: databaseUrl });
  return () => {
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

/** A clean database per run on the local cluster, so leftovers of earlier runs never leak into assertions. */
async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
