/**
 * Jobs benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/jobs.bench.ts [--sequential 30] [--burst 60] [--seconds 5] [--connections 10]
 *                               [--inference-workers 1] [--orchestrator-workers 1] [--api-processes 1] [--poll-ms 200]
 *                               [--read-cache-entries 10000] (0: every read goes to PostgreSQL) [--follow events|poll]
 * Needs the local stack (scripts/stack/stack.sh up). First runs the baseline: a no-op workflow of the job saga's
 * shape on the same Temporal server (bench/lib/saga-baseline.ts). Then runs the real API and the workers as child
 * processes on a fresh `oneshot_bench_jobs` database and their own task queues, with a trivial model (esrgan-slim
 * x2 on 32×32), and measures:
 *  - orchestration overhead: POST /jobs → completed, minus the pure pipeline time measured in this same run;
 *  - end-to-end throughput: a burst of concurrent jobs, jobs/s until the last completes;
 *  - GET /jobs/:id requests/s and p99 alone, then while jobs keep running, beside GET /healthz on the same server (what the
 *    machine allows at that moment: the box is shared, so compare the ratio between runs);
 * and prints the jobs/s and the overhead as ratios to the baseline's workflows/s and sequential latency.
 * Clients follow each job's /jobs/{id}/events stream (`--follow events`, as the app does) or poll GET /jobs/{id}
 * every --poll-ms (`--follow poll`); latencies are taken from the completion time the job row records, so the
 * polling interval does not bias them.
 * During the burst it charges each process tree's CPU (/proc) to the jobs: API, orchestrators, inference workers,
 * the Temporal server, PostgreSQL (Temporal's backends apart from the app's), S3, this client.
 * Against the production-shaped server: `ONESHOT_TEMPORAL=server npm run stack:up`, then the same command.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { inferenceEnvSchema } from '../domain/config/inference.js';
import { terminalJobStatuses } from '../domain/jobs/vocabulary.js';
import { createInferenceEngine } from '../inference/index.js';
import { ensureModels } from '../scripts/models/fetch.js';
import { gradientPng } from '../fakes/images.js';
import { createMigratedDatabase, readStackEnv, stackPids } from '../scripts/stack/local-stack.js';
import { createApiClient } from './lib/api-client.js';
import { BENCH_PROCESS_ENV, loadTest, median, quantile, startMain, stopMains, waitForHealth } from './lib/harness.js';
import { measureLoad } from './lib/load.js';
import { cpuPer, snapshot } from './lib/process-cpu.js';
import { measureSagaBaseline } from './lib/saga-baseline.js';

const { values } = parseArgs({
  options: {
    sequential: { type: 'string', default: '30' },
    burst: { type: 'string', default: '60' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    'inference-workers': { type: 'string', default: '1' },
    'orchestrator-workers': { type: 'string', default: '1' },
    'api-processes': { type: 'string', default: '1' },
    follow: { type: 'string', default: 'events' },
    'poll-ms': { type: 'string', default: '200' },
    'read-cache-entries': { type: 'string', default: '10000' },
  },
});
const PORT = 3918;
const jobState = z.object({ status: z.string(), completed_at: z.string().nullable() });
type JobState = z.infer<typeof jobState>;
const isFinal = (job: JobState) => (terminalJobStatuses as readonly string[]).includes(job.status);
const base = `http://127.0.0.1:${PORT}`;
const modelDir = path.join(os.tmpdir(), 'oneshot-bench-models');
await ensureModels({ modelDir });

const image = await gradientPng(32, 32);
const pipelineMs = await pureInferenceMs(image);

const stack = readStackEnv();
const counts = { sequential: Number(values.sequential), burst: Number(values.burst) };
const temporalEnv = { TEMPORAL_ADDRESS: z.string().parse(stack.TEMPORAL_ADDRESS), TEMPORAL_NAMESPACE: stack.TEMPORAL_NAMESPACE ?? 'default' };
const baseline = await measureSagaBaseline(temporalEnv, counts);
const baselineP50 = quantile(baseline.sequentialMs, 0.5);
console.log(
  `baseline (no-op saga: 4 plain activities, one worker): sequential p50 ${baselineP50.toFixed(0)} ms, ` +
    `burst of ${counts.burst}: ${baseline.burstPerSecond.toFixed(2)} workflows/s`,
);
const suffix = randomUUID().slice(0, 8);
const env = {
  ...stack,
  DATABASE_URL: await createMigratedDatabase(z.string().parse(stack.DATABASE_URL), 'oneshot_bench_jobs'),
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_PORT: String(PORT),
  API_PROCESSES: values['api-processes'],
  API_READ_CACHE_ENTRIES: values['read-cache-entries'],
  LOG_LEVEL: 'warn',
  MODEL_DIR: modelDir,
  TEMPORAL_TASK_QUEUE_ORCHESTRATOR: `bench-orchestrator-${suffix}`,
  TEMPORAL_TASK_QUEUE_INFERENCE: `bench-inference-${suffix}`,
  INFERENCE_CONCURRENCY: '2',
  DEFAULT_CREDITS: '1000000',
  ...BENCH_PROCESS_ENV,
  JOB_EVENT_STREAMS_PER_USER: '100000',
  JOB_EVENT_STREAMS_TOTAL: '100000',
};
const entries = [
  'api/server.ts',
  ...Array<string>(Number(values['orchestrator-workers'])).fill('workers/orchestrator.ts'),
  ...Array<string>(Number(values['inference-workers'])).fill('workers/inference.ts'),
];
const processes = entries.map((entry) => startMain(entry, env));
const api = createApiClient([base]);
try {
  await waitForHealth(base);
  const token = await api.signUp(`bench-${suffix}@example.test`);
  const input = await api.upload(token, image);
  // warm-up (workflow bundle loaded, model session created); the API answers before every worker polls, and
  // admission answers 503 until an orchestrator does
  for (let attempt = 1; ; attempt++) {
    try {
      await runJob(token, input);
      break;
    } catch (error) {
      if (attempt === 90) throw error;
      await sleep(1_000);
    }
  }

  const servers = stackPids();
  const groups = {
    api: [processes[0]!.pid!],
    orchestrator: processes.filter((_, index) => entries[index] === 'workers/orchestrator.ts').map((child) => child.pid!),
    inference: processes.filter((_, index) => entries[index] === 'workers/inference.ts').map((child) => child.pid!),
    temporal: servers.temporal === undefined ? [] : [servers.temporal],
    postgres: servers.postgres === undefined ? [] : [servers.postgres],
    s3: [servers['s3-mon'], servers['s3-osd'], servers['s3-rgw']].filter((pid) => pid !== undefined),
    client: [process.pid],
  };
  // PostgreSQL names each backend's role: Temporal's own (production-shaped mode) apart from the app's
  const split = { postgres: (commandLine: string) => (commandLine.startsWith('postgres: temporal ') ? 'postgres (temporal)' : 'postgres (app)') };
  let burstStart = snapshot(groups, split);
  const project = await measureLoad(async () => (await runJob(token, input)).latencyMs, counts, () => (burstStart = snapshot(groups, split)));
  const burstCpu = cpuPer(burstStart, snapshot(groups, split), counts.burst);
  const sequentialP50 = quantile(project.sequentialMs, 0.5);
  const sequentialP99 = quantile(project.sequentialMs, 0.99);
  const overheadP50 = sequentialP50 - pipelineMs;
  const overheadP99 = sequentialP99 - pipelineMs;
  console.log(`pure pipeline (esrgan-slim x2, 32×32, in-process, median of 20): ${pipelineMs.toFixed(1)} ms`);
  console.log(
    `sequential jobs x${counts.sequential}: POST → completed p50 ${sequentialP50.toFixed(0)} ms, ` +
      `p99 ${sequentialP99.toFixed(0)} ms; orchestration overhead p50 ${overheadP50.toFixed(0)} ms, ` +
      `p99 ${overheadP99.toFixed(0)} ms (${(overheadP50 / baselineP50).toFixed(2)}× the baseline's sequential p50)`,
  );
  console.log(
    `burst of ${counts.burst} concurrent jobs: ${project.burstPerSecond.toFixed(2)} jobs/s end to end (${project.burstSeconds.toFixed(1)} s), ` +
      `${(project.burstPerSecond / baseline.burstPerSecond).toFixed(2)}× the baseline's workflows/s`,
  );
  console.log(
    `CPU per job in the burst: ${Object.entries(burstCpu)
      .map(([group, ms]) => `${group} ${ms.toFixed(0)} ms`)
      .join(', ')}; total ${Object.values(burstCpu)
      .reduce((sum, ms) => sum + ms, 0)
      .toFixed(0)} ms (shared servers also serve whatever else runs on this machine)`,
  );

  const watched = await api.submit(token, input);
  const unauthenticatedLoad = { connections: Number(values.connections), seconds: Number(values.seconds) };
  const loadOptions = { ...unauthenticatedLoad, token };
  // The read path's own cost first, then the same reads competing with jobs for the same cores.
  const quiet = await loadTest(`${base}/jobs/${watched}`, loadOptions);
  console.log(`GET /jobs/:id, no job running: ${quiet.requests.average.toFixed(0)} req/s, p50 ${quiet.latency.p50} ms, p99 ${quiet.latency.p99} ms`);
  let background = true;
  const running = (async () => {
    let count = 0;
    while (background) {
      await runJob(token, input);
      count++;
    }
    return count;
  })();
  const load = await loadTest(`${base}/jobs/${watched}`, loadOptions);
  const health = await loadTest(`${base}/healthz`, unauthenticatedLoad);
  background = false;
  const completedMeanwhile = await running;
  console.log(
    `GET /jobs/:id under load: ${load.requests.average.toFixed(0)} req/s, p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms ` +
      `(${values.connections} connections, ${values.seconds} s, ${load.non2xx} non-2xx; ${completedMeanwhile} jobs completed meanwhile); ` +
      `GET /healthz ${health.requests.average.toFixed(0)} req/s, p99 ${health.latency.p99} ms (job read ÷ healthz ${(load.requests.average / health.requests.average).toFixed(2)})`,
  );
  // a process that died (e.g. at start) would make the figures those of a smaller configuration
  const exited = processes.flatMap((child, index) => (child.exitCode === null && child.signalCode === null ? [] : [entries[index]]));
  if (exited.length > 0) throw new Error(`processes exited during the run: ${exited.join(', ')} (logs in .local/bench-logs/)`);
} finally {
  await stopMains(processes);
}

async function pureInferenceMs(bytes: Buffer): Promise<number> {
  const engine = await createInferenceEngine(inferenceEnvSchema.parse({ MODEL_DIR: modelDir, INFERENCE_THREADS: '1' }));
  try {
    const request = { jobType: 'upscale' as const, input: bytes, params: { scale_factor: 2 as const } };
    await engine.run(request);
    return await median(20, () => engine.run(request));
  } finally {
    await engine.close();
  }
}

/** Submits a job and waits for it; latency is measured to the completion time the job row records. */
async function runJob(token: string, input: string): Promise<{ latencyMs: number }> {
  const sentAt = Date.now();
  const jobId = await api.submit(token, input);
  const job = values.follow === 'poll' ? await pollUntilFinal(token, jobId) : await followUntilFinal(token, jobId);
  if (job.status !== 'completed' || !job.completed_at) throw new Error(`job ${jobId} ended ${job.status}`);
  return { latencyMs: Date.parse(job.completed_at) - sentAt };
}

async function pollUntilFinal(token: string, jobId: string): Promise<JobState> {
  for (;;) {
    const job = jobState.parse(await (await api.call('GET', `/jobs/${jobId}`, token)).json());
    if (isFinal(job)) return job;
    await sleep(Number(values['poll-ms']));
  }
}

/** Reads the job's Server-Sent Events until a final state (the server closes the stream after it). */
async function followUntilFinal(token: string, jobId: string): Promise<JobState> {
  const response = await api.call('GET', `/jobs/${jobId}/events`, token);
  if (!response.ok || !response.body) throw new Error(`GET /jobs/${jobId}/events answered ${response.status}`);
  let buffered = '';
  for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
      const data = buffered.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
      buffered = buffered.slice(end + 2);
      const job = data ? jobState.parse(JSON.parse(data.slice('data: '.length))) : undefined;
      if (job && isFinal(job)) return job;
    }
  }
  throw new Error(`the event stream of job ${jobId} ended before a final state`);
}
