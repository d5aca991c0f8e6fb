import sharp from 'sharp';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyUpload } from '../../../api/services/uploads.js';
import { uploadKey } from '../../../domain/object-keys.js';
import { startApi, type TestApi } from '../../helpers/api.js';
import { postToS3, presign, signUp } from '../../helpers/client-flows.js';
import { gradientPng } from '../../helpers/uploads.js';

let api: TestApi;
let png: Buffer;

beforeAll(async () => {
  api = await startApi({ MAX_FILE_SIZE_MB: '1' });
  png = await gradientPng(64, 48);
});
afterAll(() => api.close());

describe('presigned uploads against real S3', () => {
  it('lets the owner POST the declared image, and the upload verifies', async () => {
    const user = await signUp(api);
    const presigned = await presign(api, user.token, { filename: 'me.png', content_type: 'image/png', file_size: png.length });
    expect(presigned).toMatchObject({ method: 'POST', expires_in: api.config.UPLOAD_URL_TTL_SECONDS, upload_id: expect.any(String) });
    expect(presigned.fields.key).toBe(uploadKey(user.id, presigned.upload_id));

    const stored = await postToS3(presigned.presigned_url, presigned.fields, png);
    expect(stored.status).toBeLessThan(300);
    expect(await api.objectStore.head(presigned.fields.key!)).toEqual({ size: png.length, contentType: 'image/png' });

    const pending = await api.request('GET', `/uploads/${presigned.upload_id}`, { token: user.token });
    expect(pending.body).toMatchObject({ upload_id: presigned.upload_id, status: 'pending', content_type: 'image/png', file_size: png.length });

    const verified = await verifyUpload(api.orm.em.fork(), api.objectStore, user.id, presigned.upload_id);
    const { width, height } = await sharp(png).metadata();
    expect(verified).toMatchObject({ status: 'verified', width, height });
    const after = await api.request('GET', `/uploads/${presigned.upload_id}`, { token: user.token });
    expect(after.body.status).toBe('verified');
  });

  it('S3 refuses more bytes than declared, another content type, another key and a tampered signature', async () => {
    const user = await signUp(api);
    const presigned = await presign(api, user.token, { filename: 'me.png', content_type: 'image/png', file_size: png.length - 1 });
    const refusals = {
      tooLarge: await postToS3(presigned.presigned_url, presigned.fields, png),
      otherType: await postToS3(presigned.presigned_url, { ...presigned.fields, 'Content-Type': 'image/jpeg' }, png, 'image/jpeg'),
      otherKey: await postToS3(presigned.presigned_url, { ...presigned.fields, key: uploadKey(user.id, 'elsewhere') }, png.subarray(0, 10)),
      tampered: await postToS3(
        presigned.presigned_url,
        { ...presigned.fields, 'X-Amz-Signature': '0'.repeat(64) },
        png.subarray(0, 10),
      ),
    };
    expect(refusals.tooLarge.status).toBe(400);
    expect(await refusals.tooLarge.text()).toContain('EntityTooLarge');
    for (const [name, response] of Object.entries(refusals)) {
      expect.soft(response.status, name).toBeGreaterThanOrEqual(400);
      expect.soft(response.status, name).toBeLessThan(500);
    }
    expect(await api.objectStore.head(presigned.fields.key!)).toBeNull();
    expect(await api.objectStore.head(uploadKey(user.id, 'elsewhere'))).toBeNull();
    await expect(verifyUpload(api.orm.em.fork(), api.objectStore, user.id, presigned.upload_id)).rejects.toMatchObject({
      status: 422,
      code: 'UPLOAD_MISSING',
    });
  });

  it('S3 refuses a POST after the policy expired', async () => {
    const key = uploadKey('expiry-test', String(Date.now()));
    const post = await api.objectStore.presignPost(key, { contentType: 'image/png', maxBytes: png.length, expiresInSeconds: 1 });
    await sleep(2_500);
    const response = await postToS3(post.url, post.fields, png);
    expect(response.status).toBe(403);
    expect(await api.objectStore.head(key)).toBeNull();
  });

  it('verification refuses an object that differs from what was declared', async () => {
    const user = await signUp(api);
    const presigned = await presign(api, user.token, { filename: 'me.png', content_type: 'image/png', file_size: png.length });
    // Written around the policy (as a compromised client could not): the type differs from the promise.
    await api.objectStore.put(presigned.fields.key!, png, 'image/jpeg');
    await expect(verifyUpload(api.orm.em.fork(), api.objectStore, user.id, presigned.upload_id)).rejects.toMatchObject({
      status: 422,
      code: 'UPLOAD_MISMATCH',
    });
    await api.objectStore.put(presigned.fields.key!, Buffer.concat([png, png]), 'image/png');
    await expect(verifyUpload(api.orm.em.fork(), api.objectStore, user.id, presigned.upload_id)).rejects.toMatchObject({
      code: 'UPLOAD_MISMATCH',
    });
  });

  it("answers 404 for someone else's upload, over HTTP and in verification", async () => {
    const owner = await signUp(api);
    const stranger = await signUp(api);
    const presigned = await presign(api, owner.token, { filename: 'me.png', content_type: 'image/png', file_size: png.length });
    const peek = await api.request('GET', `/uploads/${presigned.upload_id}`, { token: stranger.token });
    expect(peek.status).toBe(404);
    expect(peek.body.error.code).toBe('NOT_FOUND');
    expect((await api.request('GET', '/uploads/not-a-uuid', { token: stranger.token })).status).toBe(404);
    await expect(verifyUpload(api.orm.em.fork(), api.objectStore, stranger.id, presigned.upload_id)).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('validates the request: image types only, size within the limit, signed in', async () => {
    const user = await signUp(api);
    const gif = await api.request('POST', '/uploads/presign', {
      token: user.token,
      body: { filename: 'a.gif', content_type: 'image/gif', file_size: 10 },
    });
    expect(gif.status).toBe(400);
    expect(gif.body.error.code).toBe('VALIDATION_FAILED');
    const tooBig = await api.request('POST', '/uploads/presign', {
      token: user.token,
      body: { filename: 'a.png', content_type: 'image/png', file_size: 1024 * 1024 + 1 },
    });
    expect(tooBig.status).toBe(400);
    // A NUL in the name (PostgreSQL text cannot hold it) is refused like any invalid field, not a 500.
    const nul = await api.request('POST', '/uploads/presign', { token: user.token, body: { filename: 'a\u0000b.png', content_type: 'image/png', file_size: 10 } });
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('VALIDATION_FAILED');
    const anonymous = await api.request('POST', '/uploads/presign', { body: { filename: 'a.png', content_type: 'image/png', file_size: 10 } });
    expect(anonymous.status).toBe(401);
  });
});
