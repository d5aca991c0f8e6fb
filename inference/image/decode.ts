import sharp, { type Metadata } from 'sharp';
import { InferenceError, InferenceErrorCode } from '../errors.js';
import type { DecodedImage, ImageFormat } from './raster.js';

const ACCEPTED_FORMATS: ReadonlySet<string> = new Set<ImageFormat>(['jpeg', 'png', 'webp']);
const MIN_EDGE = 16;

const unsupported = (message: string, cause?: unknown) =>
  new InferenceError(InferenceErrorCode.UNSUPPORTED_IMAGE, message, { cause });

/**
 * Turns untrusted bytes into RGBA pixels, refusing anything a model should not see: non-images, corrupt or
 * truncated files, animations, and sizes over the limit (checked from the header before any pixel is
 * decoded, and again by sharp's own limit). EXIF orientation is applied; metadata does not survive.
 */
export async function decodeImage(input: Buffer, maxInputPixels: number): Promise<DecodedImage> {
  if (!Buffer.isBuffer(input) || input.length === 0) throw unsupported('the input is empty');
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw unsupported('the input is not a readable image', error);
  }
  const { format, width, height } = metadata;
  if (!format || !ACCEPTED_FORMATS.has(format)) throw unsupported(`unsupported image format ${format ?? 'unknown'}; use JPEG, PNG or WebP`);
  if ((metadata.pages ?? 1) > 1) throw unsupported('animated or multi-page images are not supported');
  if (!width || !height || width < MIN_EDGE || height < MIN_EDGE) throw unsupported(`the image must be at least ${MIN_EDGE}×${MIN_EDGE} pixels`);
  if (width * height > maxInputPixels) {
    throw new InferenceError(InferenceErrorCode.IMAGE_TOO_LARGE, `the image has ${width}×${height} pixels; the limit is ${maxInputPixels} pixels`);
  }

  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxInputPixels, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, hasAlpha: metadata.hasAlpha === true, format: format as ImageFormat };
  } catch (error) {
    throw unsupported('the image is corrupt or truncated', error);
  }
}
