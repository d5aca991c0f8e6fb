import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../inference/image/decode.js';
import type { Raster } from '../../../inference/image/raster.js';
import type { ModelRegistry } from '../../../inference/models/registry.js';
import { upscaleAlpha, upscaleRgb } from '../../../inference/upscale/upscale.js';
import { esrganSlimAssets } from '../../../scripts/models/fetch.js';
import { psnr } from './images.js';
import { FIXTURES, prepareModels, testRegistry } from './models.js';

let registry: ModelRegistry;
let assets: string;
let fixture: Raster;

beforeAll(async () => {
  await prepareModels();
  registry = await testRegistry();
  assets = await esrganSlimAssets();
  fixture = await decodeImage(await readFile(path.join(assets, 'fixture.png')), 10_000_000);
}, 120_000);

describe('upscale', () => {
  it.each([2, 4] as const)('x%i reproduces the esrgan-slim package’s own result at > 60 dB', async (scale) => {
    const model = await registry.get(scale === 2 ? 'upscale_x2' : 'upscale_x4');
    const out = await upscaleRgb(model, fixture, scale, { tileSize: 256, overlap: 16 });
    const reference = await sharp(path.join(assets, 'samples', `${scale}x`, 'result.png')).ensureAlpha().raw().toBuffer();
    expect(out.width).toBe(fixture.width * scale);
    expect(psnr(out.data, reference)).toBeGreaterThan(60);
  });

  it('tiled output matches untiled output closely, with progress per tile', async () => {
    const model = await registry.get('upscale_x2');
    const photo = await decodeImage(await sharp(path.join(FIXTURES, 'three-faces.jpg')).resize(200).toBuffer(), 10_000_000);
    const whole = await upscaleRgb(model, photo, 2, { tileSize: 512, overlap: 16 });
    const progress: number[] = [];
    const tiled = await upscaleRgb(model, photo, 2, { tileSize: 64, overlap: 16, onTile: (done, total) => progress.push(done / total) });
    expect(progress.length).toBeGreaterThan(4);
    expect(progress.at(-1)).toBe(1);
    expect(psnr(tiled.data, whole.data)).toBeGreaterThan(45);
    let total = 0;
    for (let i = 0; i < whole.data.length; i++) total += Math.abs(whole.data[i]! - tiled.data[i]!);
    expect(total / whole.data.length).toBeLessThan(0.5);
  });

  it('keeps alpha', async () => {
    const model = await registry.get('upscale_x2');
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.25 } } }).png().toBuffer();
    const image = await decodeImage(png, 10_000_000);
    const out = await upscaleRgb(model, image, 2, { tileSize: 32, overlap: 8 });
    await upscaleAlpha(image, out);
    for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(64);
  });

  it('stops between tiles when aborted', async () => {
    const model = await registry.get('upscale_x2');
    const controller = new AbortController();
    let tiles = 0;
    const run = upscaleRgb(model, fixture, 2, {
      tileSize: 32,
      overlap: 8,
      signal: controller.signal,
      onTile: () => {
        if (++tiles === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tiles).toBe(2);
  });
});
