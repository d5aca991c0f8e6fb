/** Decoded pixels, always 8-bit RGBA, row-major; pipelines edit RGB and carry alpha through. */
export interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface DecodedImage extends Raster {
  /** The source had an alpha channel worth keeping (otherwise alpha is all 255 and is dropped on encode). */
  hasAlpha: boolean;
  format: ImageFormat;
}

export function createRaster(width: number, height: number): Raster {
  return { data: Buffer.alloc(width * height * 4), width, height };
}
