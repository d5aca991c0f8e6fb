/**
 * Inference benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/inference.bench.ts [--runs 3] [--jobs 200]
 * Uses MODEL_DIR (default .local/models), fetching models there first. Placeholder models compute almost
 * nothing, so restoration and swap figures measure the pipeline around the model, not GFPGAN/inswapper.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { inferenceEnvSchema } from '../domain/config/inference.js';
import type { InferenceRequest } from '../inference/index.js';
import { createJobRunner } from '../inference/job-runner.js';
import { readManifest } from '../inference/models/manifest.js';
import { ensureModels } from '../scripts/models/fetch.js';
import { timeSessionRuns } from './inference-session-timer.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, jobs: { type: 'string', default: '200' } } });
const runs = Number(values.runs), jobs = Number(values.jobs);

// Pure model time: every session.run in this process is timed, whoever calls it.
const sessions = timeSessionRuns();

// ESRGAN-slim, so the upscale lines compare with the untiled x4 run below; per-model figures: inference-upscalers.bench.ts.
const config = inferenceEnvSchema.parse({ UPSCALE_DEFAULT_MODEL: 'esrgan-slim', ...process.env });
await ensureModels({ modelDir: config.MODEL_DIR });
// The job runner on this thread (the engine runs the same in its job threads), so that session.run is timed here.
const manifest = await readManifest(config.MODEL_DIR);
const engine = createJobRunner(config, manifest, { sessionThreads: config.INFERENCE_THREADS });
const placeholders = manifest.models.filter((m) => m.placeholder).map((m) => m.name);

const photo = await readFile(path.join(import.meta.dirname, '../test/fixtures/inference/three-faces.jpg'));
const square512 = await sharp(photo).resize(512, 512, { fit: 'cover' }).png().toBuffer();
const square256 = await sharp(photo).resize(256, 256, { fit: 'cover' }).jpeg().toBuffer();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: string, request: InferenceRequest) {
  const { width, height } = await sharp(request.target ?? request.input).metadata();
  await engine.run(request); // loads and warms the models
  const total: number[] = [], model: number[] = [];
  for (let i = 0; i < runs; i++) {
    sessions.reset();
    const started = performance.now();
    await engine.run(request);
    total.push(performance.now() - started);
    model.push(sessions.elapsed());
  }
  const ms = median(total), inMp = (width * height) / 1e6;
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms/image  ${(inMp / (ms / 1000)).toFixed(3).padStart(7)} input MP/s  ` +
      `session.run ${median(model).toFixed(0).padStart(6)} ms  total/session.run ${(ms / median(model)).toFixed(3)}`,
  );
}

console.log(`CPU: ${ort.env.versions?.common ?? ''} onnxruntime-node, tile ${config.UPSCALE_TILE_SIZE}/${config.UPSCALE_TILE_OVERLAP}, median of ${runs}`);
if (placeholders.length) console.log(`placeholders: ${placeholders.join(', ')}`);
await measure('upscale x4 512×512 PNG', { jobType: 'upscale', input: square512, params: { scale_factor: 4 } });
await measure('upscale x2 512×512 PNG', { jobType: 'upscale', input: square512, params: { scale_factor: 2 } });
await measure('face_restoration gfpgan 800×533 (3)', { jobType: 'face_restoration', input: photo, params: { model: 'gfpgan' } });
await measure('face_restoration codeformer 800×533', { jobType: 'face_restoration', input: photo, params: { model: 'codeformer' } });
await measure('face_swap 800×533 → 800×533 (3)', { jobType: 'face_swap', input: photo, target: photo, params: {} });

// The same x4 model on the whole 512×512 image in one call: the least model time possible.
const x4 = await ort.InferenceSession.create(path.join(config.MODEL_DIR, 'esrgan_slim_x4.onnx'));
const whole = new ort.Tensor('float32', new Float32Array(3 * 512 * 512).fill(0.5), [1, 3, 512, 512]);
await x4.run({ input: whole });
sessions.reset();
for (let i = 0; i < runs; i++) await x4.run({ input: whole });
console.log(`x4 512×512 untiled session.run alone: ${(sessions.elapsed() / runs).toFixed(0)} ms`);
await x4.release();

if (jobs > 0) {
  const mixed: InferenceRequest[] = [
    { jobType: 'upscale', input: square256, params: { scale_factor: 2 } },
    { jobType: 'face_restoration', input: photo, params: {} },
    { jobType: 'face_swap', input: photo, target: photo, params: {} },
  ];
  const rss = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  let at10 = '';
  const started = performance.now();
  for (let i = 1; i <= jobs; i++) {
    await engine.run(mixed[i % mixed.length]!);
    if (i === 10) at10 = rss();
  }
  console.log(`RSS after 10 jobs ${at10} MiB, after ${jobs} jobs ${rss()} MiB (mixed upscale/restore/swap, ${((performance.now() - started) / jobs).toFixed(0)} ms/job)`);
}
await engine.close();
