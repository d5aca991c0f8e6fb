import ort from 'onnxruntime-node';
import { createRaster, type Raster } from '../image/raster.js';
import { planarToRaster, regionToPlanar, SIGNED_RANGE, UNIT_RANGE } from '../image/tensor.js';
import type { DetectedFace } from '../faces/detect.js';
import type { FaceEditor } from '../faces/edit.js';
import { estimateSimilarity } from '../faces/geometry.js';
import { templatePoints } from '../faces/templates.js';
import { warpToCrop } from '../faces/warp.js';
import { readLastInitializer } from '../models/initializers.js';
import { invoke } from '../models/invoke.js';
import type { LoadedModel } from '../models/registry.js';

const ARCFACE_SIZE = 112, SWAP_SIZE = 128, EMBEDDING = 512;

/** ArcFace identity embedding of one face (arcface_112_v2 alignment, x / 127.5 − 1). */
export async function faceEmbedding(arcface: LoadedModel<'arcface'>, image: Raster, face: DetectedFace): Promise<Float32Array> {
  const crop = warpToCrop(image, estimateSimilarity(face.keypoints, templatePoints('arcface_112_v2', ARCFACE_SIZE)), ARCFACE_SIZE);
  const input = regionToPlanar(crop, { x: 0, y: 0, width: ARCFACE_SIZE, height: ARCFACE_SIZE }, SIGNED_RANGE);
  const { embedding } = await invoke(arcface, { image: new ort.Tensor('float32', input, [1, 3, ARCFACE_SIZE, ARCFACE_SIZE]) });
  return Float32Array.from(embedding.data as Float32Array);
}

// The emap is read from the file once per loaded session.
const emaps = new WeakMap<ort.InferenceSession, Promise<Float32Array>>();

async function readEmap(swapper: LoadedModel<'inswapper'>): Promise<Float32Array> {
  let emap = emaps.get(swapper.session);
  if (!emap) {
    emap = readLastInitializer(swapper.file).then(({ name, dims, data }) => {
      if (dims.length !== 2 || dims[0] !== EMBEDDING || dims[1] !== EMBEDDING) {
        throw new Error(`inswapper's last initializer ${name} is [${dims.join(',')}], expected the [512,512] emap`);
      }
      return data;
    });
    emaps.set(swapper.session, emap);
  }
  return emap;
}

/** What inswapper expects as `source`: emb · emap / ‖emb‖. */
export function projectEmbedding(embedding: Float32Array, emap: Float32Array): Float32Array {
  const norm = Math.hypot(...embedding) || 1;
  const latent = new Float32Array(EMBEDDING);
  for (let i = 0; i < EMBEDDING; i++) {
    const e = embedding[i]! / norm;
    if (e === 0) continue;
    const row = i * EMBEDDING;
    for (let j = 0; j < EMBEDDING; j++) latent[j]! += e * emap[row + j]!;
  }
  return latent;
}

/** inswapper_128 on arcface_128-aligned crops, RGB [0, 1], with the source identity fixed. */
export async function faceSwapper(swapper: LoadedModel<'inswapper'>, embedding: Float32Array): Promise<FaceEditor> {
  const source = new ort.Tensor('float32', projectEmbedding(embedding, await readEmap(swapper)), [1, EMBEDDING]);
  return {
    template: 'arcface_128',
    size: SWAP_SIZE,
    async edit(crop: Raster) {
      const target = new ort.Tensor('float32', regionToPlanar(crop, { x: 0, y: 0, width: SWAP_SIZE, height: SWAP_SIZE }, UNIT_RANGE), [1, 3, SWAP_SIZE, SWAP_SIZE]);
      const { image } = await invoke(swapper, { target, source });
      const swapped = createRaster(SWAP_SIZE, SWAP_SIZE);
      planarToRaster(image.data as Float32Array, swapped, UNIT_RANGE);
      image.dispose();
      return swapped;
    },
  };
}
