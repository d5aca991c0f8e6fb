import type { Raster } from './raster.js';

/** Pixel ↔ model value mapping: value = pixel × scale + offset (e.g. GFPGAN: x / 127.5 − 1). */
export interface Normalisation {
  scale: number;
  offset: number;
}

export const UNIT_RANGE: Normalisation = { scale: 1 / 255, offset: 0 };
export const SIGNED_RANGE: Normalisation = { scale: 1 / 127.5, offset: -1 };

/** RGB of a rectangle of an RGBA raster as a planar [3, h, w] float array. */
export function regionToPlanar(
  image: Raster,
  region: { x: number; y: number; width: number; height: number },
  { scale, offset }: Normalisation,
): Float32Array {
  const { x: x0, y: y0, width, height } = region;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    let source = ((y0 + y) * image.width + x0) * 4;
    const row = y * width;
    for (let x = 0; x < width; x++, source += 4) {
      out[row + x] = image.data[source]! * scale + offset;
      out[plane + row + x] = image.data[source + 1]! * scale + offset;
      out[2 * plane + row + x] = image.data[source + 2]! * scale + offset;
    }
  }
  return out;
}

/** Writes a planar [3, h, w] float array back into the RGB of a same-sized RGBA raster. */
export function planarToRaster(values: Float32Array, into: Raster, { scale, offset }: Normalisation): void {
  const plane = into.width * into.height;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const pixel = Math.round((values[c * plane + i]! - offset) / scale);
      into.data[i * 4 + c] = pixel < 0 ? 0 : pixel > 255 ? 255 : pixel;
    }
    into.data[i * 4 + 3] = 255;
  }
}
