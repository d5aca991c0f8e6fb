import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectFaces, fivePointsFrom68, nonMaximumSuppression, type FaceModels } from '../../../inference/faces/detect.js';
import { decodeImage } from '../../../inference/image/decode.js';
import { FIXTURES, prepareModels, testRegistry } from './models.js';

let models: FaceModels;

beforeAll(async () => {
  await prepareModels();
  const registry = await testRegistry();
  models = { detector: await registry.get('face_detector'), landmarker: await registry.get('face_landmarker') };
}, 120_000);

describe('detectFaces', () => {
  it('finds the three faces in a real photo, each with plausible keypoints', async () => {
    const photo = await decodeImage(await readFile(path.join(FIXTURES, 'three-faces.jpg')), 10_000_000);
    const faces = await detectFaces(models, photo, { minSize: 24 });
    expect(faces).toHaveLength(3);
    for (const { box, keypoints, score } of faces) {
      expect(score).toBeGreaterThan(0.9);
      const [leftEye, rightEye, nose, mouthLeft, mouthRight] = keypoints;
      for (const [x, y] of keypoints) {
        expect(x).toBeGreaterThanOrEqual(box.x1 - 5);
        expect(x).toBeLessThanOrEqual(box.x2 + 5);
        expect(y).toBeGreaterThanOrEqual(box.y1 - 5);
        expect(y).toBeLessThanOrEqual(box.y2 + 5);
      }
      // Eyes above the mouth; the eyes are a face-width fraction apart.
      expect(Math.max(leftEye![1], rightEye![1])).toBeLessThan(Math.max(mouthLeft![1], mouthRight![1]));
      expect(Math.hypot(rightEye![0] - leftEye![0], rightEye![1] - leftEye![1])).toBeGreaterThan((box.x2 - box.x1) * 0.2);
      expect(nose).toBeDefined();
    }
    // Left to right: the three people in the photo.
    const centres = faces.map((f) => (f.box.x1 + f.box.x2) / 2).sort((a, b) => a - b);
    expect(centres[0]).toBeLessThan(300);
    expect(centres[2]).toBeGreaterThan(550);
  });

  it('honours the minimum face size', async () => {
    const photo = await decodeImage(await readFile(path.join(FIXTURES, 'three-faces.jpg')), 10_000_000);
    expect(await detectFaces(models, photo, { minSize: 400 })).toHaveLength(0);
  });

  it('finds nothing in an image without faces', async () => {
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer();
    expect(await detectFaces(models, await decodeImage(png, 10_000_000), { minSize: 24 })).toHaveLength(0);
  });
});

describe('nonMaximumSuppression', () => {
  it('keeps the best of overlapping boxes and separate boxes', () => {
    const kept = nonMaximumSuppression(
      [
        { box: { x1: 0, y1: 0, x2: 10, y2: 10 }, score: 0.8 },
        { box: { x1: 1, y1: 1, x2: 11, y2: 11 }, score: 0.9 },
        { box: { x1: 50, y1: 50, x2: 60, y2: 60 }, score: 0.7 },
      ],
      0.4,
    );
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.7]);
  });
});

describe('fivePointsFrom68', () => {
  it('averages the eye contours and takes the nose tip and mouth corners', () => {
    const points = Array.from({ length: 68 }, (_, i) => [i, i * 2] as const);
    expect(fivePointsFrom68(points)).toEqual([[38.5, 77], [44.5, 89], [30, 60], [48, 96], [54, 108]]);
  });
});
