import type { Raster } from '../image/raster.js';
import type { ModelRegistry } from '../models/registry.js';
import { detectFaces, type DetectedFace, type DetectOptions } from './detect.js';
import { detectWithScrfd } from './scrfd.js';

export type FaceDetectorName = 'scrfd' | 'ultraface';

export type FaceDetector = (image: Raster, options: DetectOptions) => Promise<DetectedFace[]>;

/**
 * SCRFD (better boxes, its own five landmarks) when its licence is accepted; otherwise UltraFace boxes plus
 * the 68-point landmarker, whose weights allow commercial use.
 */
export function faceDetectorName(registry: ModelRegistry): FaceDetectorName {
  return registry.usable('scrfd') ? 'scrfd' : 'ultraface';
}

export async function loadFaceDetector(registry: ModelRegistry): Promise<FaceDetector> {
  if (faceDetectorName(registry) === 'scrfd') {
    const scrfd = await registry.get('scrfd');
    return (image, options) => detectWithScrfd(scrfd, image, options);
  }
  const models = { detector: await registry.get('face_detector'), landmarker: await registry.get('face_landmarker') };
  return (image, options) => detectFaces(models, image, options);
}
