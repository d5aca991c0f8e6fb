/**
 * The mobile app's side of the job flow for the benchmarks: sign up, upload an image through the presigned POST,
 * submit upscale jobs. Given several API addresses it spreads requests over them and, like a load balancer that
 * stops sending to a dead backend, tries the next one when a connection fails.
 */
import { z } from 'zod';

export interface ApiClient {
  call(method: string, route: string, token: string | undefined, body?: object, headers?: Record<string, string>): Promise<Response>;
  signUp(email: string): Promise<string>;
  upload(token: string, bytes: Buffer): Promise<string>;
  /** POST /jobs (upscale ×2); returns the job id. A retry with the same idempotency key answers the same job. */
  submit(token: string, input: string, idempotencyKey?: string): Promise<string>;
}

export function createApiClient(bases: string[]): ApiClient {
  let next = 0;
  const call = async (method: string, route: string, token: string | undefined, body?: object, headers: Record<string, string> = {}): Promise<Response> => {
    let lastError: unknown;
    for (let tried = 0; tried < bases.length; tried++) {
      const base = bases[next++ % bases.length]!;
      try {
        return await fetch(base + route, {
          method,
          headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        lastError = error; // connection refused or reset: that process is down, try the next
      }
    }
    throw lastError;
  };

  return {
    call,
    async signUp(email) {
      const response = await call('POST', '/auth/register', undefined, { email, password: 'benchmark password 123' });
      return z.object({ access_token: z.string() }).parse(await response.json()).access_token;
    },
    async upload(token, bytes) {
      const presigned = z
        .object({ presigned_url: z.string(), fields: z.record(z.string(), z.string()), upload_id: z.string() })
        .parse(await (await call('POST', '/uploads/presign', token, { filename: 'bench.png', content_type: 'image/png', file_size: bytes.length })).json());
      const form = new FormData();
      for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
      const stored = await fetch(presigned.presigned_url, { method: 'POST', body: form });
      if (!stored.ok) throw new Error(`upload refused: ${stored.status}`);
      return presigned.upload_id;
    },
    async submit(token, input, idempotencyKey) {
      const body = { job_type: 'upscale', input, parameters: { scale_factor: 2 } };
      const response = await call('POST', '/jobs', token, body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
      if (response.status !== 202) throw new Error(`POST /jobs answered ${response.status}: ${await response.text()}`);
      return z.object({ job_id: z.string() }).parse(await response.json()).job_id;
    },
  };
}
