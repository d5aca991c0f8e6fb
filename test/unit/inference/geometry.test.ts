import { describe, expect, it } from 'vitest';
import { applyAffine, estimateSimilarity, invertAffine, type Affine, type Point } from '../../../inference/faces/geometry.js';
import { templatePoints, type TemplateName } from '../../../inference/faces/templates.js';

const similarity = (scale: number, angle: number, tx: number, ty: number): Affine => {
  const a = scale * Math.cos(angle), b = scale * Math.sin(angle);
  return [a, -b, tx, b, a, ty];
};

describe('estimateSimilarity', () => {
  const cases: [TemplateName, number][] = [['ffhq_512', 512], ['arcface_112_v2', 112], ['arcface_128', 128]];

  it.each(cases)('maps synthetic landmarks onto %s with < 0.5 px error', (template, size) => {
    const target = templatePoints(template, size);
    for (const [scale, angle, tx, ty] of [[0.4, 0.3, 900, 300], [2.5, -1.1, 40, 700], [1, 0, 0, 0], [0.13, 2.9, 1500, 1200]] as const) {
      // Landmarks of a face placed somewhere in a photo: the template under a known similarity.
      const placement = similarity(scale, angle, tx, ty);
      const landmarks = target.map((p) => applyAffine(placement, p));
      const toCrop = estimateSimilarity(landmarks, target);
      for (const [i, p] of landmarks.entries()) {
        const [x, y] = applyAffine(toCrop, p);
        expect(Math.hypot(x - target[i]![0], y - target[i]![1])).toBeLessThan(0.5);
      }
    }
  });

  it('is the least-squares fit for noisy points', () => {
    const target = templatePoints('arcface_128', 128);
    const noisy: Point[] = target.map(([x, y], i) => [x * 2 + 100 + (i % 2 ? 1.5 : -1.5), y * 2 + 50 + (i % 3 ? -1 : 1)]);
    const fit = estimateSimilarity(noisy, target);
    const error = (m: Affine) => noisy.reduce((s, p, i) => s + Math.hypot(...applyAffine(m, p).map((v, k) => v - target[i]![k]!) as [number, number]) ** 2, 0);
    const best = error(fit);
    // Any perturbation of the fitted parameters does worse.
    for (const delta of [[0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.5]] as const) {
      const [a, b, c, d, e, f] = fit;
      expect(error([a + delta[0], b - delta[1], c + delta[2], d + delta[1], e + delta[0], f])).toBeGreaterThan(best);
    }
  });

  it('inverts', () => {
    const m = similarity(1.7, 0.4, 12, -30);
    const [x, y] = applyAffine(invertAffine(m), applyAffine(m, [33, 44]));
    expect(x).toBeCloseTo(33, 9);
    expect(y).toBeCloseTo(44, 9);
  });
});
