import { beforeAll, describe, expect, it } from 'vitest';
import { readLastInitializer } from '../../../inference/models/initializers.js';
import { projectEmbedding } from '../../../inference/pipelines/swap.js';
import { prepareModels, testRegistry } from './models.js';

beforeAll(prepareModels, 120_000);

describe('inswapper source embedding', () => {
  it('reads the emap from the model’s last initializer', async () => {
    const swapper = await (await testRegistry()).get('inswapper');
    const { name, dims, data } = await readLastInitializer(swapper.file);
    expect(name).toBe('emap');
    expect(dims).toEqual([512, 512]);
    expect([data[0], data[1], data[513]]).toEqual([1, 0, 1]);
  });

  it('computes emb · emap / ‖emb‖', () => {
    const embedding = Float32Array.from({ length: 512 }, (_, i) => (i % 5) - 2);
    const emap = Float32Array.from({ length: 512 * 512 }, (_, i) => Math.cos(i));
    const norm = Math.hypot(...embedding);
    const latent = projectEmbedding(embedding, emap);
    for (const j of [0, 17, 511]) {
      let expected = 0;
      for (let i = 0; i < 512; i++) expected += embedding[i]! * emap[i * 512 + j]!;
      expect(latent[j]).toBeCloseTo(expected / norm, 3);
    }
  });
});
