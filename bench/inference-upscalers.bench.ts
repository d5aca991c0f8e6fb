/**
 * Per-upscaler benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/inference-upscalers.bench.ts [--runs 1] [--sizes 256,512] [--x4plus-sizes 256] [--jobs 60]
 * For each upscaler and square input size, a whole ×4 job (decode, tiles, encode) against one untiled
 * session.run on the same pixels; then quality on a real photo downscaled ×4 (reference: the original), with a
 * side-by-side picture in .local/bench/; then worker RSS over many jobs. x4plus is a GPU model (≈17 s at 256² on
 * two cores), so its sizes are separate. Uses MODEL_DIR (default .local/models), fetching models there first.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { inferenceEnvSchema } from '../domain/config/inference.js';
import { createJobRunner, type JobRunner } from '../inference/job-runner.js';
import { readManifest } from '../inference/models/manifest.js';
import { UPSCALER_NAMES, UPSCALER_ROLES, type UpscalerName } from '../inference/upscale/upscalers.js';
import { ensureModels } from '../scripts/models/fetch.js';
import { gmsd, luma, psnr, sharpness, ssim } from './inference-quality.js';
import { timeSessionRuns } from './inference-session-timer.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    sizes: { type: 'string', default: '256,512' },
    'x4plus-sizes': { type: 'string', default: '256' },
    jobs: { type: 'string', default: '60' },
  },
});
const runs = Number(values.runs), jobs = Number(values.jobs);
const sizesFor = (model: UpscalerName) => (model === 'realesrgan-x4plus' ? values['x4plus-sizes'] : values.sizes).split(',').filter(Boolean).map(Number);

const sessions = timeSessionRuns();
const base = inferenceEnvSchema.parse(process.env);
await ensureModels({ modelDir: base.MODEL_DIR });
const manifest = await readManifest(base.MODEL_DIR);
const photo = await readFile(path.join(import.meta.dirname, '../test/fixtures/inference/three-faces.jpg'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// The job runner on this thread (the engine runs the same in its job threads), so that session.run is timed here.
const engineFor = (model: UpscalerName): JobRunner =>
  createJobRunner(inferenceEnvSchema.parse({ ...process.env, UPSCALE_DEFAULT_MODEL: model }), manifest, { sessionThreads: base.INFERENCE_THREADS });

/** One untiled session.run of the model on size² pixels: the least model time possible. */
async function pureRun(model: UpscalerName, size: number): Promise<number> {
  const entry = manifest.models.find((m) => m.name === UPSCALER_ROLES[model][4])!;
  const session = await ort.InferenceSession.create(path.join(base.MODEL_DIR, entry.file), { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = new ort.Tensor('float32', new Float32Array(3 * size * size).fill(0.5), [1, 3, size, size]);
    const started = performance.now();
    const { output } = await session.run({ input });
    times.push(performance.now() - started);
    output?.dispose();
  }
  await session.release();
  return median(times);
}

console.log(`CPU, onnxruntime-node ${ort.env.versions?.common ?? ''}, tile ${base.UPSCALE_TILE_SIZE}/${base.UPSCALE_TILE_OVERLAP}/pad ${base.UPSCALE_TILE_PAD}, median of ${runs}`);
console.log('model               input  ms/image  output MP/s  ms/input-MP  session.run in job  pure session.run  job ÷ pure');
for (const model of UPSCALER_NAMES) {
  const engine = engineFor(model);
  await engine.run({ jobType: 'upscale', input: await sharp(photo).resize(64, 64).png().toBuffer(), params: { scale_factor: 4 } }); // load + warm
  for (const size of sizesFor(model)) {
    const input = await sharp(photo).resize(size, size, { fit: 'cover' }).png().toBuffer();
    const total: number[] = [], inJob: number[] = [];
    for (let i = 0; i < runs; i++) {
      sessions.reset();
      const started = performance.now();
      await engine.run({ jobType: 'upscale', input, params: { scale_factor: 4 } });
      total.push(performance.now() - started);
      inJob.push(sessions.elapsed());
    }
    const ms = median(total), pure = await pureRun(model, size);
    const outMp = (size * 4) ** 2 / 1e6, inMp = size ** 2 / 1e6;
    console.log(
      `${model.padEnd(19)} ${`${size}²`.padStart(5)} ${ms.toFixed(0).padStart(9)} ${(outMp / (ms / 1000)).toFixed(3).padStart(12)} ` +
        `${(ms / inMp).toFixed(0).padStart(12)} ${median(inJob).toFixed(0).padStart(19)} ${pure.toFixed(0).padStart(17)} ${(ms / pure).toFixed(3).padStart(11)}`,
    );
  }
  await engine.close();
}

// Quality: the photo (cropped to a multiple of 4) downscaled ×4 and brought back by each upscaler.
const original = await sharp(photo).extract({ left: 0, top: 0, width: 800, height: 532 }).ensureAlpha().raw().toBuffer();
const small = await sharp(original, { raw: { width: 800, height: 532, channels: 4 } }).resize(200, 133, { kernel: 'cubic' }).png().toBuffer();
const reference = luma(original, 800, 532);
const candidates: { name: string; rgba: Buffer }[] = [
  { name: 'bicubic', rgba: await sharp(small).resize(800, 532, { kernel: 'cubic' }).ensureAlpha().raw().toBuffer() },
];
for (const model of UPSCALER_NAMES) {
  const engine = engineFor(model);
  const result = await engine.run({ jobType: 'upscale', input: small, params: { scale_factor: 4 } });
  candidates.push({ name: model, rgba: await sharp(result.data).ensureAlpha().raw().toBuffer() });
  await engine.close();
}
const originalSharpness = sharpness(reference);
console.log('\nquality, 800×532 photo ↓4 (bicubic) then ↑4; reference = the original');
console.log('method              PSNR dB   SSIM    GMSD (↓ better)  sharpness ÷ original');
for (const { name, rgba } of candidates) {
  const y = luma(rgba, 800, 532);
  console.log(
    `${name.padEnd(19)} ${psnr(reference, y).toFixed(2).padStart(7)} ${ssim(reference, y).toFixed(4).padStart(7)} ${gmsd(reference, y).toFixed(4).padStart(16)} ${(sharpness(y) / originalSharpness).toFixed(3).padStart(21)}`,
  );
}
// A face from each, side by side: original, bicubic, then the upscalers in order.
const face = { left: 140, top: 130, width: 160, height: 160 };
const tiles = await Promise.all(
  [{ name: 'original', rgba: original }, ...candidates].map(({ rgba }) => sharp(rgba, { raw: { width: 800, height: 532, channels: 4 } }).extract(face).png().toBuffer()),
);
await mkdir('.local/bench', { recursive: true });
await sharp({ create: { width: 160 * tiles.length, height: 160, channels: 4, background: '#fff' } })
  .composite(tiles.map((input, i) => ({ input, left: i * 160, top: 0 })))
  .png()
  .toFile('.local/bench/upscalers-side-by-side.png');
console.log(`side by side (original, ${candidates.map((c) => c.name).join(', ')}): .local/bench/upscalers-side-by-side.png`);

if (jobs > 0) {
  // Leak check: many whole jobs on the two CPU-affordable upscalers, alternating; RSS should stay flat.
  const engines = [engineFor('realesrgan-x4fast'), engineFor('esrgan-slim')];
  const input = await sharp(photo).resize(128, 128, { fit: 'cover' }).jpeg().toBuffer();
  const rss = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  let at10 = '';
  const started = performance.now();
  for (let i = 1; i <= jobs; i++) {
    await engines[i % 2]!.run({ jobType: 'upscale', input, params: { scale_factor: 2 } });
    if (i === 10) at10 = rss();
  }
  console.log(`\nRSS after 10 jobs ${at10} MiB, after ${jobs} jobs ${rss()} MiB (128² ×2, x4fast and slim alternating, ${((performance.now() - started) / jobs).toFixed(0)} ms/job)`);
  await Promise.all(engines.map((engine) => engine.close()));
}
