import { createHash, randomUUID } from 'node:crypto';

/** Namespace for job ids derived from idempotency keys (a fixed random UUID; never change it). */
const IDEMPOTENT_JOB_NAMESPACE = Buffer.from('6f1f3c0e6b2a4c4f9d8e2b7a5c3d1e0f', 'hex');

/**
 * The job id: random, or — with an Idempotency-Key — a UUIDv5 of (user, key), so every retry of the same
 * request names the same job and the same Temporal workflow, and Temporal itself deduplicates concurrent ones.
 */
export function jobIdFor(userId: string, idempotencyKey: string | undefined): string {
  if (!idempotencyKey) return randomUUID();
  const hash = createHash('sha1').update(IDEMPOTENT_JOB_NAMESPACE).update(`${userId}\n${idempotencyKey}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are looked up only when well-formed; anything else is simply not found. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
