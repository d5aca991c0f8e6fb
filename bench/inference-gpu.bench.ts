/**
 * GPU figures (prints them and appends them to --out; not a test). Run by bench/gpu-check.sh, which installs the
 * CUDA provider and sets LD_LIBRARY_PATH first. Modes:
 *   npx tsx bench/inference-gpu.bench.ts compare [--out FILE]
 *     x4plus and x4fast on one 256² tile of the fixture photo, on CPU and on CUDA: max |CUDA − CPU| per model; exits 1
 *     when one is over 1e-3 (run it with NVIDIA_TF32_OVERRIDE=0: TF32 convolutions round to 10 mantissa bits).
 *   npx tsx bench/inference-gpu.bench.ts timing [--out FILE] [--runs 5]
 *     ms per 256² tile (one session.run) and per 512² ×4 job through the engine (tiles, decode, encode), per model.
 *   npx tsx bench/inference-gpu.bench.ts e2e [--out FILE] [--jobs 8]
 *     Needs the local stack (scripts/stack/stack.sh up): the API, an orchestrator and a CUDA inference worker as
 *     processes; jobs/s end to end for x4plus ×4 on a 512² photo (no model named: the worker's CUDA default) at
 *     INFERENCE_CONCURRENCY 1 and 2, all --jobs submitted at once.
 * Every mode first checks that CUDA really runs (resolveExecutionProvider) and stops with what is missing if not.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { z } from 'zod';
import { inferenceEnvSchema } from '../domain/config/inference.js';
import { createInferenceEngine, CudaUnavailableError } from '../inference/index.js';
import { resolveExecutionProvider } from '../inference/execution-provider.js';
import { readManifest } from '../inference/models/manifest.js';
import { regionToPlanar, UNIT_RANGE } from '../inference/image/tensor.js';
import { decodeImage } from '../inference/image/decode.js';
import { ensureModels } from '../scripts/models/fetch.js';
import { createMigratedDatabase, readStackEnv } from '../scripts/stack/local-stack.js';
import { BENCH_PROCESS_ENV, startMain, stopMains, waitForHealth } from './lib/harness.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, runs: { type: 'string', default: '5' }, jobs: { type: 'string', default: '8' } },
});
const mode = positionals[0];
const MAX_ABS_ERROR = 1e-3;
const MODELS = { 'realesrgan-x4plus': 'realesrgan_x4plus', 'realesrgan-x4fast': 'realesrgan_x4fast' } as const;

async function record(line: string): Promise<void> {
  console.log(line);
  if (values.out) await appendFile(values.out, `${line}\n`);
}

const config = inferenceEnvSchema.parse({ ...process.env, ONNX_EXECUTION_PROVIDER: 'cuda', INFERENCE_ALLOW_CPU_FALLBACK: 'false' });
try {
  await resolveExecutionProvider(config);
} catch (error) {
  if (!(error instanceof CudaUnavailableError)) throw error;
  await record(`FAILED: ${error.message}`);
  process.exit(2);
}
await ensureModels({ modelDir: config.MODEL_DIR });
const manifest = await readManifest(config.MODEL_DIR);
const photo = await readFile(path.join(import.meta.dirname, '../test/fixtures/inference/three-faces.jpg'));
const square = (size: number) => sharp(photo).resize(size, size, { fit: 'cover' }).png().toBuffer();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function session(model: keyof typeof MODELS, provider: 'cpu' | 'cuda'): Promise<ort.InferenceSession> {
  const entry = manifest.models.find((m) => m.name === MODELS[model]);
  if (!entry) throw new Error(`${MODELS[model]} is not in ${config.MODEL_DIR}'s manifest`);
  return ort.InferenceSession.create(path.join(config.MODEL_DIR, entry.file), { executionProviders: [provider], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

async function tile(size: number): Promise<ort.Tensor> {
  const image = await decodeImage(await square(size), 10_000_000);
  return new ort.Tensor('float32', regionToPlanar(image, { x: 0, y: 0, width: size, height: size }, UNIT_RANGE), [1, 3, size, size]);
}

async function runOnce(s: ort.InferenceSession, input: ort.Tensor): Promise<Float32Array> {
  const results = await s.run({ [s.inputNames[0]!]: input });
  return results[s.outputNames[0]!]!.data as Float32Array;
}

async function compare(): Promise<boolean> {
  const input = await tile(256);
  let passed = true;
  for (const model of Object.keys(MODELS) as (keyof typeof MODELS)[]) {
    const [cpu, cuda] = [await session(model, 'cpu'), await session(model, 'cuda')];
    const [expected, actual] = [await runOnce(cpu, input), await runOnce(cuda, input)];
    let maxError = 0;
    for (let i = 0; i < expected.length; i++) maxError = Math.max(maxError, Math.abs(expected[i]! - actual[i]!));
    const ok = expected.length === actual.length && maxError <= MAX_ABS_ERROR;
    passed &&= ok;
    await record(`compare ${model} 256² tile: max |cuda − cpu| ${maxError.toExponential(2)} (limit ${MAX_ABS_ERROR}, NVIDIA_TF32_OVERRIDE=${process.env.NVIDIA_TF32_OVERRIDE ?? 'unset'}) ${ok ? 'ok' : 'FAILED'}`);
    await Promise.all([cpu.release(), cuda.release()]);
  }
  return passed;
}

async function timing(): Promise<void> {
  const runs = Number(values.runs);
  const input = await tile(256);
  const job512 = await square(512);
  for (const model of Object.keys(MODELS) as (keyof typeof MODELS)[]) {
    const cuda = await session(model, 'cuda');
    await runOnce(cuda, input); // cuDNN picks its algorithms on the first run
    const tileMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await runOnce(cuda, input);
      tileMs.push(performance.now() - started);
    }
    await cuda.release();
    const engine = await createInferenceEngine(config);
    const request = { jobType: 'upscale' as const, input: job512, params: { scale_factor: 4 as const, model } };
    await engine.run(request);
    const jobMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await engine.run(request);
      jobMs.push(performance.now() - started);
    }
    await engine.close();
    await record(
      `timing ${model} cuda: ${median(tileMs).toFixed(1)} ms per 256² tile (session.run, median of ${runs}); ` +
        `${median(jobMs).toFixed(0)} ms per 512² ×4 job (tile ${config.UPSCALE_TILE_SIZE}, decode + tiles + PNG encode, median of ${runs})`,
    );
  }
}

/** The local stack with a CUDA inference worker: jobs/s for `jobs` x4plus ×4 jobs on a 512² photo, submitted at once. */
async function endToEnd(concurrency: number, jobs: number, image: Buffer): Promise<void> {
  const stack = readStackEnv();
  const port = 3919;
  const base = `http://127.0.0.1:${port}`;
  const suffix = randomUUID().slice(0, 8);
  const env = {
    ...stack,
    DATABASE_URL: await createMigratedDatabase(z.string().parse(stack.DATABASE_URL), 'oneshot_bench_gpu'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    API_PORT: String(port),
    LOG_LEVEL: 'warn',
    MODEL_DIR: config.MODEL_DIR,
    ONNX_EXECUTION_PROVIDER: 'cuda',
    INFERENCE_CONCURRENCY: String(concurrency),
    INFERENCE_WARMUP: 'true',
    TEMPORAL_TASK_QUEUE_ORCHESTRATOR: `gpu-orchestrator-${suffix}`,
    TEMPORAL_TASK_QUEUE_INFERENCE: `gpu-inference-${suffix}`,
    DEFAULT_CREDITS: '1000000',
    ...BENCH_PROCESS_ENV,
  };
  const processes = ['api/server.ts', 'workers/orchestrator.ts', 'workers/inference.ts'].map((entry) => startMain(entry, env));
  const call = async (method: string, route: string, body?: object, token?: string) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    await waitForHealth(base);
    const { access_token: token } = (await call('POST', '/auth/register', { email: `gpu-${suffix}@example.test`, password: 'long enough password' })) as { access_token: string };
    const presigned = (await call('POST', '/uploads/presign', { filename: 'photo.png', content_type: 'image/png', file_size: image.length }, token)) as {
      presigned_url: string;
      fields: Record<string, string>;
      upload_id: string;
    };
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'photo.png');
    const stored = await fetch(presigned.presigned_url, { method: 'POST', body: form });
    if (!stored.ok) throw new Error(`upload to S3: ${stored.status}`);
    // Until the worker advertises (it does before it polls), the API refuses with MODEL_UNAVAILABLE.
    const submit = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await call('POST', '/jobs', { job_type: 'upscale', input: presigned.upload_id, parameters: { scale_factor: 4 } }, token)) as { job_id: string };
        } catch (error) {
          if (attempt > 600 || !String(error).includes('MODEL_UNAVAILABLE')) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    };
    const finished = async (jobId: string) => {
      for (;;) {
        const job = (await call('GET', `/jobs/${jobId}`, undefined, token)) as { status: string; parameters: { model?: string }; error_code: string | null };
        if (job.status === 'completed') return job;
        if (job.status !== 'pending' && job.status !== 'processing') throw new Error(`job ${jobId} ended ${job.status} (${job.error_code})`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const first = await finished((await submit()).job_id); // warm: workflow bundle, sessions, cuDNN algorithms
    const started = performance.now();
    const ids = await Promise.all(Array.from({ length: jobs }, submit));
    await Promise.all(ids.map(({ job_id }) => finished(job_id)));
    const seconds = (performance.now() - started) / 1000;
    await record(
      `e2e x4plus ×4 512² (model: ${first.parameters.model ?? 'unrecorded'}), INFERENCE_CONCURRENCY=${concurrency}: ${(jobs / seconds).toFixed(2)} jobs/s ` +
        `(${jobs} jobs in ${seconds.toFixed(1)} s)`,
    );
  } finally {
    await stopMains(processes);
  }
}

switch (mode) {
  case 'compare':
    process.exitCode = (await compare()) ? 0 : 1;
    break;
  case 'timing':
    await timing();
    break;
  case 'e2e': {
    const image = await square(512);
    for (const concurrency of [1, 2]) await endToEnd(concurrency, Number(values.jobs), image);
    break;
  }
  default:
    console.error('usage: npx tsx bench/inference-gpu.bench.ts compare|timing|e2e [--out FILE] [--runs N] [--jobs N]');
    process.exitCode = 2;
}
