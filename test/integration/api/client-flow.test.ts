import { expect, it } from 'vitest';
import { createOneShotClient } from '../../../clients/typescript/src/index.js';
import { uniqueEmail, uniqueIp } from '../../helpers/api.js';
import { postToS3 } from '../../helpers/client-flows.js';
import { expectLedgerConsistent } from '../../helpers/db.js';
import { gradientPng } from '../../helpers/uploads.js';
import { useJobStack } from '../../helpers/job-stack.js';

const stack = useJobStack({ inference: true, api: {} });

it('drives sign-up → presign → upload → job → result through the generated client against the real API', async () => {
  const session: { token?: string } = {};
  const client = createOneShotClient({
    baseUrl: stack.api.url,
    accessToken: () => session.token,
    // Each sign-up counts against the per-IP budget; the test API trusts X-Forwarded-For.
    fetch: (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      request.headers.set('x-forwarded-for', uniqueIp());
      return fetch(request);
    },
  });
  const signedUp = await client.POST('/auth/register', { body: { email: uniqueEmail(), password: 'long enough password' } });
  session.token = signedUp.data!.access_token;

  const image = await gradientPng(64, 48);
  const presigned = await client.POST('/uploads/presign', { body: { filename: 'photo.png', content_type: 'image/png', file_size: image.length } });
  const { presigned_url, fields, upload_id } = presigned.data!;
  expect((await postToS3(presigned_url, fields, image)).status).toBeLessThan(300);

  const started = await client.POST('/jobs', { body: { job_type: 'upscale', input: upload_id, parameters: { scale_factor: 2 } } });
  expect(started.response.status).toBe(202);
  const jobId = started.data!.job_id;
  await expect
    .poll(async () => (await client.GET('/jobs/{id}', { params: { path: { id: jobId } } })).data!.status, { timeout: 90_000, interval: 200 })
    .toBe('completed');
  const job = (await client.GET('/jobs/{id}', { params: { path: { id: jobId } } })).data!;
  const result = await fetch(job.result_url!);
  expect(result.status).toBe(200);
  expect((await result.arrayBuffer()).byteLength).toBeGreaterThan(0);
  await expectLedgerConsistent(stack.api.orm.em.fork());
});
