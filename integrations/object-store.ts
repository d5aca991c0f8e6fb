import {
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type LifecycleRule,
  ListObjectsV2Command,
  NotFound,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ReusedPresignedUrls } from './reused-presigned-urls.js';

export interface ObjectStoreConfig {
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_KEY: string;
  S3_SECRET: string;
  S3_FORCE_PATH_STYLE: boolean;
}

export interface ObjectHead {
  size: number;
  contentType: string | undefined;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

/** The small port the app needs from S3; one implementation, faked in unit tests. */
export interface ObjectStore {
  readonly bucket: string;
  ping(): Promise<void>;
  head(key: string): Promise<ObjectHead | null>;
  get(key: string, signal?: AbortSignal): Promise<Buffer>;
  /** The object's first `bytes` bytes (all of it when shorter): enough to read an image's header. */
  getStart(key: string, bytes: number): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string, signal?: AbortSignal): Promise<void>;
  /** A POST policy that S3 itself enforces: exact key, content type, size range and expiry. */
  presignPost(key: string, options: { contentType: string; maxBytes: number; expiresInSeconds: number }): Promise<PresignedUpload>;
  /** Reused while it has at least half of `expiresInSeconds` left (see ReusedPresignedUrls). */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /** Up to 1000 keys under `prefix`, in key order. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the keys (missing ones count as deleted); returns the keys S3 could not delete. */
  delete(keys: string[]): Promise<string[]>;
  /** Installs expiration rules by id, keeping the bucket's other rules; false when the store has no lifecycle support. */
  putExpirationRules(rules: ExpirationRule[]): Promise<boolean>;
}

/** Objects under `prefix` expire `days` after they were written. */
export interface ExpirationRule {
  id: string;
  prefix: string;
  days: number;
}

export function createS3Client(config: ObjectStoreConfig): S3Client {
  return new S3Client({
    region: config.S3_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    credentials: { accessKeyId: config.S3_KEY, secretAccessKey: config.S3_SECRET },
    // Default checksums sign a CRC of an empty body into presigned URLs and break streaming PUTs on radosgw.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createObjectStore(config: ObjectStoreConfig, client = createS3Client(config)): ObjectStore {
  const Bucket = config.S3_BUCKET;
  const presignedGets = new ReusedPresignedUrls((key, expiresIn, signingDate) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn, signingDate }),
  );
  return {
    bucket: Bucket,
    async ping() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
    async head(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: out.ContentLength ?? 0, contentType: out.ContentType };
      } catch (error) {
        if (error instanceof NotFound || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
        throw error;
      }
    },
    async get(key, signal) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: key }), { abortSignal: signal });
      if (!out.Body) throw new Error(`object ${key} has no body`);
      return Buffer.from(await out.Body.transformToByteArray());
    },
    async getStart(key, bytes) {
      const out = await client.send(new GetObjectCommand({ Bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
      if (!out.Body) throw new Error(`object ${key} has no body`);
      return Buffer.from(await out.Body.transformToByteArray());
    },
    async put(key, body, contentType, signal) {
      await client.send(
        new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
        { abortSignal: signal },
      );
    },
    async presignPost(key, { contentType, maxBytes, expiresInSeconds }) {
      const post: PresignedPost = await createPresignedPost(client, {
        Bucket,
        Key: key,
        Conditions: [
          ['content-length-range', 1, maxBytes],
          ['eq', '$Content-Type', contentType],
        ],
        Fields: { 'Content-Type': contentType },
        Expires: expiresInSeconds,
      });
      return { url: post.url, fields: post.fields };
    },
    presignGet(key, expiresInSeconds) {
      return presignedGets.get(key, expiresInSeconds);
    },
    async list(prefix) {
      const out = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix }));
      return (out.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
    },
    async delete(keys) {
      if (keys.length === 0) return [];
      const out = await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      return (out.Errors ?? []).flatMap((error) => (error.Key && error.Code !== 'NoSuchKey' ? [error.Key] : []));
    },
    async putExpirationRules(rules) {
      const ours = new Set(rules.map((rule) => rule.id));
      let existing: LifecycleRule[];
      try {
        existing = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules ?? [];
      } catch (error) {
        if (!(error instanceof S3ServiceException)) throw error;
        if (error.name === 'NotImplemented') return false;
        if (error.name !== 'NoSuchLifecycleConfiguration') throw error;
        existing = [];
      }
      const Rules: LifecycleRule[] = [
        ...existing.filter((rule) => !ours.has(rule.ID ?? '')),
        ...rules.map((rule) => ({ ID: rule.id, Status: 'Enabled' as const, Filter: { Prefix: rule.prefix }, Expiration: { Days: rule.days } })),
      ];
      await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } }));
      return true;
    },
  };
}
