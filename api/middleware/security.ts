import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

/** helmet's defaults: a strict CSP (the /docs page uses no scripts), HSTS, nosniff, frame denial, no referrer. */
export function securityHeaders(): Middleware {
  return helmet();
}

/**
 * CORS for the configured origins only (the native app sends no Origin; this serves web builds and tools).
 * Bearer tokens, not cookies, so no credentials mode.
 */
export function corsFor(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Idempotency-Key'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
  });
}
