import type { Tracer } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { inServerSpan } from '../../integrations/tracing.js';
import type { AppState } from '../state.js';
import { matchedRoute } from './matched-route.js';

/** One server span per request, continuing the caller's trace; named by route template once routing is done. */
export function traceRequests(tracer: Tracer): Middleware<AppState> {
  return (ctx, next) =>
    inServerSpan(tracer, `${ctx.method}`, ctx.headers, async (span) => {
      await next();
      const route = matchedRoute(ctx);
      if (route !== undefined) {
        span.updateName(`${ctx.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.request.method', ctx.method);
      return ctx.status;
    });
}
