/** One tile along an axis, in input pixels: [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * Splits an axis into tiles of `tile` pixels, stepping by tile − overlap, with the last tile moved back to
 * end at the edge, so neighbours always overlap by at least `overlap`.
 */
export function planAxis(length: number, tile: number, overlap: number): Span[] {
  if (length <= tile) return [{ start: 0, end: length }];
  const stride = tile - Math.min(overlap, Math.floor(tile / 2));
  const count = Math.ceil((length - tile) / stride) + 1;
  return Array.from({ length: count }, (_, i) => {
    const start = Math.min(i * stride, length - tile);
    return { start, end: start + tile };
  });
}

/**
 * Blending weights of each tile along one axis, in output pixels (input × scale): 1 inside, ramping down
 * over `overlap` output pixels at edges shared with another tile (never at the image border). Weights stay
 * positive, and the blend divides by their sum, so any number of overlapping tiles combine correctly.
 */
export function axisWeights(spans: readonly Span[], scale: number, overlap: number): Float32Array[] {
  return spans.map((span, i) => {
    const length = (span.end - span.start) * scale;
    const ramp = Math.min(overlap * scale, Math.floor(length / 2));
    const weights = new Float32Array(length).fill(1);
    for (let k = 0; k < ramp; k++) {
      const w = (k + 0.5) / ramp;
      if (i > 0) weights[k] = w;
      if (i < spans.length - 1) weights[length - 1 - k] = Math.min(weights[length - 1 - k]!, w);
    }
    return weights;
  });
}
