import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRoutes } from '../../../api/app.js';
import { startApi, type TestApi } from '../../helpers/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

it('/openapi.json is OpenAPI 3.1 and describes every route the app serves, with its errors', async () => {
  const response = await api.request('GET', '/openapi.json');
  expect(response.status).toBe(200);
  const spec = response.body as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; security?: unknown }>>;
  };
  expect(spec.openapi).toBe('3.1.0');

  const served = apiRoutes(api.deps).router.stack.flatMap((layer) =>
    layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method.toLowerCase()} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
  );
  const documented = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
  expect(served.length).toBeGreaterThan(8);
  expect(new Set(documented)).toEqual(new Set(served));

  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      expect.soft(operation.responses['500']?.content?.['application/json']?.schema, `${method} ${path}`).toEqual(errorRef);
    }
  }
  const login = spec.paths['/auth/login']!.post!;
  expect(Object.keys(login.responses).sort()).toEqual(['200', '400', '401', '413', '415', '429', '500', '503']);
  expect(login.responses['401']!.content!['application/json']!.schema).toEqual(errorRef);
  expect(spec.paths['/auth/me']!.get!.security).toEqual([{ bearerAuth: [] }]);
  expect(spec.paths['/uploads/{upload_id}']!.get!.responses['404']).toBeDefined();
});

it('/docs renders every path as HTML', async () => {
  const response = await api.request('GET', '/docs');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/html');
  const spec = (await api.request('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
  for (const path of Object.keys(spec.paths)) expect(response.body).toContain(path);
});

it('declares the rules the validator enforces: one of an upload id or its URL, the cursor format, the email pattern', async () => {
  const spec = (await api.request('GET', '/openapi.json')).body;
  const createJob = JSON.stringify(spec.paths['/jobs'].post.requestBody);
  const components = JSON.stringify(spec.components.schemas.CreateJobRequest ?? {});
  const declared = `${createJob}${components}`;
  expect(declared).toContain('{"anyOf":[{"required":["input"]},{"required":["input_image_url"]}]}');
  expect(declared).toContain('{"anyOf":[{"required":["target"]},{"required":["target_image_url"]}]}');
  const cursor = spec.paths['/jobs'].get.parameters.find((parameter: { name: string }) => parameter.name === 'cursor');
  expect(cursor.schema.pattern).toBe('^[A-Za-z0-9_-]{30}$');
  // The email is declared as exactly what is enforced: zod's pattern and the length, not JSON Schema's email format.
  const email = spec.components.schemas.Credentials.properties.email;
  expect(email).toMatchObject({ type: 'string', maxLength: 254, pattern: z.regexes.email.source });
  expect(email.format).toBeUndefined();
  // Bodies may carry properties the spec does not name, `__proto__` too: the key is dropped (no prototype is touched)
  // and the request is read like any other, never refused as malformed.
  const poisoned = await api.request('POST', '/auth/login', {
    rawBody: '{"__proto__":{"polluted":true},"email":"nobody@example.com","password":"x","extra":{"__proto__":{"polluted":true}}}',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.254.0.1' },
  });
  expect(poisoned.body.error.code).toBe('INVALID_CREDENTIALS');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();

  // What the spec declares, the server enforces: a request without either field is refused before anything runs.
  const user = await api.request('POST', '/auth/register', { body: { email: `openapi-${Date.now()}@example.com`, password: 'correct horse battery' } });
  const refused = await api.request('POST', '/jobs', { token: user.body.access_token, body: { job_type: 'upscale' } });
  expect(refused.status).toBe(400);
  expect(refused.body.error.code).toBe('VALIDATION_FAILED');
  // Every cursor the pattern admits is a position the list accepts, and nothing else is.
  const pattern = new RegExp(cursor.schema.pattern);
  for (const candidate of ['0', 'A'.repeat(30), '_'.repeat(30), '9'.repeat(30), 'z'.repeat(31)]) {
    const listed = await api.request('GET', `/jobs?cursor=${candidate}`, { token: user.body.access_token });
    expect({ candidate, status: listed.status }).toEqual({ candidate, status: pattern.test(candidate) ? 200 : 400 });
  }
});
