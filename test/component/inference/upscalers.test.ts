import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../inference/image/decode.js';
import type { DecodedImage } from '../../../inference/image/raster.js';
import { readManifest } from '../../../inference/models/manifest.js';
import { ModelRegistry } from '../../../inference/models/registry.js';
import { upscaleRgb } from '../../../inference/upscale/upscale.js';
import { availableUpscalers, selectUpscaler, upscaleImage } from '../../../inference/upscale/upscale-image.js';
import { psnr } from './images.js';
import { FIXTURES, prepareModels, TEST_MODEL_DIR, testConfig, testRegistry } from './models.js';

let registry: ModelRegistry;
let photo: DecodedImage;

const photoAt = async (width: number) => decodeImage(await sharp(path.join(FIXTURES, 'three-faces.jpg')).resize(width).png().toBuffer(), 10_000_000);

beforeAll(async () => {
  await prepareModels();
  registry = await testRegistry();
  photo = await photoAt(96);
}, 120_000);

describe('selectUpscaler', () => {
  it('honours a named upscaler and refuses unknown ones', () => {
    expect(availableUpscalers(registry)).toEqual(['realesrgan-x4plus', 'realesrgan-x4fast', 'esrgan-slim']);
    expect(selectUpscaler(registry, testConfig(), 'esrgan-slim')).toBe('esrgan-slim');
    expect(() => selectUpscaler(registry, testConfig(), 'realesrgan-x8')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETERS' }));
  });

  it('defaults to quality on CUDA, speed on CPU, or what the configuration says', () => {
    expect(selectUpscaler(registry, testConfig())).toBe('realesrgan-x4fast');
    expect(selectUpscaler(registry, testConfig({ ONNX_EXECUTION_PROVIDER: 'cuda' }))).toBe('realesrgan-x4plus');
    expect(selectUpscaler(registry, testConfig({ UPSCALE_DEFAULT_MODEL: 'esrgan-slim' }))).toBe('esrgan-slim');
  });

  it('validates against what the worker has: a missing model is MODEL_UNAVAILABLE, the default falls back', async () => {
    const manifest = await readManifest(TEST_MODEL_DIR);
    const withoutFast = { ...manifest, models: manifest.models.filter((model) => model.name !== 'realesrgan_x4fast') };
    const older = new ModelRegistry(withoutFast, { modelDir: TEST_MODEL_DIR, executionProvider: 'cpu', threads: 0, allowNonCommercial: false });
    expect(() => selectUpscaler(older, testConfig(), 'realesrgan-x4fast')).toThrow(expect.objectContaining({ code: 'MODEL_UNAVAILABLE' }));
    expect(selectUpscaler(older, testConfig())).toBe('realesrgan-x4plus');
  });
});

describe('upscaleImage', () => {
  it('reaches ×2 with a ×4 model by a Lanczos downscale of its output (upstream outscale)', async () => {
    const config = testConfig();
    const x2 = await upscaleImage(registry, config, photo, { scale: 2, model: 'realesrgan-x4fast' });
    const x4 = await upscaleImage(registry, config, photo, { scale: 4, model: 'realesrgan-x4fast' });
    expect([x2.width, x2.height, x4.width, x4.height]).toEqual([192, 128, 384, 256]);
    const reference = await sharp(x4.data, { raw: { width: 384, height: 256, channels: 4 } }).resize(192, 128, { kernel: 'lanczos3' }).raw().toBuffer();
    expect(psnr(x2.data, reference)).toBeGreaterThan(50);
    // And it is still the photo: close to a plain resize of the input.
    const plain = await sharp(photo.data, { raw: { width: 96, height: 64, channels: 4 } }).resize(192, 128, { kernel: 'cubic' }).raw().toBuffer();
    expect(psnr(x2.data, plain)).toBeGreaterThan(22);
  });

  it('refuses an image whose ×4 working size is over MAX_OUTPUT_PIXELS, even for ×2', async () => {
    const config = testConfig({ MAX_OUTPUT_PIXELS: String(96 * 64 * 9) });
    await expect(upscaleImage(registry, config, photo, { scale: 2, model: 'realesrgan-x4fast' })).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });
});

describe('tiling with upstream pre-padding', () => {
  it.each([
    ['realesrgan_x4fast', 160, 48],
    ['realesrgan_x4plus', 96, 64],
  ] as const)('%s: tiled output matches untiled at > 45 dB, and the padding helps', async (role, width, tileSize) => {
    const image = await photoAt(width);
    const model = await registry.get(role);
    const whole = await upscaleRgb(model, image, 4, { tileSize: 1024, overlap: 0 });
    const padded = await upscaleRgb(model, image, 4, { tileSize, overlap: 8, tilePad: 10 });
    const unpadded = await upscaleRgb(model, image, 4, { tileSize, overlap: 8, tilePad: 0 });
    expect(psnr(padded.data, whole.data)).toBeGreaterThan(45);
    expect(psnr(padded.data, whole.data)).toBeGreaterThan(psnr(unpadded.data, whole.data));
  }, 60_000);
});
