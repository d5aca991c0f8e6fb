import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine, InferenceErrorCode, type InferenceEngine } from '../../../inference/index.js';
import { PLACEHOLDER_REFUSAL } from '../../../inference/models/registry.js';
import { FIXTURES, prepareModels, testConfig } from './models.js';

const quiet = { info: () => undefined, warn: () => undefined };
let photo: Buffer;

beforeAll(async () => {
  await prepareModels();
  photo = await readFile(path.join(FIXTURES, 'three-faces.jpg'));
}, 120_000);

async function engineWith(overrides: Record<string, string>, nodeEnv: 'production' | 'development' = 'development'): Promise<InferenceEngine> {
  return createInferenceEngine({ ...testConfig(overrides), NODE_ENV: nodeEnv }, quiet);
}

/** x4plus on small tiles: each tile is a model run of a second or more on CPU. */
const x4plusJob = async (width: number) => ({
  jobType: 'upscale' as const,
  input: await sharp(photo).resize(width).png().toBuffer(),
  params: { scale_factor: 4 as const, model: 'realesrgan-x4plus' as const },
});

describe('models run in job threads, off the event loop', () => {
  it('a cancel during a long tile stops the job within one tile', async () => {
    const engine = await engineWith({ UPSCALE_TILE_SIZE: '48', UPSCALE_TILE_OVERLAP: '8' });
    const controller = new AbortController();
    let cancelAt = Number.POSITIVE_INFINITY;
    let tilesAfterCancel = 0;
    const run = engine.run(await x4plusJob(160), {
      signal: controller.signal,
      onProgress: ({ stage }) => {
        if (stage !== 'upscale') return;
        if (performance.now() > cancelAt) tilesAfterCancel++;
        else if (cancelAt === Number.POSITIVE_INFINITY) {
          // The first tile is done: cancel from outside (as a heartbeat delivers it) while the second one runs.
          cancelAt = performance.now() + 100;
          setTimeout(() => controller.abort(), 100);
        }
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    // The tile in flight may finish; none starts after it. (On the event loop, the cancel would be seen only after
    // the tile that started while the timer waited behind the running one: two tiles.)
    expect(tilesAfterCancel).toBeLessThanOrEqual(1);
    await engine.close();
  }, 300_000);

  it('keeps the event loop turning while a model runs (a tile of seconds)', async () => {
    const engine = await engineWith({ UPSCALE_TILE_SIZE: '256' });
    const job = await x4plusJob(96);
    await engine.run(job); // loads the model: only the run itself is measured below
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    await engine.run(job);
    const runMs = performance.now() - started;
    clearInterval(ticker);
    // One tile of 96×64: the whole run is the tile; on the event loop the longest gap would be all of it.
    expect(runMs).toBeGreaterThan(1000);
    expect(longestGap).toBeLessThan(Math.min(500, runMs / 2));
    await engine.close();
  }, 300_000);

  it('INFERENCE_CONCURRENCY=2 runs two models at once', async () => {
    const engine = await engineWith({ INFERENCE_CONCURRENCY: '2', UPSCALE_TILE_SIZE: '32', UPSCALE_TILE_OVERLAP: '8' });
    const job = { jobType: 'upscale' as const, input: await sharp(photo).resize(96).png().toBuffer(), params: { scale_factor: 4 as const, model: 'realesrgan-x4fast' as const } };
    const events: string[] = [];
    const track = (name: string) => ({ onProgress: ({ stage }: { stage: string }) => events.push(`${name}:${stage}`) });
    await Promise.all([engine.run(job, track('a')), engine.run(job, track('b'))]);
    // Each job's tiles began before the other one finished.
    const firstTile = (name: string) => events.indexOf(`${name}:upscale`);
    const done = (name: string) => events.indexOf(`${name}:done`);
    expect(firstTile('a')).toBeLessThan(done('b'));
    expect(firstTile('b')).toBeLessThan(done('a'));
    await engine.close();
  });
});

describe('placeholders', () => {
  const restoration = () => ({ jobType: 'face_restoration' as const, input: photo, params: { model: 'gfpgan' as const } });

  it('production configuration refuses to load them and does not offer their job types', async () => {
    const engine = await engineWith({}, 'production');
    await expect(engine.run(restoration())).rejects.toMatchObject({ code: InferenceErrorCode.MODEL_UNAVAILABLE });
    expect(engine.describeModels().find((model) => model.name === 'gfpgan')).toMatchObject({ loaded: false, error: PLACEHOLDER_REFUSAL });
    expect(engine.capabilities()).toMatchObject({ restorers: [], faceSwap: false, placeholders: [] });
    await engine.close();
  });

  it('where they are allowed, a result made with one says so', async () => {
    const engine = await engineWith({});
    expect(engine.capabilities().placeholders).toContain('gfpgan');
    const restored = await engine.run(restoration());
    expect(restored.placeholderModels).toEqual(['gfpgan']);
    // The file itself says so too.
    const { exif } = await sharp(restored.data).metadata();
    expect(exif?.toString('latin1')).toContain('PLACEHOLDER models (gfpgan)');
    const upscaled = await engine.run({ jobType: 'upscale', input: await sharp(photo).resize(64).toBuffer(), params: { scale_factor: 2 } });
    expect(upscaled.placeholderModels).toEqual([]);
    await engine.close();
  });
});
