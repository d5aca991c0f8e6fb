/**
 * Memory soak (prints figures; not a test): N small jobs through the API with a fixed number in flight, sampling
 * each process tree's resident memory (/proc) every few seconds, then idling a while; prints per process its RSS at
 * the start, at the peak, at the end of the load and after the idle period.
 *
 *   npx tsx bench/soak.bench.ts [--jobs 3000] [--in-flight 20] [--idle-seconds 30] [--max-cached-workflows 500]
 *                               [--orchestrator-heap-mib N] (V8 old-space limit of the orchestrators; default Node's)
 *                               [--api-processes 1] [--orchestrators 1] [--inference-workers 1]
 *
 * Runs on whatever the stack provides (dev server, or the production-shaped server with ONESHOT_TEMPORAL=server),
 * on a fresh database, its own task queues and a trivial model (esrgan-slim ×2 on 32×32).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { terminalJobStatuses } from '../domain/jobs/vocabulary.js';
import { gradientPng } from '../fakes/images.js';
import { ensureModels } from '../scripts/models/fetch.js';
import { createMigratedDatabase, readStackEnv, stackPids } from '../scripts/stack/local-stack.js';
import { createApiClient } from './lib/api-client.js';
import { BENCH_PROCESS_ENV, startMain, stopMains, waitForHealth } from './lib/harness.js';
import { snapshot } from './lib/process-cpu.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '3000' },
    'in-flight': { type: 'string', default: '20' },
    'idle-seconds': { type: 'string', default: '30' },
    'sample-seconds': { type: 'string', default: '2' },
    'max-cached-workflows': { type: 'string', default: '500' },
    'orchestrator-heap-mib': { type: 'string' },
    'api-processes': { type: 'string', default: '1' },
    orchestrators: { type: 'string', default: '1' },
    'inference-workers': { type: 'string', default: '1' },
  },
});
const PORT = 3960;
const base = `http://127.0.0.1:${PORT}`;
const modelDir = path.join(os.tmpdir(), 'oneshot-bench-models');
await ensureModels({ modelDir });
const stack = readStackEnv();
const suffix = randomUUID().slice(0, 8);
const env = {
  ...stack,
  DATABASE_URL: await createMigratedDatabase(z.string().parse(stack.DATABASE_URL), 'oneshot_bench_soak'),
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_PORT: String(PORT),
  API_PROCESSES: values['api-processes'],
  LOG_LEVEL: 'warn',
  MODEL_DIR: modelDir,
  UPSCALE_DEFAULT_MODEL: 'esrgan-slim',
  TEMPORAL_TASK_QUEUE_ORCHESTRATOR: `soak-orchestrator-${suffix}`,
  TEMPORAL_TASK_QUEUE_INFERENCE: `soak-inference-${suffix}`,
  ORCHESTRATOR_MAX_CACHED_WORKFLOWS: values['max-cached-workflows'],
  INFERENCE_CONCURRENCY: '2',
  DEFAULT_CREDITS: '10000000',
  ...BENCH_PROCESS_ENV,
};
const orm = await createOrm(loadConfig(orchestratorProcessSchema, env));
const entries = [
  'api/server.ts',
  ...Array<string>(Number(values.orchestrators)).fill('workers/orchestrator.ts'),
  ...Array<string>(Number(values['inference-workers'])).fill('workers/inference.ts'),
];
const orchestratorHeap = values['orchestrator-heap-mib'];
const processes = entries.map((entry) =>
  startMain(entry, entry === 'workers/orchestrator.ts' && orchestratorHeap ? { ...env, NODE_OPTIONS: `--max-old-space-size=${orchestratorHeap}` } : env),
);
const servers = stackPids();
const groups = {
  api: [processes[0]!.pid!],
  orchestrator: processes.filter((_, index) => entries[index] === 'workers/orchestrator.ts').map((child) => child.pid!),
  inference: processes.filter((_, index) => entries[index] === 'workers/inference.ts').map((child) => child.pid!),
  temporal: servers.temporal === undefined ? [] : [servers.temporal],
};
type Sample = Record<string, number>;
const rss = (): Sample => Object.fromEntries(Object.entries(snapshot(groups)).map(([name, usage]) => [name, usage.rssMiB]));

try {
  await waitForHealth(base);
  const api = createApiClient([base]);
  const token = await api.signUp(`soak-${suffix}@example.test`);
  const input = await api.upload(token, await gradientPng(32, 32));
  const finished = async (jobId: string) => {
    for (;;) {
      const [row] = await orm.em.fork().execute<{ status: string }[]>('select status from jobs where id = ?', [jobId]);
      if (row && (terminalJobStatuses as readonly string[]).includes(row.status)) return row.status;
      await sleep(200);
    }
  };
  const runOne = async () => finished(await api.submit(token, input));
  await runOne(); // warm-up: workflow bundle and model loaded
  const atStart = rss();
  const peak: Sample = { ...atStart };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const [name, mib] of Object.entries(rss())) peak[name] = Math.max(peak[name] ?? 0, mib);
      await sleep(Number(values['sample-seconds']) * 1000);
    }
  })();

  const total = Number(values.jobs);
  let next = 0;
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(values['in-flight']) }, async () => {
      while (next++ < total) {
        const status = await runOne();
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const atEnd = rss();
  await sleep(Number(values['idle-seconds']) * 1000);
  const afterIdle = rss();
  sampling = false;
  await sampler;

  console.log(
    `${total} jobs, ${values['in-flight']} in flight: ${(total / seconds).toFixed(2)} jobs/s (${Object.entries(statuses)
      .map(([status, count]) => `${status} ${count}`)
      .join(', ')}); ORCHESTRATOR_MAX_CACHED_WORKFLOWS=${values['max-cached-workflows']}, orchestrator heap limit ${orchestratorHeap ? `${orchestratorHeap} MiB` : "Node's default"}`,
  );
  console.log(`resident memory (MiB): start → peak → end of load → after ${values['idle-seconds']} s idle`);
  for (const name of Object.keys(atStart)) {
    console.log(`  ${name.padEnd(12)} ${atStart[name]!.toFixed(0)} → ${peak[name]!.toFixed(0)} → ${atEnd[name]!.toFixed(0)} → ${afterIdle[name]!.toFixed(0)}`);
  }
} finally {
  await stopMains(processes);
  await orm.close();
}
