import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireUser } from '../../../api/middleware/auth.js';
import { jsonBody } from '../../../api/middleware/body.js';
import { errorHandler } from '../../../api/middleware/error-handler.js';
import { limitPerUser } from '../../../api/middleware/rate-limit.js';
import { requestContext } from '../../../api/middleware/request-context.js';
import { ApiRoutes } from '../../../api/routing.js';
import { signAccessToken } from '../../../api/services/access-tokens.js';
import type { AppState } from '../../../api/state.js';
import { ErrorCode } from '../../../domain/errors.js';
import { createLogger } from '../../../integrations/logger.js';

// How a route module such as api/routes/jobs.ts plugs in: schemas, auth, a per-user limiter, documented errors.
const config = { JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'test', JWT_AUDIENCE: 'test-app', JWT_EXPIRATION_HOURS: 1 };
const jobSubmission = new RateLimiterMemory({ points: 2, duration: 60 });
const routes = new ApiRoutes([requireUser(config)]);
routes.authenticated({
  method: 'post',
  path: '/things/:thing_id/jobs',
  summary: 'Start a job on a thing',
  tags: ['example'],
  request: {
    params: z.object({ thing_id: z.uuid() }),
    query: z.object({ dry_run: z.enum(['true', 'false']).default('false') }),
    body: z.object({ scale: z.int().min(2).max(4) }),
  },
  middleware: [limitPerUser(jobSubmission)],
  responses: { 202: { description: 'Started.', schema: z.object({ thing_id: z.uuid(), scale: z.int(), by: z.string() }) } },
  errors: { 402: [ErrorCode.INSUFFICIENT_CREDITS] },
  handler: (ctx) => {
    // Typed input, no casts: params, query and body come parsed from the schemas above.
    const { params, query, body } = ctx.state.input;
    ctx.status = 202;
    ctx.body = { thing_id: params.thing_id, scale: body.scale, by: ctx.state.user.email, dry_run: query.dry_run };
  },
});

let server: Server;
let base: string;
beforeAll(async () => {
  const app = new Koa<AppState>();
  app.use(requestContext(createLogger({ level: 'silent', name: 'test' })));
  app.use(errorHandler());
  app.use(jsonBody(1));
  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods({ throw: true }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const thingId = '6f1c1a7e-3f0a-4d7e-9a55-0c9a4f8e2b11';
function call(path: string, body: unknown, token?: string) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('ApiRoutes', () => {
  const token = signAccessToken(config, { id: '0b5b0c1e-1c7a-4a3b-8f1e-2d6c7b9a0e11', email: 'a@example.test' }).token;

  it('authenticates, validates params, query and body, and hands the handler typed input', async () => {
    expect((await call(`/things/${thingId}/jobs`, { scale: 2 })).status).toBe(401);
    const invalid = await call('/things/not-a-uuid/jobs?dry_run=maybe', { scale: 9 }, token);
    expect(invalid.status).toBe(400);
    const { error } = (await invalid.json()) as { error: { code: string; details: { issues: { location: string }[] } } };
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues.map((issue) => issue.location).sort()).toEqual(['body', 'params', 'query']);

    const started = await call(`/things/${thingId}/jobs`, { scale: 3, ignored: true }, token);
    expect(started.status).toBe(202);
    expect(await started.json()).toEqual({ thing_id: thingId, scale: 3, by: 'a@example.test', dry_run: 'false' });
  });

  it('applies the route limiter per user with 429 and Retry-After', async () => {
    const other = signAccessToken(config, { id: '1b5b0c1e-1c7a-4a3b-8f1e-2d6c7b9a0e12', email: 'b@example.test' }).token;
    expect((await call(`/things/${thingId}/jobs`, { scale: 2 }, other)).status).toBe(202);
    expect((await call(`/things/${thingId}/jobs`, { scale: 2 }, other)).status).toBe(202);
    const limited = await call(`/things/${thingId}/jobs`, { scale: 2 }, other);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
  });

  it('documents the route from the same schemas, with its own and the common errors', () => {
    const document = routes.document();
    const operation = document.paths?.['/things/{thing_id}/jobs']?.post;
    expect(operation?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(['202', '400', '401', '402', '413', '415', '429', '500']);
    expect(operation?.parameters?.map((parameter) => ('name' in parameter ? parameter.name : undefined)).sort()).toEqual([
      'dry_run',
      'thing_id',
    ]);
  });
});
