export { gradientPng } from '../../fakes/images.js';
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ObjectStore } from '../../integrations/object-store.js';

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
