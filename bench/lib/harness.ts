/**
 * Shared benchmark plumbing: the local stack's environment, a fresh migrated database, the project's mains as
 * child processes, autocannon runs, and percentiles. Benchmarks print figures; they are not tests.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { z } from 'zod';
import { createOrm, migrate } from '../../db/orm.js';

/** The running local stack's variables (scripts/stack/stack.sh up must have run). */
export function stackEnv(): Record<string, string> {
  return Object.fromEntries(
    execFileSync('bash', ['scripts/stack/stack.sh', 'env'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]),
  );
}

/** Drops and recreates `name` on the stack's server, migrated; returns its URL. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  await client.query(`create database ${client.escapeIdentifier(name)}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const orm = await createOrm({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: 2 });
  await migrate(orm);
  await orm.close();
  return url.toString();
}

/** One of the project's mains (`api/server.ts`, `workers/…`) as its own process; its logs go to `.local/bench-logs/`. */
export function startMain(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const logDir = path.resolve('.local/bench-logs');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(path.join(logDir, `${path.basename(entry, '.ts')}.log`), 'w');
  return spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
}

export async function waitForHealth(base: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const healthy = await fetch(`${base}/healthz`).then((response) => response.ok, () => false);
    if (healthy) return;
    await sleep(200);
  }
  throw new Error(`${base} did not come up`);
}

const autocannonResult = z.object({
  requests: z.object({ average: z.number() }),
  latency: z.object({ p50: z.number(), p99: z.number() }),
  non2xx: z.number(),
});

/** autocannon in its own process, so the load generator does not share an event loop with what it measures. */
export function loadTest(url: string, options: { connections: number; seconds: number; token?: string }): z.infer<typeof autocannonResult> {
  const output = execFileSync(
    process.execPath,
    [
      'node_modules/autocannon/autocannon.js',
      '--json',
      '-c', String(options.connections),
      '-d', String(options.seconds),
      ...(options.token ? ['-H', `Authorization=Bearer ${options.token}`] : []),
      url,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return autocannonResult.parse(JSON.parse(output));
}

/** The q-quantile (0..1) of the samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return quantile(times, 0.5);
}
