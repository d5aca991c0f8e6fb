import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MODEL_SPECS } from '../../../inference/models/catalog.js';
import { readManifest } from '../../../inference/models/manifest.js';
import { bindSignature } from '../../../inference/models/signature.js';
import { ensureModels } from '../../../scripts/models/fetch.js';
import { upsertEntry, writeManifest } from '../../../scripts/models/manifest-writer.js';

describe('ensureModels', () => {
  it('writes every obtainable model plus exact-signature placeholders, and is idempotent', async () => {
    const modelDir = await mkdtemp(path.join(os.tmpdir(), 'oneshot-fetch-'));
    const manifest = await ensureModels({ modelDir });
    const byName = Object.fromEntries(manifest.models.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual([
      'arcface', 'codeformer', 'face_detector', 'face_landmarker', 'gfpgan', 'inswapper',
      'realesrgan_x4fast', 'realesrgan_x4plus', 'scrfd', 'upscale_x2', 'upscale_x4',
    ]);
    for (const name of ['gfpgan', 'codeformer', 'inswapper', 'arcface'] as const) {
      expect(byName[name]!.placeholder).toBe(true);
      // The generated file has the production signature: first-choice names, dtypes and shapes.
      const spec = MODEL_SPECS[name];
      const session = await ort.InferenceSession.create(path.join(modelDir, byName[name]!.file));
      const expected = (tensors: Record<string, { names: readonly string[]; type: string; shape: readonly (number | string)[] }>) =>
        Object.values(tensors).map((t) => ({ name: t.names[0], type: t.type, shape: [...t.shape] }));
      expect(byName[name]!.inputs).toEqual(expected(spec.inputs));
      expect(byName[name]!.outputs).toEqual(expected(spec.outputs));
      expect(() => bindSignature(spec, byName[name]!.inputs, byName[name]!.outputs)).not.toThrow();
      await session.release();
    }
    expect(byName.upscale_x4).toMatchObject({ placeholder: false, licence: { spdx: 'MIT', commercialUse: true } });
    // The weights' licence and the carrier package's licence are recorded separately.
    expect(byName.realesrgan_x4plus!.licence).toMatchObject({ spdx: 'BSD-3-Clause', commercialUse: true, packageSpdx: 'MIT' });
    expect(byName.realesrgan_x4fast!.licence).toMatchObject({ spdx: 'BSD-3-Clause', commercialUse: true, packageSpdx: 'AGPL-3.0' });
    expect(byName.scrfd!.licence).toMatchObject({ commercialUse: false, packageSpdx: 'Apache-2.0' });
    expect(byName.realesrgan_x4fast!.outputs).toEqual([{ name: 'output', type: 'float32', shape: [1, 3, 'H', 'W'] }]);

    const before = await stat(path.join(modelDir, 'esrgan_slim_x4.onnx'));
    const started = Date.now();
    expect(await ensureModels({ modelDir })).toEqual(await readManifest(modelDir));
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await stat(path.join(modelDir, 'esrgan_slim_x4.onnx'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('keeps a real model an operator registered', async () => {
    const modelDir = await mkdtemp(path.join(os.tmpdir(), 'oneshot-fetch-'));
    const manifest = await ensureModels({ modelDir });
    const gfpgan = manifest.models.find((m) => m.name === 'gfpgan')!;
    const operator = { ...gfpgan, placeholder: false, licence: { spdx: 'Apache-2.0', commercialUse: true, source: 'operator: real' } };
    await writeManifest(modelDir, upsertEntry(manifest, operator));
    const again = await ensureModels({ modelDir });
    expect(again.models.find((m) => m.name === 'gfpgan')).toEqual(operator);
  });
});
