import { EntitySchema } from '@mikro-orm/core';

export type UploadStatus = 'pending' | 'verified';

/** What a presigned upload promised (key, type, size); verified against S3 before a job uses it. */
export class Upload {
  id!: string;
  userId!: string;
  objectKey!: string;
  filename!: string;
  contentType!: string;
  declaredSize!: number;
  status!: UploadStatus;
  verifiedSize?: number | null;
  expiresAt!: Date;
  createdAt!: Date;
  verifiedAt?: Date | null;
}

export const UploadSchema = new EntitySchema<Upload>({
  class: Upload,
  tableName: 'uploads',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    objectKey: { type: 'string' },
    filename: { type: 'string' },
    contentType: { type: 'string' },
    declaredSize: { type: 'integer' },
    status: { type: 'string' },
    verifiedSize: { type: 'integer', nullable: true },
    expiresAt: { type: 'Date' },
    createdAt: { type: 'Date' },
    verifiedAt: { type: 'Date', nullable: true },
  },
});
