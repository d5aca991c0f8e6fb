import { expect } from 'vitest';
import { uniqueEmail, uniqueIp, type TestApi } from './api.js';

/** What the mobile app does, over HTTP: sign up, then upload an image through a presigned POST. */
export async function signUp(api: TestApi): Promise<{ token: string; id: string }> {
  const response = await api.request('POST', '/auth/register', {
    body: { email: uniqueEmail(), password: 'long enough password' },
    headers: { 'x-forwarded-for': uniqueIp() },
  });
  expect(response.status).toBe(201);
  return { token: response.body.access_token, id: response.body.user.id };
}

export interface Presigned {
  presigned_url: string;
  fields: Record<string, string>;
  upload_id: string;
  expires_in: number;
  method: 'POST';
}

export async function presign(api: TestApi, token: string, body: object): Promise<Presigned> {
  const response = await api.request('POST', '/uploads/presign', { token, body });
  expect(response.status).toBe(201);
  return response.body as Presigned;
}

/** A multipart POST to S3, every field first, the file last. */
export function postToS3(url: string, fields: Record<string, string>, bytes: Buffer, type = 'image/png'): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'photo');
  return fetch(url, { method: 'POST', body: form });
}

/** Presign and upload in one go; returns the upload id. */
export async function uploadImage(api: TestApi, token: string, bytes: Buffer, contentType = 'image/png'): Promise<string> {
  const presigned = await presign(api, token, { filename: 'photo', content_type: contentType, file_size: bytes.length });
  const stored = await postToS3(presigned.presigned_url, presigned.fields, bytes, contentType);
  expect(stored.status).toBeLessThan(300);
  return presigned.upload_id;
}
