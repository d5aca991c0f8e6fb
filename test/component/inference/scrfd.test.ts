import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { faceDetectorName, loadFaceDetector, type FaceDetector } from '../../../inference/faces/detector.js';
import { decodeScrfd } from '../../../inference/faces/scrfd.js';
import { decodeImage } from '../../../inference/image/decode.js';
import type { DecodedImage } from '../../../inference/image/raster.js';
import { FIXTURES, prepareModels, testRegistry } from './models.js';

let detect: FaceDetector;
let photo: DecodedImage;

beforeAll(async () => {
  await prepareModels();
  const registry = await testRegistry();
  expect(faceDetectorName(registry)).toBe('scrfd');
  detect = await loadFaceDetector(registry);
  photo = await decodeImage(await readFile(path.join(FIXTURES, 'three-faces.jpg')), 10_000_000);
}, 120_000);

describe('SCRFD detector', () => {
  it('finds the three faces in a real photo, each with five landmarks inside its box, in alignment order', async () => {
    const faces = await detect(photo, { minSize: 24 });
    expect(faces).toHaveLength(3);
    for (const { box, keypoints, score } of faces) {
      expect(score).toBeGreaterThan(0.6);
      expect(keypoints).toHaveLength(5);
      for (const [x, y] of keypoints) {
        expect(x).toBeGreaterThan(box.x1);
        expect(x).toBeLessThan(box.x2);
        expect(y).toBeGreaterThan(box.y1);
        expect(y).toBeLessThan(box.y2);
      }
      // Along the face's own downward axis (perpendicular to the eye line; heads tilt): eyes, then nose, then mouth.
      const [leftEye, rightEye, nose, mouthLeft, mouthRight] = keypoints as [number, number][];
      const down = (p: readonly [number, number]) => -(rightEye![1] - leftEye![1]) * p[0] + (rightEye![0] - leftEye![0]) * p[1];
      const mid = (a: [number, number], b: [number, number]): [number, number] => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
      expect(leftEye![0]).toBeLessThan(rightEye![0]);
      expect(down(mid(leftEye!, rightEye!))).toBeLessThan(down(nose!));
      expect(down(nose!)).toBeLessThan(down(mid(mouthLeft!, mouthRight!)));
    }
    // The same three people the UltraFace test finds, left to right.
    const centres = faces.map((f) => (f.box.x1 + f.box.x2) / 2).sort((a, b) => a - b);
    expect(centres[0]).toBeLessThan(300);
    expect(centres[2]).toBeGreaterThan(550);
  });

  it('maps faces back through the letterbox of a portrait image', async () => {
    // The photo rotated: taller than wide, so the letterbox pads the right side instead of the bottom.
    const portrait = await decodeImage(await sharp(path.join(FIXTURES, 'three-faces.jpg')).rotate(90).toBuffer(), 10_000_000);
    const faces = await detect(portrait, { minSize: 24 });
    expect(faces).toHaveLength(3);
    for (const { box } of faces) expect(box.x2).toBeLessThanOrEqual(portrait.width + 2);
    expect(Math.max(...faces.map((f) => f.box.y2))).toBeGreaterThan(500);
  });

  it('finds nothing in an image without faces, and honours the minimum size', async () => {
    const flat = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer();
    expect(await detect(await decodeImage(flat, 10_000_000), { minSize: 24 })).toHaveLength(0);
    expect(await detect(photo, { minSize: 400 })).toHaveLength(0);
  });
});

describe('decodeScrfd', () => {
  it('places an anchor at its cell corner, in stride units, scaled back to image pixels', () => {
    const empty = (anchors: number, width: number) => new Float32Array(anchors * width);
    const outputs = {
      score_8: empty(12800, 1), bbox_8: empty(12800, 4), kps_8: empty(12800, 10),
      score_16: empty(3200, 1), bbox_16: empty(3200, 4), kps_16: empty(3200, 10),
      score_32: empty(800, 1), bbox_32: empty(800, 4), kps_32: empty(800, 10),
    };
    // Stride 32, a 20×20 grid: cell (x 3, y 2) is anchor pair 2·(2·20 + 3) = 86, 87; take the second anchor.
    const i = 87;
    outputs.score_32[i] = 0.9;
    outputs.bbox_32.set([1, 1, 2, 2], i * 4);
    outputs.kps_32.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], i * 10);
    const [face] = decodeScrfd(outputs, 0.5, { minSize: 1, scoreThreshold: 0.5, iouThreshold: 0.4, maxFaces: 5 });
    // Centre (96, 64) in input pixels → (192, 128) in image pixels.
    expect(face!.box).toEqual({ x1: 128, y1: 64, x2: 320, y2: 256 });
    expect(face!.keypoints[0]).toEqual([192, 128]);
    expect(face!.keypoints[2]).toEqual([224, 160]);
  });
});
