import { createRaster, type Raster } from '../image/raster.js';
import { applyAffine, invertAffine, type Affine } from './geometry.js';

/** Bilinear RGB sample at pixel-centre coordinates, edges replicated (so crops near borders have no black bars). */
function sampleRgb(image: Raster, x: number, y: number, out: Float32Array): void {
  const maxX = image.width - 1, maxY = image.height - 1;
  const cx = x < 0 ? 0 : x > maxX ? maxX : x;
  const cy = y < 0 ? 0 : y > maxY ? maxY : y;
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const x1 = x0 < maxX ? x0 + 1 : x0, y1 = y0 < maxY ? y0 + 1 : y0;
  const fx = cx - x0, fy = cy - y0;
  const i00 = (y0 * image.width + x0) * 4, i01 = (y0 * image.width + x1) * 4;
  const i10 = (y1 * image.width + x0) * 4, i11 = (y1 * image.width + x1) * 4;
  const d = image.data;
  for (let c = 0; c < 3; c++) {
    const top = d[i00 + c]! + (d[i01 + c]! - d[i00 + c]!) * fx;
    const bottom = d[i10 + c]! + (d[i11 + c]! - d[i10 + c]!) * fx;
    out[c] = top + (bottom - top) * fy;
  }
}

/** The `size`×`size` crop that `toCrop` (image → crop coordinates) maps the image onto. */
export function warpToCrop(image: Raster, toCrop: Affine, size: number): Raster {
  const toImage = invertAffine(toCrop);
  const crop = createRaster(size, size);
  const rgb = new Float32Array(3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const [x, y] = applyAffine(toImage, [u, v]);
      sampleRgb(image, x, y, rgb);
      const i = (v * size + u) * 4;
      crop.data[i] = Math.round(rgb[0]!);
      crop.data[i + 1] = Math.round(rgb[1]!);
      crop.data[i + 2] = Math.round(rgb[2]!);
      crop.data[i + 3] = 255;
    }
  }
  return crop;
}

/**
 * Weight of the crop at (u, v): 1 inside, easing to 0 over `feather` of the edge after `padding`, so the
 * pasted face blends in and nothing near the crop's border (where the warp replicated edges) is used.
 */
export function featheredBoxMask(size: number, feather = 0.1, padding = 0.02): (u: number, v: number) => number {
  const pad = padding * size, ramp = feather * size;
  return (u, v) => {
    const edge = Math.min(u + 0.5, v + 0.5, size - u - 0.5, size - v - 0.5);
    const t = (edge - pad) / ramp;
    if (t <= 0) return 0;
    if (t >= 1) return 1;
    return t * t * (3 - 2 * t);
  };
}

/**
 * Inverse warp: blends the edited crop back into the image (in place) under the mask. Pixels where the mask
 * is 0 are never written, so everything outside the face region stays byte-identical; alpha is untouched.
 */
export function pasteFromCrop(image: Raster, crop: Raster, toCrop: Affine, mask: (u: number, v: number) => number): void {
  const size = crop.width;
  const toImage = invertAffine(toCrop);
  const corners = [[0, 0], [size, 0], [0, size], [size, size]].map(([u, v]) => applyAffine(toImage, [u!, v!]));
  const xs = corners.map(([x]) => x), ys = corners.map(([, y]) => y);
  const left = Math.max(0, Math.floor(Math.min(...xs))), right = Math.min(image.width - 1, Math.ceil(Math.max(...xs)));
  const top = Math.max(0, Math.floor(Math.min(...ys))), bottom = Math.min(image.height - 1, Math.ceil(Math.max(...ys)));
  const rgb = new Float32Array(3);
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const [u, v] = applyAffine(toCrop, [x, y]);
      const weight = mask(u, v);
      if (weight <= 0) continue;
      sampleRgb(crop, u, v, rgb);
      const i = (y * image.width + x) * 4;
      for (let c = 0; c < 3; c++) {
        image.data[i + c] = Math.round(image.data[i + c]! + (rgb[c]! - image.data[i + c]!) * weight);
      }
    }
  }
}
