import type { Raster } from '../image/raster.js';
import type { DetectedFace } from './detect.js';
import { estimateSimilarity } from './geometry.js';
import { templatePoints, type TemplateName } from './templates.js';
import { featheredBoxMask, pasteFromCrop, warpToCrop } from './warp.js';

/** A model step on aligned face crops: the crop geometry it was trained on, and what it does to a crop. */
export interface FaceEditor {
  template: TemplateName;
  size: number;
  edit(crop: Raster): Promise<Raster>;
}

export interface FaceLoopOptions {
  signal?: AbortSignal;
  onFace?: (done: number, total: number) => void;
}

/**
 * For each face: least-squares similarity from its keypoints to the editor's template, warp to the crop,
 * edit, inverse-warp and paste back under a feathered mask (in place). Abort is checked between faces.
 */
export async function editFaces(image: Raster, faces: readonly DetectedFace[], editors: readonly FaceEditor[], options: FaceLoopOptions = {}): Promise<void> {
  for (const [index, face] of faces.entries()) {
    for (const editor of editors) {
      options.signal?.throwIfAborted();
      const toCrop = estimateSimilarity(face.keypoints, templatePoints(editor.template, editor.size));
      const edited = await editor.edit(warpToCrop(image, toCrop, editor.size));
      pasteFromCrop(image, edited, toCrop, featheredBoxMask(editor.size));
    }
    options.onFace?.(index + 1, faces.length);
  }
}

/** The face with the largest box. */
export function largestFace(faces: readonly DetectedFace[]): DetectedFace | undefined {
  const area = (face: DetectedFace) => (face.box.x2 - face.box.x1) * (face.box.y2 - face.box.y1);
  return faces.reduce<DetectedFace | undefined>((best, face) => (!best || area(face) > area(best) ? face : best), undefined);
}
