import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import sharp from 'sharp';
import type { ObjectStore } from '../../integrations/object-store.js';

/** A small real PNG with some structure (a gradient), so image operations have something to work on. */
export async function gradientPng(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x + y) * 127) / (width + height);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** Puts bytes into the real S3 bucket and records a verified upload row, as a finished presigned upload would. */
export async function storedUpload(
  orm: MikroORM,
  objectStore: ObjectStore,
  userId: string,
  body: Buffer,
  contentType = 'image/png',
): Promise<{ id: string; key: string }> {
  const id = randomUUID();
  const key = `uploads/${userId}/${id}`;
  await objectStore.put(key, body, contentType);
  await orm.em.fork().execute(
    `insert into uploads (id, user_id, object_key, filename, content_type, declared_size, status, verified_size, expires_at, verified_at)
     values (?, ?, ?, 'test.png', ?, ?, 'verified', ?, now() + interval '1 hour', now())`,
    [id, userId, key, contentType, body.length, body.length],
  );
  return { id, key };
}
