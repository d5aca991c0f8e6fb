import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InferenceErrorCode } from '../../../inference/errors.js';
import { decodeImage } from '../../../inference/image/decode.js';
import { encodeImage } from '../../../inference/image/encode.js';

const LIMIT = 4_000_000;

const photo = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } });

async function expectCode(input: Buffer, code: string) {
  await expect(decodeImage(input, LIMIT)).rejects.toMatchObject({ name: 'InferenceError', code, retryable: false });
}

/** A valid PNG whose header claims other dimensions (CRC fixed), as a decompression bomb would. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await photo().png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

describe('decodeImage', () => {
  it('decodes JPEG, PNG and WebP to RGBA', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const image = await decodeImage(await photo().toFormat(format).toBuffer(), LIMIT);
      expect(image).toMatchObject({ width: 64, height: 48, format, hasAlpha: false });
      expect(image.data.length).toBe(64 * 48 * 4);
    }
  });

  it('applies the EXIF orientation and drops metadata on the way out', async () => {
    const rotated = await photo(64, 48).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeImage(rotated, LIMIT);
    expect([image.width, image.height]).toEqual([48, 64]);
    const result = await encodeImage(image, image);
    const metadata = await sharp(result.data).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.orientation).toBeUndefined();
  });

  it('keeps alpha when the source has it', async () => {
    const png = await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toBuffer();
    const image = await decodeImage(png, LIMIT);
    expect(image.hasAlpha).toBe(true);
    expect(image.data[3]).toBe(128);
    expect((await encodeImage(image, image)).contentType).toBe('image/png');
  });

  it('refuses non-images, empty input and unsupported formats', async () => {
    await expectCode(Buffer.from('definitely not an image'), InferenceErrorCode.UNSUPPORTED_IMAGE);
    await expectCode(Buffer.alloc(0), InferenceErrorCode.UNSUPPORTED_IMAGE);
    await expectCode(await photo().tiff().toBuffer(), InferenceErrorCode.UNSUPPORTED_IMAGE);
    await expectCode(await photo(8, 8).png().toBuffer(), InferenceErrorCode.UNSUPPORTED_IMAGE);
  });

  it('refuses corrupt and truncated files', async () => {
    const jpeg = await photo(256, 256).jpeg().toBuffer();
    await expectCode(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), InferenceErrorCode.UNSUPPORTED_IMAGE);
    const png = await photo(256, 256).png().toBuffer();
    await expectCode(png.subarray(0, Math.floor(png.length * 0.7)), InferenceErrorCode.UNSUPPORTED_IMAGE);
    const garbled = Buffer.from(png);
    garbled.fill(0x55, 60, 200);
    await expectCode(garbled, InferenceErrorCode.UNSUPPORTED_IMAGE);
  });

  it('refuses huge dimensions from the header, before decoding', async () => {
    await expectCode(await pngClaiming(100_000, 100_000), InferenceErrorCode.IMAGE_TOO_LARGE);
    await expectCode(await photo(2100, 2000).png({ compressionLevel: 1 }).toBuffer(), InferenceErrorCode.IMAGE_TOO_LARGE);
  });

  it('refuses animated images', async () => {
    // Two different 32×32 frames stacked vertically (identical frames would be merged), as an animated WebP.
    const frames = await photo(32, 32).extend({ bottom: 32, background: 'blue' }).raw().toBuffer();
    const animated = await sharp(frames, { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } }).webp({ loop: 0 }).toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    await expectCode(animated, InferenceErrorCode.UNSUPPORTED_IMAGE);
  });
});
