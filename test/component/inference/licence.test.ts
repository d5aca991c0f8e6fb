import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInferenceEngine } from '../../../inference/index.js';
import { FIXTURES, prepareModels, testConfig, testRegistry } from './models.js';

let photo: Buffer;

beforeAll(async () => {
  await prepareModels();
  photo = await readFile(path.join(FIXTURES, 'three-faces.jpg'));
}, 120_000);

describe('model licences', () => {
  it('holds back non-commercial weights unless the operator opts in, and keeps the commercial detector', async () => {
    const logged: string[] = [];
    const engine = await createInferenceEngine(testConfig({ INFERENCE_WARMUP: 'true' }), { info: (_obj, msg) => logged.push(msg ?? ''), warn: () => undefined });
    expect(engine.capabilities()).toEqual({
      executionProvider: 'cpu',
      upscalers: ['realesrgan-x4plus', 'realesrgan-x4fast', 'esrgan-slim'],
      defaultUpscaler: 'realesrgan-x4fast',
      // Generated placeholders count as commercial-use (docs/models.md); allowed outside production.
      restorers: ['gfpgan', 'codeformer'],
      faceDetection: true,
      faceSwap: true,
      placeholders: ['gfpgan', 'codeformer', 'inswapper', 'arcface'],
      faceDetector: 'ultraface',
      nonCommercial: { allowed: false, models: ['scrfd'] },
    });
    const scrfd = engine.describeModels().find((model) => model.name === 'scrfd');
    expect(scrfd).toMatchObject({ loaded: false, commercialUse: false, error: expect.stringMatching(/INFERENCE_ALLOW_NON_COMMERCIAL_MODELS/) });
    expect(logged.some((line) => line.includes('non-commercial models present but not loaded'))).toBe(true);
    await expect((await testRegistry(undefined, false)).get('scrfd')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    // Restoration still finds the faces, with UltraFace.
    await expect(engine.run({ jobType: 'face_restoration', input: photo, params: {} })).resolves.toMatchObject({ width: 800 });
    await engine.close();
  });

  it('loads SCRFD as the detector when the operator accepts its licence, and says so', async () => {
    const warned: string[] = [];
    const engine = await createInferenceEngine(testConfig({ INFERENCE_ALLOW_NON_COMMERCIAL_MODELS: 'true' }), { info: () => undefined, warn: (_obj, msg) => warned.push(msg ?? '') });
    expect(engine.capabilities()).toMatchObject({ faceDetector: 'scrfd', nonCommercial: { allowed: true, models: ['scrfd'] } });
    expect(warned.some((line) => line.startsWith('NON-COMMERCIAL models enabled'))).toBe(true);
    const progress: string[] = [];
    await engine.run({ jobType: 'face_restoration', input: photo, params: {} }, { onProgress: (p) => progress.push(p.stage) });
    expect(progress.filter((stage) => stage === 'restore')).toHaveLength(3);
    expect(engine.describeModels().find((model) => model.name === 'scrfd')).toMatchObject({ loaded: true });
    await engine.close();
  });
});
