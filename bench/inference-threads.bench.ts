/**
 * Job threads benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/inference-threads.bench.ts [--runs 3] [--x4plus-size 256] [--fast-size 256] [--jobs 4] [--baseline]
 * 1. The worker's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution: figures include it) while the
 *    engine runs one x4plus ×4 job (input --x4plus-size wide, the fixture photo): p50, p99 and max per run, after the
 *    same histogram over 10 s of an idle process (what the machine's scheduling allows at the moment). With --baseline, the
 *    same job on the event loop itself (the job runner in this thread, as before job threads) for comparison.
 * 2. CPU throughput of x4fast ×4 jobs (--fast-size² crops): --jobs jobs through an engine with
 *    INFERENCE_CONCURRENCY=1, then the same jobs through INFERENCE_CONCURRENCY=2, all submitted at once; jobs/s each
 *    and the ratio. Sessions share the cores (INFERENCE_THREADS=0: cores ÷ concurrency intra-op threads each).
 * Uses MODEL_DIR (default .local/models), fetching models there first; takes the rest of the inference settings
 * from the environment (e.g. ONNX_EXECUTION_PROVIDER=cuda).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { inferenceEnvSchema } from '../domain/config/inference.js';
import { createInferenceEngine, type InferenceRequest } from '../inference/index.js';
import { createJobRunner } from '../inference/job-runner.js';
import { readManifest } from '../inference/models/manifest.js';
import { ensureModels } from '../scripts/models/fetch.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'x4plus-size': { type: 'string', default: '256' },
    'fast-size': { type: 'string', default: '256' },
    jobs: { type: 'string', default: '4' },
    baseline: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs), jobs = Number(values.jobs);
const config = inferenceEnvSchema.parse(process.env);
await ensureModels({ modelDir: config.MODEL_DIR });
const photo = await readFile(path.join(import.meta.dirname, '../test/fixtures/inference/three-faces.jpg'));
const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** Event-loop delay while `work` runs, in ms. */
async function loopDelay(work: () => Promise<unknown>): Promise<{ p50: number; p99: number; max: number; ms: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, ms };
}

console.log(`${config.ONNX_EXECUTION_PROVIDER}, ${availableParallelism()} cores, tile ${config.UPSCALE_TILE_SIZE}/${config.UPSCALE_TILE_OVERLAP}/pad ${config.UPSCALE_TILE_PAD}, ${runs} runs`);

const x4plus: InferenceRequest = {
  jobType: 'upscale',
  input: await sharp(photo).resize(Number(values['x4plus-size'])).png().toBuffer(),
  params: { scale_factor: 4, model: 'realesrgan-x4plus' },
};
const { width, height } = await sharp(x4plus.input).metadata();
// The floor this machine sets at the moment: the same histogram over 10 s with nothing running in this process.
const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, 10_000)));
console.log(`idle process, 10 s: event-loop delay p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms`);
const engine = await createInferenceEngine({ ...config, INFERENCE_CONCURRENCY: 1 });
await engine.run(x4plus); // loads the model in the job thread
const threaded = [];
for (let i = 0; i < runs; i++) threaded.push(await loopDelay(() => engine.run(x4plus)));
await engine.close();
const report = (label: string, samples: Awaited<ReturnType<typeof loopDelay>>[]) =>
  console.log(
    `${label}: event-loop delay p50 ${range(samples.map((s) => s.p50), 1)} ms, p99 ${range(samples.map((s) => s.p99), 1)} ms, ` +
      `max ${range(samples.map((s) => s.max), 1)} ms; job ${range(samples.map((s) => s.ms / 1000), 1)} s`,
  );
report(`x4plus ×4 ${width}×${height}, job thread`, threaded);

if (values.baseline) {
  const runner = createJobRunner(config, await readManifest(config.MODEL_DIR), { sessionThreads: config.INFERENCE_THREADS });
  await runner.run(x4plus);
  const inline = [];
  for (let i = 0; i < runs; i++) inline.push(await loopDelay(() => runner.run(x4plus)));
  await runner.close();
  report(`x4plus ×4 ${width}×${height}, on the event loop`, inline);
}

const fastSize = Number(values['fast-size']);
const fast: InferenceRequest = {
  jobType: 'upscale',
  input: await sharp(photo).resize(fastSize, fastSize, { fit: 'cover' }).png().toBuffer(),
  params: { scale_factor: 4, model: 'realesrgan-x4fast' },
};
const throughput: Record<1 | 2, number[]> = { 1: [], 2: [] };
for (const concurrency of [1, 2] as const) {
  const pool = await createInferenceEngine({ ...config, INFERENCE_CONCURRENCY: concurrency });
  // Every thread loads the model once before the clock starts.
  await Promise.all(Array.from({ length: concurrency }, () => pool.run(fast)));
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: jobs }, () => pool.run(fast)));
    throughput[concurrency].push(jobs / ((performance.now() - started) / 1000));
  }
  await pool.close();
}
const ratios = throughput[2].map((jobsPerSecond, i) => jobsPerSecond / throughput[1][i]!);
console.log(
  `x4fast ×4 ${fastSize}², ${jobs} jobs: concurrency 1 ${range(throughput[1], 3)} jobs/s, concurrency 2 ${range(throughput[2], 3)} jobs/s, ` +
    `2 ÷ 1 ${range(ratios, 2)}`,
);
