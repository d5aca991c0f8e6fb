import ort from 'onnxruntime-node';
import { createRaster, type Raster } from '../image/raster.js';
import { planarToRaster, regionToPlanar, SIGNED_RANGE } from '../image/tensor.js';
import type { FaceEditor } from '../faces/edit.js';
import { invoke } from '../models/invoke.js';
import type { LoadedModel } from '../models/registry.js';

export type Restorer = LoadedModel<'gfpgan' | 'custom_lora' | 'codeformer'>;

const SIZE = 512;

async function runRestorer(model: Restorer, input: ort.Tensor, fidelity: number): Promise<ort.Tensor> {
  if (model.name === 'codeformer') {
    const codeformer = model as LoadedModel<'codeformer'>;
    const weight = new ort.Tensor('float64', new Float64Array([fidelity]), [1]);
    return (await invoke(codeformer, { image: input, weight })).image;
  }
  return (await invoke(model as LoadedModel<'gfpgan'>, { image: input })).image;
}

/** GFPGAN / CodeFormer on FFHQ-aligned 512 crops, pixels mapped to [-1, 1]; `fidelity` feeds CodeFormer's weight. */
export function faceRestorer(model: Restorer, fidelity: number): FaceEditor {
  return {
    template: 'ffhq_512',
    size: SIZE,
    async edit(crop: Raster) {
      const input = new ort.Tensor('float32', regionToPlanar(crop, { x: 0, y: 0, width: SIZE, height: SIZE }, SIGNED_RANGE), [1, 3, SIZE, SIZE]);
      const output = await runRestorer(model, input, fidelity);
      const restored = createRaster(SIZE, SIZE);
      planarToRaster(output.data as Float32Array, restored, SIGNED_RANGE);
      output.dispose();
      return restored;
    },
  };
}
