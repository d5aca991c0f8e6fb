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
