/**
 * Image quality measures on 8-bit RGBA buffers of one size, for comparing upscalers against an original.
 * PSNR and SSIM reward blur (they favour the pixel-wise mean), so the benchmark also reports GMSD, a gradient
 * similarity that tracks perceived quality better, and a no-reference sharpness ratio.
 */
export interface Plane {
  data: Float64Array;
  width: number;
  height: number;
}

/** Luma (BT.601) of an RGBA buffer. */
export function luma(rgba: Buffer, width: number, height: number): Plane {
  const data = new Float64Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  return { data, width, height };
}

export function psnr(a: Plane, b: Plane): number {
  let squared = 0;
  for (let i = 0; i < a.data.length; i++) squared += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / a.data.length));
}

/** Mean SSIM over 8×8 windows with stride 4 (Wang et al. constants). */
export function ssim(a: Plane, b: Plane): number {
  const c1 = (0.01 * 255) ** 2, c2 = (0.03 * 255) ** 2, size = 8;
  let total = 0, windows = 0;
  for (let y = 0; y + size <= a.height; y += 4) {
    for (let x = 0; x + size <= a.width; x += 4) {
      let ma = 0, mb = 0;
      for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) { const k = (y + j) * a.width + x + i; ma += a.data[k]!; mb += b.data[k]!; }
      ma /= size * size; mb /= size * size;
      let va = 0, vb = 0, cov = 0;
      for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) {
        const k = (y + j) * a.width + x + i, da = a.data[k]! - ma, db = b.data[k]! - mb;
        va += da * da; vb += db * db; cov += da * db;
      }
      const n = size * size - 1;
      total += ((2 * ma * mb + c1) * ((2 * cov) / n + c2)) / ((ma * ma + mb * mb + c1) * ((va + vb) / n + c2));
      windows++;
    }
  }
  return total / windows;
}

/** Prewitt gradient magnitude per pixel (borders left at 0). */
function gradient(p: Plane): Float64Array {
  const out = new Float64Array(p.data.length);
  const at = (x: number, y: number) => p.data[y * p.width + x]!;
  for (let y = 1; y < p.height - 1; y++) {
    for (let x = 1; x < p.width - 1; x++) {
      const gx = (at(x + 1, y - 1) + at(x + 1, y) + at(x + 1, y + 1) - at(x - 1, y - 1) - at(x - 1, y) - at(x - 1, y + 1)) / 3;
      const gy = (at(x - 1, y + 1) + at(x, y + 1) + at(x + 1, y + 1) - at(x - 1, y - 1) - at(x, y - 1) - at(x + 1, y - 1)) / 3;
      out[y * p.width + x] = Math.hypot(gx, gy);
    }
  }
  return out;
}

/** Gradient Magnitude Similarity Deviation (Xue et al. 2014): 0 = same edges; lower is better. */
export function gmsd(reference: Plane, test: Plane): number {
  const c = 170, gr = gradient(reference), gt = gradient(test);
  const similarity = gr.map((r, i) => (2 * r * gt[i]! + c) / (r * r + gt[i]! ** 2 + c));
  const mean = similarity.reduce((s, v) => s + v, 0) / similarity.length;
  return Math.sqrt(similarity.reduce((s, v) => s + (v - mean) ** 2, 0) / similarity.length);
}

/** No-reference sharpness: mean gradient magnitude. Reported as a ratio to the original's (1 = as crisp). */
export function sharpness(p: Plane): number {
  return gradient(p).reduce((s, v) => s + v, 0) / p.data.length;
}
