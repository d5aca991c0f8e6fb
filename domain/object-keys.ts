/**
 * Where objects live in the bucket. Every key is scoped to its owner, so no presigned policy can ever reach
 * another user's objects, and an account's objects are exactly those under its two prefixes.
 */
export const UPLOADS_PREFIX = 'uploads/';
export const RESULTS_PREFIX = 'results/';

export function uploadKey(userId: string, uploadId: string): string {
  return `${UPLOADS_PREFIX}${userId}/${uploadId}`;
}

/** One result object per job. */
export function resultKey(userId: string, jobId: string): string {
  return `${RESULTS_PREFIX}${userId}/${jobId}`;
}

/** Every S3 prefix holding an account's objects: its uploads and its results. */
export function accountObjectPrefixes(userId: string): string[] {
  return [`${UPLOADS_PREFIX}${userId}/`, `${RESULTS_PREFIX}${userId}/`];
}
