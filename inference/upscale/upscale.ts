import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { createRaster, type Raster } from '../image/raster.js';
import { regionToPlanar, UNIT_RANGE } from '../image/tensor.js';
import { invoke } from '../models/invoke.js';
import type { LoadedModel } from '../models/registry.js';
import { axisWeights, planAxis } from './tiling.js';
import type { UpscalerRole } from './upscalers.js';

export interface UpscaleOptions {
  tileSize: number;
  overlap: number;
  /** Input pixels of context read around each tile (inside the image) and discarded after the model. */
  tilePad?: number;
  signal?: AbortSignal;
  onTile?: (done: number, total: number) => void;
}

export type Upscaler = LoadedModel<UpscalerRole>;

/**
 * Upscales RGB tile by tile (Real-ESRGAN interface: [1, 3, h, w] in [0, 1]). Each tile is run with `tilePad`
 * pixels of context around it, as upstream Real-ESRGAN does, so that the model sees across the seam; only the
 * tile itself is kept. Tiles also overlap and are blended with weights that cross-fade at shared edges and sum
 * to 1, so what difference remains fades out; rows of tiles are accumulated in a band
 * buffer that is flushed as soon as no later tile can touch it, so memory grows with the image width and
 * the tile size, not the image area. The abort signal is checked between tiles.
 */
export async function upscaleRgb(model: Upscaler, image: Raster, scale: number, options: UpscaleOptions): Promise<Raster> {
  const rows = planAxis(image.height, options.tileSize, options.overlap);
  const cols = planAxis(image.width, options.tileSize, options.overlap);
  const rowWeights = axisWeights(rows, scale, options.overlap);
  const colWeights = axisWeights(cols, scale, options.overlap);
  const outWidth = image.width * scale;
  const pad = options.tilePad ?? 0;
  const out = createRaster(outWidth, image.height * scale);
  // Clamped writes round and saturate in one step.
  const pixels = new Uint8ClampedArray(out.data.buffer, out.data.byteOffset, out.data.length);
  const total = rows.length * cols.length;
  let done = 0;
  let carry: Float32Array | undefined;

  for (const [i, row] of rows.entries()) {
    const bandTop = row.start * scale;
    const bandRows = (row.end - row.start) * scale;
    const sums = new Float32Array(bandRows * outWidth * 3);
    // Rows the previous band could not finish start exactly at this band's top.
    if (carry) sums.set(carry);

    for (const [j, col] of cols.entries()) {
      options.signal?.throwIfAborted();
      const x0 = Math.max(0, col.start - pad), x1 = Math.min(image.width, col.end + pad);
      const y0 = Math.max(0, row.start - pad), y1 = Math.min(image.height, row.end + pad);
      const width = x1 - x0, height = y1 - y0;
      const input = regionToPlanar(image, { x: x0, y: y0, width, height }, UNIT_RANGE);
      const { image: result } = await invoke(model, { image: new ort.Tensor('float32', input, [1, 3, height, width]) });
      if (result.dims[2] !== height * scale || result.dims[3] !== width * scale) {
        throw new Error(`upscaler returned ${result.dims[3]}×${result.dims[2]} for a ${width}×${height} tile at ×${scale}`);
      }
      const values = result.data as Float32Array;
      const plane = height * scale * width * scale, stride = width * scale;
      const red = values.subarray(0, plane), green = values.subarray(plane, 2 * plane), blue = values.subarray(2 * plane);
      const wy = rowWeights[i]!, wx = colWeights[j]!;
      // The kept part of the padded result: the tile itself.
      const tileHeight = (row.end - row.start) * scale, tileWidth = (col.end - col.start) * scale;
      const top = (row.start - y0) * scale, left = (col.start - x0) * scale;
      for (let r = 0; r < tileHeight; r++) {
        const rowWeight = wy[r]!;
        for (let c = 0, at = r * outWidth + col.start * scale, from = (top + r) * stride + left; c < tileWidth; c++, at++, from++) {
          const w = rowWeight * wx[c]!;
          sums[at * 3]! += w * red[from]!;
          sums[at * 3 + 1]! += w * green[from]!;
          sums[at * 3 + 2]! += w * blue[from]!;
        }
      }
      result.dispose();
      options.onTile?.(++done, total);
    }

    const next = rows[i + 1];
    const finished = next ? next.start * scale - bandTop : bandRows;
    for (let k = 0; k < finished * outWidth; k++) {
      const target = (bandTop * outWidth + k) * 4;
      pixels[target] = sums[k * 3]! * 255;
      pixels[target + 1] = sums[k * 3 + 1]! * 255;
      pixels[target + 2] = sums[k * 3 + 2]! * 255;
      pixels[target + 3] = 255;
    }
    carry = next ? sums.subarray(finished * outWidth * 3) : undefined;
  }
  return out;
}

/** Alpha is not something the model knows; it is resized with Lanczos and written into the upscaled RGBA. */
export async function upscaleAlpha(source: Raster, into: Raster): Promise<void> {
  const alpha = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 4 }, limitInputPixels: false })
    .extractChannel(3)
    .resize(into.width, into.height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  for (let i = 0; i < alpha.length; i++) into.data[i * 4 + 3] = alpha[i]!;
}
