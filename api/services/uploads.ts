import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Uploads, type UploadRow } from '../../db/uploads.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { uploadKey } from '../../domain/object-keys.js';
import type { ObjectStore, PresignedUpload } from '../../integrations/object-store.js';
import { isUuid } from './ids.js';

/** The image types the pipelines decode. */
export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type UploadContentType = (typeof UPLOAD_CONTENT_TYPES)[number];

export interface UploadRequest {
  filename: string;
  contentType: UploadContentType;
  fileSize: number;
}

/**
 * Records what the client promised and returns a POST policy that makes S3 itself refuse anything else:
 * another key, another Content-Type, more bytes than declared, or a request after the expiry.
 */
export async function createUpload(
  em: EntityManager,
  objectStore: ObjectStore,
  userId: string,
  request: UploadRequest,
  expiresInSeconds: number,
): Promise<{ upload: UploadRow; post: PresignedUpload }> {
  const id = randomUUID();
  const objectKey = uploadKey(userId, id);
  const post = await objectStore.presignPost(objectKey, { contentType: request.contentType, maxBytes: request.fileSize, expiresInSeconds });
  const upload = await new Uploads(em).insert(
    { id, userId, objectKey, filename: request.filename, contentType: request.contentType, declaredSize: request.fileSize },
    new Date(Date.now() + expiresInSeconds * 1000),
  );
  return { upload, post };
}

/** The caller's upload, or 404 NOT_FOUND (also for someone else's: existence is not revealed). */
export async function findOwnUpload(em: EntityManager, userId: string, uploadId: string): Promise<UploadRow> {
  const upload = isUuid(uploadId) ? await new Uploads(em).findOwn(userId, uploadId) : null;
  if (!upload) throw new AppError(404, ErrorCode.NOT_FOUND, 'No such upload.');
  return upload;
}

/** Enough of the file for any image header we accept (JPEG EXIF blocks come before the frame header). */
const HEADER_BYTES = 256 * 1024;

/** Reads the image's size from its header; a file that is not a readable image is refused before any job starts. */
async function imageSize(objectStore: ObjectStore, key: string, size: number): Promise<{ width: number; height: number }> {
  const read = async (bytes: Buffer) => sharp(bytes, { failOn: 'none' }).metadata().then(({ width, height }) => (width && height ? { width, height } : null), () => null);
  const found = (await read(await objectStore.getStart(key, HEADER_BYTES))) ?? (size > HEADER_BYTES ? await read(await objectStore.get(key)) : null);
  if (!found) throw new AppError(422, ErrorCode.UPLOAD_NOT_IMAGE, 'The uploaded file is not a JPEG, PNG or WebP image we can read.');
  return found;
}

/**
 * For job creation: the upload belongs to `userId` (else 404), the object is in S3 (else 422 UPLOAD_MISSING)
 * with the promised Content-Type and at most the declared size (else 422 UPLOAD_MISMATCH). Marks it verified
 * and returns it; an already verified upload is returned as is.
 */
export async function verifyUpload(
  em: EntityManager,
  objectStore: ObjectStore,
  userId: string,
  uploadId: string,
): Promise<UploadRow> {
  const upload = await findOwnUpload(em, userId, uploadId);
  if (upload.status === 'verified') return upload;
  const head = await objectStore.head(upload.objectKey);
  if (!head) throw new AppError(422, ErrorCode.UPLOAD_MISSING, 'The file has not been uploaded (or its upload link expired).');
  if (head.contentType !== upload.contentType || head.size < 1 || head.size > upload.declaredSize) {
    throw new AppError(422, ErrorCode.UPLOAD_MISMATCH, 'The uploaded file does not match what was declared.', {
      declared: { content_type: upload.contentType, file_size: upload.declaredSize },
      found: { content_type: head.contentType ?? null, file_size: head.size },
    });
  }
  const { width, height } = await imageSize(objectStore, upload.objectKey, head.size);
  await new Uploads(em).markVerified(upload.id, { size: head.size, width, height });
  return { ...upload, status: 'verified', width, height };
}
