/**
 * The running local stack seen from TypeScript (the test setup and the benchmarks): its environment as
 * `scripts/stack/stack.sh env` prints it, and throwaway migrated databases on its PostgreSQL server.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDatabase } from '../../db/orm.js';

export const stackScript = fileURLToPath(new URL('./stack.sh', import.meta.url));

/** The variables of the running stack (after `stack.sh up`). */
export function readStackEnv(): Record<string, string> {
  const entries = execFileSync('bash', [stackScript, 'env'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1).replace(/^(['"])(.*)\1$/, '$2')] as const;
    });
  return Object.fromEntries(entries);
}

/** The running servers' main processes by name (postgres, temporal, temporal-ui, s3-rgw, ...), for the benchmarks. */
export function stackPids(): Record<string, number> {
  const lines = execFileSync('bash', [stackScript, 'pids'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), Number(line.slice(line.indexOf('=') + 1))]));
}

/** Runs `use` with a client connected to the server's maintenance database. */
export async function withAdminClient<T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
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

/** Drops `name` if it exists, creates it empty on the same server, migrates it, and returns its URL. */
export async function createMigratedDatabase(serverUrl: string, name: string): Promise<string> {
  await withAdminClient(serverUrl, async (admin) => {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return url.toString();
}
