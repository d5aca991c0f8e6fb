import type { Point } from './geometry.js';

/**
 * Five-point alignment templates (left eye, right eye, nose tip, left and right mouth corner, as seen in the
 * image), normalised to the crop; each model was trained on faces aligned to its own.
 */
const TEMPLATES = {
  ffhq_512: [[0.37691676, 0.46864664], [0.62285697, 0.46912813], [0.50123859, 0.61331904], [0.39308822, 0.725411], [0.61150205, 0.72490465]],
  arcface_112_v2: [[0.34191607, 0.46157411], [0.65653393, 0.45983393], [0.500225, 0.64050536], [0.37097589, 0.82469196], [0.63151696, 0.82325089]],
  arcface_128: [[0.36167656, 0.40387734], [0.63696719, 0.40235469], [0.50019687, 0.56044219], [0.38710391, 0.72160547], [0.61507734, 0.72034453]],
} as const satisfies Record<string, readonly Point[]>;

export type TemplateName = keyof typeof TEMPLATES;

/** The template in pixels of a `size`×`size` crop. */
export function templatePoints(name: TemplateName, size: number): Point[] {
  return TEMPLATES[name].map(([x, y]) => [x * size, y * size] as const);
}
