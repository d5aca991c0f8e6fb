import type { EntityManager } from '@mikro-orm/postgresql';

export type UploadStatus = 'pending' | 'verified';

/** What a presigned upload promised (key, type, size); verified against S3 before a job uses it. */
export interface UploadRow {
  id: string;
  userId: string;
  objectKey: string;
  filename: string;
  contentType: string;
  declaredSize: number;
  status: UploadStatus;
  /** The image's size in pixels, once verified. */
  width: number | null;
  height: number | null;
  createdAt: Date;
}

const UPLOAD_COLUMNS = `id, user_id as "userId", object_key as "objectKey", filename, content_type as "contentType",
  declared_size as "declaredSize", status, width, height, created_at as "createdAt"`;

type RawUploadRow = Omit<UploadRow, 'createdAt'> & { createdAt: string };
/** The driver hands timestamps over as strings (MikroORM keeps time zones its own way). */
const toUploadRow = (row: RawUploadRow): UploadRow => ({ ...row, createdAt: new Date(row.createdAt) });

/** The `uploads` table: typed SQL, every read scoped to the owner. */
export class Uploads {
  constructor(private readonly em: EntityManager) {}

  async insert(upload: Omit<UploadRow, 'status' | 'createdAt' | 'width' | 'height'>, expiresAt: Date): Promise<UploadRow> {
    const [row] = await this.em.execute<RawUploadRow[]>(
      `insert into uploads (id, user_id, object_key, filename, content_type, declared_size, status, expires_at)
       values (?, ?, ?, ?, ?, ?, 'pending', ?) returning ${UPLOAD_COLUMNS}`,
      [upload.id, upload.userId, upload.objectKey, upload.filename, upload.contentType, upload.declaredSize, expiresAt],
    );
    return toUploadRow(row!);
  }

  async findOwn(userId: string, uploadId: string): Promise<UploadRow | null> {
    const [row] = await this.em.execute<RawUploadRow[]>(`select ${UPLOAD_COLUMNS} from uploads where id = ? and user_id = ?`, [uploadId, userId]);
    return row ? toUploadRow(row) : null;
  }

  async markVerified(uploadId: string, verified: { size: number; width: number; height: number }): Promise<void> {
    await this.em.execute(`update uploads set status = 'verified', verified_size = ?, width = ?, height = ?, verified_at = now() where id = ?`, [
      verified.size,
      verified.width,
      verified.height,
      uploadId,
    ]);
  }
}
