/** One tile along an axis, in input pixels: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * Splits an axis into as few tiles of at most `tile` pixels as keep neighbours overlapping by at least
 * `overlap`, all of one length and evenly spread, so no more pixels are computed twice than necessary.
 */
export function planAxis(length: number, tile: number, overlap: number): Span[] {
  if (length <= tile) return [{ start: 0, end: length }];
  const margin = Math.min(overlap, Math.floor(tile / 2));
  const count = Math.ceil((length - margin) / (tile - margin));
  const size = Math.ceil((length + (count - 1) * margin) / count);
  return Array.from({ length: count }, (_, i) => {
    const start = Math.floor((i * (length - size)) / (count - 1));
    return { start, end: start + size };
  });
}

/**
 * Blending weights of each tile along one axis, in output pixels (input × scale): a ramp over `overlap`
 * output pixels at edges shared with another tile (never at the image border), then normalised so the
 * weights of all tiles covering a pixel sum to 1. The tile grid is a product of the two axes, so the 2-D
 * weight wy·wx also sums to 1 and the blend needs no per-pixel division.
 */
export function axisWeights(spans: readonly Span[], scale: number, overlap: number): Float32Array[] {
  const ramps = spans.map((span, i) => {
    const length = (span.end - span.start) * scale;
    const ramp = Math.min(overlap * scale, Math.floor(length / 2));
    const weights = new Float64Array(length).fill(1);
    for (let k = 0; k < ramp; k++) {
      const w = (k + 0.5) / ramp;
      if (i > 0) weights[k] = w;
      if (i < spans.length - 1) weights[length - 1 - k] = Math.min(weights[length - 1 - k]!, w);
    }
    return weights;
  });
  const total = new Float64Array((spans.at(-1)?.end ?? 0) * scale);
  spans.forEach((span, i) => ramps[i]!.forEach((w, k) => (total[span.start * scale + k]! += w)));
  return spans.map((span, i) => Float32Array.from(ramps[i]!, (w, k) => w / total[span.start * scale + k]!));
}
