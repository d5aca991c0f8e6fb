/**
 * Shared benchmark plumbing: the project's mains as child processes, autocannon runs, and percentiles (the local
 * stack's environment and databases come from scripts/stack/local-stack.ts). Benchmarks print figures; they are not tests.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { z } from 'zod';

/**
 * What every benchmark's processes run with: no per-user or per-minute limit in the load's way, and each process's
 * metrics on a free port of its own, so several of a kind never collide on the defaults (a second one would exit).
 */
export const BENCH_PROCESS_ENV = {
  MAX_JOBS_IN_FLIGHT: '100000',
  RATE_LIMIT_API_PER_MINUTE: '100000000',
  RATE_LIMIT_JOBS_PER_MINUTE: '100000000',
  API_METRICS_PORT: '0',
  ORCHESTRATOR_METRICS_PORT: '0',
  ORCHESTRATOR_TEMPORAL_METRICS_PORT: '0',
  INFERENCE_METRICS_PORT: '0',
  INFERENCE_TEMPORAL_METRICS_PORT: '0',
} as const;

/** One of the project's mains (`api/server.ts`, `workers/…`) as its own process; its logs go to `.local/bench-logs/`. */
export function startMain(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const logDir = path.resolve('.local/bench-logs');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(path.join(logDir, `${path.basename(entry, '.ts')}.log`), 'w');
  return spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
}

/**
 * SIGTERM, then waits for each to exit (SIGKILL after `graceMs`): the next run must not find the last one's
 * API still holding its port.
 */
export async function stopMains(children: ChildProcess[], graceMs = 15_000): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}

export async function waitForHealth(base: string): Promise<void> {
  for (let attempt = 0; attempt < 900; attempt++) {
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

/**
 * autocannon in its own process, so the load generator does not share an event loop with what it measures; the
 * caller's event loop keeps running meanwhile (e.g. jobs submitted in the background).
 */
export async function loadTest(url: string, options: { connections: number; seconds: number; token?: string }): Promise<z.infer<typeof autocannonResult>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      'node_modules/autocannon/autocannon.js',
      '--json',
      '-c', String(options.connections),
      '-d', String(options.seconds),
      ...(options.token ? ['-H', `Authorization=Bearer ${options.token}`] : []),
      url,
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  return autocannonResult.parse(JSON.parse(stdout));
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
