import type { Middleware } from 'koa';
import type { ApiMetrics } from '../../integrations/metrics/api-metrics.js';
import type { AppState } from '../state.js';
import { matchedRoute } from './matched-route.js';

/** Statuses that mean "refused for load or a limit": counted by their error code as well. */
const REFUSALS = new Set([429, 503]);

/**
 * Counts every request by route template (never the raw path: ids would explode the label set), method and
 * final status, and times it. Sits outside the error handler, so it sees the status the client gets.
 */
export function requestMetrics(metrics: ApiMetrics): Middleware<AppState> {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = matchedRoute(ctx) ?? 'unmatched';
      metrics.requests.inc({ route, method: ctx.method, status: String(ctx.status) });
      // A live stream's "latency" is the job's duration: it would drown the histogram.
      if (ctx.response.type !== 'text/event-stream') metrics.duration.observe({ route, method: ctx.method }, (performance.now() - started) / 1000);
      const code = (ctx.body as { error?: { code?: string } } | undefined)?.error?.code;
      if (REFUSALS.has(ctx.status) && code) metrics.refusals.inc({ code });
    }
  };
}
