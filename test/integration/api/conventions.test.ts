import http from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore, type ObjectStore } from '../../../integrations/object-store.js';
import { startApi, uniqueEmail, uniqueIp, type TestApi } from '../../helpers/api.js';
import { testConfig } from '../../helpers/env.js';
import { apiProcessSchema } from '../../../domain/config/index.js';

const ORIGIN = 'https://app.oneshot.example';
let api: TestApi;
const logLines: string[] = [];

beforeAll(async () => {
  const logs = new PassThrough();
  logs.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  // An object store whose presigning fails with an internal detail, to see what a 500 reveals.
  const real = createObjectStore(testConfig(apiProcessSchema));
  const broken: ObjectStore = { ...real, presignPost: () => Promise.reject(new Error('s3 secret internal detail')) };
  api = await startApi({ CORS_ORIGINS: ORIGIN, RATE_LIMIT_API_PER_MINUTE: '5' }, { logDestination: logs, objectStore: broken });
});
afterAll(() => api.close());

async function signUp(): Promise<{ token: string; refresh: string; password: string }> {
  const password = 'a password that must never be logged';
  const response = await api.request('POST', '/auth/register', { body: { email: uniqueEmail(), password } });
  return { token: response.body.access_token, refresh: response.body.refresh_token, password };
}

/** fetch() refuses to send TRACE, so this one goes through node:http. */
function trace(path: string): Promise<{ status: number; allow: string | undefined; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${api.url}${path}`, { method: 'TRACE' }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const body = JSON.parse(text || '{}') as { error?: { code?: string } };
        resolve({ status: response.statusCode ?? 0, allow: response.headers.allow, code: body.error?.code });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('conventions every route follows', () => {
  it('accepts a sane X-Request-Id or assigns one, and echoes it in errors', async () => {
    const given = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'client-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('client-abc.123');
    const hostile = await api.request('GET', '/nope', { headers: { 'x-request-id': 'has spaces & <html>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.status).toBe(404);
    expect(hostile.body).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), request_id: hostile.headers.get('x-request-id') },
    });
  });

  it('answers a wrong method with 405 in the envelope', async () => {
    const response = await api.request('GET', '/auth/login');
    expect(response.status).toBe(405);
    expect(response.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('lists exactly the served methods in Allow: a concrete path is not answered by the templated one it shadows', async () => {
    const options = await api.request('OPTIONS', '/uploads/presign');
    expect(options.headers.get('allow')).toBe('POST');
    const get = await api.request('GET', '/uploads/presign');
    expect(get.status).toBe(405);
    expect(get.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(get.headers.get('allow')).toBe('POST');
    expect((await api.request('OPTIONS', '/uploads/00000000-0000-4000-8000-000000000000')).headers.get('allow')).toBe('HEAD, GET');
  });

  it('answers TRACE (a method no route serves) with 405 and Allow on every route, 404 on unknown paths', async () => {
    const paths = Object.keys((await api.request('GET', '/openapi.json')).body.paths as object);
    expect(paths.length).toBeGreaterThan(10);
    for (const template of paths) {
      const response = await trace(template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'));
      expect({ template, status: response.status, code: response.code }).toEqual({ template, status: 405, code: 'METHOD_NOT_ALLOWED' });
      expect(response.allow).toMatch(/^(GET|POST|PUT|PATCH|DELETE|HEAD)(, [A-Z]+)*$/);
    }
    expect((await trace('/no/such/thing')).status).toBe(404);
  });

  it('hides unexpected errors behind INTERNAL and logs them with the request id', async () => {
    const { token } = await signUp();
    const response = await api.request('POST', '/uploads/presign', {
      token,
      body: { filename: 'a.png', content_type: 'image/png', file_size: 10 },
      headers: { 'x-request-id': 'trace-500' },
    });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'INTERNAL', message: expect.any(String), request_id: 'trace-500' } });
    expect(JSON.stringify(response.body)).not.toContain('secret internal detail');
    const logged = logLines.map((line) => JSON.parse(line) as { request_id?: string; level: number; err?: { message: string } });
    expect(logged.find((line) => line.request_id === 'trace-500' && line.level >= 50)?.err?.message).toBe('s3 secret internal detail');
  });

  it('sends security headers, and CORS headers to configured origins only', async () => {
    const allowed = await api.request('GET', '/healthz', { headers: { origin: ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(allowed.headers.get('strict-transport-security')).toBeTruthy();
    expect(allowed.headers.get('x-powered-by')).toBeNull();

    const preflight = await api.request('OPTIONS', '/auth/me', {
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');

    const foreign = await api.request('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits each user to their API budget with 429 and Retry-After, independently of other users', async () => {
    const greedy = await signUp();
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) statuses.push((await api.request('GET', '/auth/me', { token: greedy.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await api.request('GET', '/auth/me', { token: greedy.token });
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const other = await signUp();
    expect((await api.request('GET', '/auth/me', { token: other.token })).status).toBe(200);
  });

  it('never logs passwords or tokens', async () => {
    const session = await signUp();
    const email = uniqueEmail();
    await api.request('POST', '/auth/login', { body: { email, password: session.password }, headers: { 'x-forwarded-for': uniqueIp() } });
    const refreshed = await api.request('POST', '/auth/refresh', { body: { refresh_token: session.refresh } });
    await api.request('POST', '/auth/refresh', { body: { refresh_token: session.refresh } }); // reuse: logged as a warning
    await api.request('GET', '/auth/me', { token: refreshed.body.access_token });
    const everything = logLines.join('\n');
    expect(logLines.some((line) => line.includes('refresh token reused'))).toBe(true);
    for (const secret of [session.password, session.token, session.refresh, refreshed.body.refresh_token, refreshed.body.access_token]) {
      expect(everything).not.toContain(secret);
    }
  });
});
