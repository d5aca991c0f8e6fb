import { describe, expect, it } from 'vitest';
import { axisWeights, planAxis } from '../../../inference/upscale/tiling.js';

describe('planAxis', () => {
  it('uses one tile when the axis fits', () => {
    expect(planAxis(100, 128, 16)).toEqual([{ start: 0, end: 100 }]);
  });

  it.each([
    [129, 128, 16],
    [1000, 128, 16],
    [300, 64, 8],
    [21, 10, 5],
    [500, 100, 0],
    [512, 256, 16],
  ])('covers %i px with tiles of at most %i px overlapping by at least %i', (length, tile, overlap) => {
    const spans = planAxis(length, tile, overlap);
    expect(spans[0]!.start).toBe(0);
    expect(spans.at(-1)!.end).toBe(length);
    for (const span of spans) expect(span.end - span.start).toBeLessThanOrEqual(tile);
    // As few tiles as the overlap allows.
    expect(spans.length).toBe(Math.ceil((length - overlap) / (tile - overlap)));
    for (let i = 1; i < spans.length; i++) expect(spans[i - 1]!.end - spans[i]!.start).toBeGreaterThanOrEqual(overlap);
  });
});

describe('axisWeights', () => {
  it.each([[300, 128, 16], [1000, 128, 16], [21, 10, 5], [512, 256, 16]])('cross-fades at shared edges and sums to 1 (%i/%i/%i)', (length, tile, overlap) => {
    const spans = planAxis(length, tile, overlap);
    const weights = axisWeights(spans, 4, overlap);
    expect(weights[0]![0]).toBe(1); // image border: no ramp
    expect(weights.at(-1)!.at(-1)).toBe(1);
    expect(weights[1]![0]).toBeLessThan(0.1);
    const total = new Float64Array(length * 4);
    spans.forEach((span, i) => weights[i]!.forEach((w, k) => (total[span.start * 4 + k]! += w)));
    for (const sum of total) expect(sum).toBeCloseTo(1, 5);
    for (const w of weights) expect(Math.min(...w)).toBeGreaterThan(0);
  });
});
