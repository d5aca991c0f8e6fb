import { describe, expect, it } from 'vitest';
import { createRaster, type Raster } from '../../../inference/image/raster.js';
import { applyAffine, estimateSimilarity } from '../../../inference/faces/geometry.js';
import { templatePoints } from '../../../inference/faces/templates.js';
import { featheredBoxMask, pasteFromCrop, warpToCrop } from '../../../inference/faces/warp.js';

function noise(width: number, height: number, seed = 1): Raster {
  const image = createRaster(width, height);
  let state = seed;
  for (let i = 0; i < image.data.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    image.data[i] = i % 4 === 3 ? 200 : state & 0xff;
  }
  return image;
}

// A face-sized, tilted placement of the FFHQ template in a 400×300 image.
const keypoints = templatePoints('ffhq_512', 512).map(([x, y]) => applyAffine([0.25 * Math.cos(0.4), -0.25 * Math.sin(0.4), 150, 0.25 * Math.sin(0.4), 0.25 * Math.cos(0.4), 60], [x, y]));

describe('paste-back', () => {
  it('changes only pixels under the mask, and never alpha', () => {
    const original = noise(400, 300);
    const image = { ...original, data: Buffer.from(original.data) };
    const toCrop = estimateSimilarity(keypoints, templatePoints('ffhq_512', 512));
    const crop = warpToCrop(image, toCrop, 512);
    for (let i = 0; i < crop.data.length; i += 4) for (let c = 0; c < 3; c++) crop.data[i + c] = 255 - crop.data[i + c]!;
    const mask = featheredBoxMask(512);
    pasteFromCrop(image, crop, toCrop, mask);

    let inside = 0, changedInside = 0, changedOutside = 0, alphaChanged = 0;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 4;
        const [u, v] = applyAffine(toCrop, [x, y]);
        const same = [0, 1, 2, 3].every((c) => image.data[i + c] === original.data[i + c]);
        if (mask(u, v) <= 0 && !same) changedOutside++;
        if (mask(u, v) === 1) {
          inside++;
          if (!same) changedInside++;
        }
        if (image.data[i + 3] !== 200) alphaChanged++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(alphaChanged).toBe(0);
    expect(inside).toBeGreaterThan(1000);
    expect(changedInside / inside).toBeGreaterThan(0.95);
  });

  it('puts an unedited crop back almost exactly', () => {
    const original = noise(400, 300, 7);
    // Smooth the noise so that bilinear resampling twice is nearly lossless.
    for (let i = 0; i < original.data.length; i++) if (i % 4 !== 3) original.data[i] = Math.round(((i >> 2) % 400) * 0.5);
    const image = { ...original, data: Buffer.from(original.data) };
    const toCrop = estimateSimilarity(keypoints, templatePoints('ffhq_512', 512));
    pasteFromCrop(image, warpToCrop(image, toCrop, 512), toCrop, featheredBoxMask(512));
    let maxDiff = 0;
    for (let i = 0; i < image.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(image.data[i]! - original.data[i]!));
    expect(maxDiff).toBeLessThanOrEqual(2);
  });
});
