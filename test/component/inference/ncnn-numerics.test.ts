import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { regionToPlanar, UNIT_RANGE } from '../../../inference/image/tensor.js';
import { invoke } from '../../../inference/models/invoke.js';
import type { ModelRegistry } from '../../../inference/models/registry.js';
import { FIXTURES, prepareModels, testRegistry } from './models.js';

// Fixtures made by scripts/models/regenerate-fixtures.ts with ncnn itself (see test/fixtures/inference/README.md).
const NCNN = path.join(FIXTURES, 'ncnn');

let registry: ModelRegistry;
let input: ort.Tensor;

beforeAll(async () => {
  await prepareModels();
  registry = await testRegistry();
  const { data, info } = await sharp(path.join(NCNN, 'crop.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const planar = regionToPlanar({ data, width: info.width, height: info.height }, { x: 0, y: 0, width: info.width, height: info.height }, UNIT_RANGE);
  input = new ort.Tensor('float32', planar, [1, 3, info.height, info.width]);
}, 300_000);

describe('Real-ESRGAN converted from ncnn', () => {
  it.each([['realesrgan_x4plus', 'realesrgan-x4plus'], ['realesrgan_x4fast', 'realesrgan-x4fast']] as const)(
    '%s reproduces ncnn’s own output within 1e-4',
    async (role, fixture) => {
      const expected = new Float32Array((await readFile(path.join(NCNN, `${fixture}.f32`))).buffer.slice(0));
      const { image } = await invoke(await registry.get(role), { image: input });
      expect(image.dims).toEqual([1, 3, input.dims[2]! * 4, input.dims[3]! * 4]);
      const actual = image.data as Float32Array;
      expect(actual.length).toBe(expected.length);
      let maxError = 0;
      for (let i = 0; i < actual.length; i++) maxError = Math.max(maxError, Math.abs(actual[i]! - expected[i]!));
      expect(maxError).toBeLessThanOrEqual(1e-4);
    },
  );
});
