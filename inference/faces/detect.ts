import ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { Raster } from '../image/raster.js';
import { invoke } from '../models/invoke.js';
import type { LoadedModel } from '../models/registry.js';
import type { Point } from './geometry.js';

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DetectedFace {
  box: Box;
  score: number;
  /** Left eye, right eye, nose tip, left and right mouth corner (as seen in the image), image pixels. */
  keypoints: Point[];
}

export interface FaceModels {
  detector: LoadedModel<'face_detector'>;
  landmarker: LoadedModel<'face_landmarker'>;
}

export interface DetectOptions {
  /** Boxes with a shorter edge are dropped, in image pixels. */
  minSize: number;
  scoreThreshold?: number;
  iouThreshold?: number;
  maxFaces?: number;
}

const DETECTOR_WIDTH = 320, DETECTOR_HEIGHT = 240, LANDMARK_SIZE = 64;

const area = (b: Box) => Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);

export function iou(a: Box, b: Box): number {
  const overlap = area({ x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1), x2: Math.min(a.x2, b.x2), y2: Math.min(a.y2, b.y2) });
  return overlap === 0 ? 0 : overlap / (area(a) + area(b) - overlap);
}

/** Greedy non-maximum suppression: keeps the best box of each overlapping cluster. */
export function nonMaximumSuppression<T extends { box: Box; score: number }>(candidates: T[], iouThreshold: number): T[] {
  const kept: T[] = [];
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score)) {
    if (kept.every((face) => iou(face.box, candidate.box) <= iouThreshold)) kept.push(candidate);
  }
  return kept;
}

/** iBUG 68-point indices: eyes 36–41 and 42–47 (averaged), nose tip 30, mouth corners 48 and 54. */
export function fivePointsFrom68(points: readonly Point[]): Point[] {
  const centre = (from: number, to: number): Point => {
    const slice = points.slice(from, to + 1);
    return [slice.reduce((s, p) => s + p[0], 0) / slice.length, slice.reduce((s, p) => s + p[1], 0) / slice.length];
  };
  return [centre(36, 41), centre(42, 47), points[30]!, points[48]!, points[54]!];
}

const rgbaInput = (image: Raster) => sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 }, limitInputPixels: false });

async function detectBoxes(detector: FaceModels['detector'], image: Raster, options: Required<DetectOptions>) {
  // UltraFace sees the whole frame stretched to 320×240 (as it was trained), RGB (x − 127) / 128.
  const rgb = await rgbaInput(image).removeAlpha().resize(DETECTOR_WIDTH, DETECTOR_HEIGHT, { fit: 'fill' }).raw().toBuffer();
  const plane = DETECTOR_WIDTH * DETECTOR_HEIGHT;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[c * plane + i] = (rgb[i * 3 + c]! - 127) / 128;
  const { scores, boxes } = await invoke(detector, { image: new ort.Tensor('float32', input, [1, 3, DETECTOR_HEIGHT, DETECTOR_WIDTH]) });
  const s = scores.data as Float32Array, b = boxes.data as Float32Array;

  const candidates: { box: Box; score: number }[] = [];
  for (let i = 0; i < s.length / 2; i++) {
    const score = s[i * 2 + 1]!;
    if (score < options.scoreThreshold) continue;
    const box = {
      x1: Math.max(0, b[i * 4]! * image.width),
      y1: Math.max(0, b[i * 4 + 1]! * image.height),
      x2: Math.min(image.width, b[i * 4 + 2]! * image.width),
      y2: Math.min(image.height, b[i * 4 + 3]! * image.height),
    };
    if (Math.min(box.x2 - box.x1, box.y2 - box.y1) >= options.minSize) candidates.push({ box, score });
  }
  return nonMaximumSuppression(candidates, options.iouThreshold).slice(0, options.maxFaces);
}

/** 68 points from a 64×64 grey crop of the box (x / 256), mapped back to image pixels. */
async function locateLandmarks(landmarker: FaceModels['landmarker'], image: Raster, box: Box): Promise<Point[]> {
  const left = Math.floor(box.x1), top = Math.floor(box.y1);
  const width = Math.max(1, Math.min(image.width, Math.ceil(box.x2)) - left);
  const height = Math.max(1, Math.min(image.height, Math.ceil(box.y2)) - top);
  const grey = await rgbaInput(image)
    .extract({ left, top, width, height })
    .removeAlpha()
    .resize(LANDMARK_SIZE, LANDMARK_SIZE, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  const input = Float32Array.from(grey, (value) => value / 256);
  const { points } = await invoke(landmarker, { image: new ort.Tensor('float32', input, [1, 1, LANDMARK_SIZE, LANDMARK_SIZE]) });
  const p = points.data as Float32Array;
  return Array.from({ length: p.length / 2 }, (_, i) => [p[i * 2]! * width + left, p[i * 2 + 1]! * height + top] as const);
}

/** Faces, best first: UltraFace boxes after NMS and the size filter, each with five alignment keypoints. */
export async function detectFaces(models: FaceModels, image: Raster, options: DetectOptions): Promise<DetectedFace[]> {
  const settings = { scoreThreshold: 0.7, iouThreshold: 0.4, maxFaces: 20, ...options };
  const faces: DetectedFace[] = [];
  for (const { box, score } of await detectBoxes(models.detector, image, settings)) {
    faces.push({ box, score, keypoints: fivePointsFrom68(await locateLandmarks(models.landmarker, image, box)) });
  }
  return faces;
}
