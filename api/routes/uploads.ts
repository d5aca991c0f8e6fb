import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { ApiConfig } from '../../domain/config/index.js';
import { ErrorCode } from '../../domain/errors.js';
import type { ObjectStore } from '../../integrations/object-store.js';
import type { ApiRoutes } from '../routing.js';
import { createUpload, findOwnUpload, UPLOAD_CONTENT_TYPES } from '../services/uploads.js';

export interface UploadRouteDeps {
  config: Pick<ApiConfig, 'MAX_FILE_SIZE_MB' | 'UPLOAD_URL_TTL_SECONDS'>;
  orm: MikroORM;
  objectStore: ObjectStore;
}

/** No control characters: a name is shown to people, and PostgreSQL text cannot hold NUL (it was a 500). */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what it refuses
const FILENAME = /^[^\u0000-\u001f\u007f]+$/;
const uploadStatusSchema = z
  .object({
    upload_id: z.uuid(),
    status: z.enum(['pending', 'verified']),
    filename: z.string(),
    content_type: z.string(),
    file_size: z.int().meta({ description: 'Declared size; the stored object may be smaller, never larger.' }),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Upload' });

/** Presigned uploads straight to S3, and their status. */
export function uploadRoutes(routes: ApiRoutes, deps: UploadRouteDeps): void {
  const maxBytes = Math.floor(deps.config.MAX_FILE_SIZE_MB * 1024 * 1024);
  const tags = ['uploads'];

  const presignRequestSchema = z
    .object({
      filename: z.string().min(1).max(255).regex(FILENAME, 'Control characters are not allowed').meta({ example: 'selfie.jpg' }),
      content_type: z.enum(UPLOAD_CONTENT_TYPES),
      file_size: z.int().min(1).max(maxBytes).meta({ description: 'Bytes; the upload may not exceed it.' }),
    })
    .meta({ id: 'PresignRequest' });

  const presignResponseSchema = z
    .object({
      presigned_url: z.url().meta({ description: 'POST a multipart/form-data request here.' }),
      method: z.literal('POST'),
      fields: z.record(z.string(), z.string()).meta({
        description: 'Send every field, in any order, before a final `file` part carrying the bytes.',
      }),
      upload_id: z.uuid().meta({ description: 'Reference it when creating a job.' }),
      expires_in: z.int().meta({ description: 'Seconds the policy stays valid.' }),
    })
    .meta({ id: 'PresignedUpload' });

  routes.authenticated({
    method: 'post',
    path: '/uploads/presign',
    summary: 'Get a presigned POST policy for one image',
    description:
      'S3 enforces the policy itself: the exact key, the declared Content-Type, at most `file_size` bytes, and the expiry. ' +
      'A job that uses the upload checks that the object arrived and matches.',
    tags,
    request: { body: presignRequestSchema },
    responses: { 201: { description: 'Upload now.', schema: presignResponseSchema } },
    handler: async (ctx) => {
      const { filename, content_type, file_size } = ctx.state.input.body;
      const { upload, post } = await createUpload(
        deps.orm.em,
        deps.objectStore,
        ctx.state.user.id,
        { filename, contentType: content_type, fileSize: file_size },
        deps.config.UPLOAD_URL_TTL_SECONDS,
      );
      ctx.status = 201;
      ctx.body = {
        presigned_url: post.url,
        method: 'POST',
        fields: post.fields,
        upload_id: upload.id,
        expires_in: deps.config.UPLOAD_URL_TTL_SECONDS,
      } satisfies z.infer<typeof presignResponseSchema>;
    },
  });

  routes.authenticated({
    method: 'get',
    path: '/uploads/:upload_id',
    summary: 'One of your uploads',
    tags,
    request: { params: z.object({ upload_id: z.string() }) },
    responses: { 200: { description: 'The upload.', schema: uploadStatusSchema } },
    errors: { 404: [ErrorCode.NOT_FOUND] },
    handler: async (ctx) => {
      const upload = await findOwnUpload(deps.orm.em, ctx.state.user.id, ctx.state.input.params.upload_id);
      ctx.body = {
        upload_id: upload.id,
        status: upload.status,
        filename: upload.filename,
        content_type: upload.contentType,
        file_size: upload.declaredSize,
        created_at: upload.createdAt.toISOString(),
      } satisfies z.infer<typeof uploadStatusSchema>;
    },
  });
}
