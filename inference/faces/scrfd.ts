import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { Raster } from '../image/raster.js';
import { SCRFD_SIZE, SCRFD_STRIDES } from '../models/catalog.js';
import { invoke } from '../models/invoke.js';
import type { LoadedModel } from '../models/registry.js';
import { nonMaximumSuppression, type DetectedFace, type DetectOptions } from './detect.js';
import type { Point } from './geometry.js';

type ScrfdOutputs = Record<`${'score' | 'bbox' | 'kps'}_${(typeof SCRFD_STRIDES)[number]}`, Float32Array>;

const ANCHORS_PER_CELL = 2;
/** Pixel normalisation SCRFD was trained with: (x − 127.5) / 128. */
const normalise = (pixel: number) => (pixel - 127.5) / 128;

/**
 * The image fitted inside 640×640 (aspect kept) at the top-left corner, the rest black, as InsightFace feeds
 * SCRFD. Returns the planar input and the factor from image pixels to input pixels.
 */
export async function letterbox(image: Raster): Promise<{ input: Float32Array; scale: number }> {
  const scale = Math.min(SCRFD_SIZE / image.width, SCRFD_SIZE / image.height);
  const width = Math.max(1, Math.round(image.width * scale)), height = Math.max(1, Math.round(image.height * scale));
  const rgb = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 }, limitInputPixels: false })
    .removeAlpha()
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer();
  const plane = SCRFD_SIZE * SCRFD_SIZE;
  const input = new Float32Array(3 * plane).fill(normalise(0));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3, to = y * SCRFD_SIZE + x;
      for (let c = 0; c < 3; c++) input[c * plane + to] = normalise(rgb[from + c]!);
    }
  }
  return { input, scale: width / image.width };
}

/**
 * Turns SCRFD's per-stride heads into faces in image pixels. Each cell of a stride's grid holds two anchors
 * centred on the cell's corner; boxes are distances (left, top, right, bottom) and keypoints offsets from the
 * centre, both in units of the stride. Scores below the threshold are dropped before NMS.
 */
export function decodeScrfd(outputs: ScrfdOutputs, scale: number, options: Required<DetectOptions>): DetectedFace[] {
  const candidates: DetectedFace[] = [];
  for (const stride of SCRFD_STRIDES) {
    const scores = outputs[`score_${stride}`], boxes = outputs[`bbox_${stride}`], kps = outputs[`kps_${stride}`];
    const cells = SCRFD_SIZE / stride;
    for (let i = 0; i < scores.length; i++) {
      const score = scores[i]!;
      if (score < options.scoreThreshold) continue;
      const cell = Math.floor(i / ANCHORS_PER_CELL);
      const cx = (cell % cells) * stride, cy = Math.floor(cell / cells) * stride;
      const at = (value: number, centre: number) => (centre + value * stride) / scale;
      const box = { x1: at(-boxes[i * 4]!, cx), y1: at(-boxes[i * 4 + 1]!, cy), x2: at(boxes[i * 4 + 2]!, cx), y2: at(boxes[i * 4 + 3]!, cy) };
      if (Math.min(box.x2 - box.x1, box.y2 - box.y1) < options.minSize) continue;
      const keypoints = Array.from({ length: 5 }, (_, k): Point => [at(kps[i * 10 + 2 * k]!, cx), at(kps[i * 10 + 2 * k + 1]!, cy)]);
      candidates.push({ box, score, keypoints });
    }
  }
  return nonMaximumSuppression(candidates, options.iouThreshold).slice(0, options.maxFaces);
}

/** Faces, best first, with SCRFD's own five landmarks (eyes, nose tip, mouth corners: what alignment expects). */
export async function detectWithScrfd(model: LoadedModel<'scrfd'>, image: Raster, options: DetectOptions): Promise<DetectedFace[]> {
  const settings = { scoreThreshold: 0.5, iouThreshold: 0.4, maxFaces: 20, ...options };
  const { input, scale } = await letterbox(image);
  const results = await invoke(model, { image: new ort.Tensor('float32', input, [1, 3, SCRFD_SIZE, SCRFD_SIZE]) });
  const outputs = Object.fromEntries(Object.entries(results).map(([key, tensor]) => [key, tensor.data as Float32Array])) as ScrfdOutputs;
  return decodeScrfd(outputs, scale, settings);
}
