import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createBillingRequestMetrics } from './billing-metrics.js';

/** The API's own metrics: requests by route and status, latency, refusals, open live-progress streams, billing calls. */
export function createApiMetrics(registry: Registry) {
  return {
    billing: createBillingRequestMetrics(registry),
    requests: new Counter({
      name: 'oneshot_http_requests_total',
      help: 'HTTP requests by route template, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'oneshot_http_request_duration_seconds',
      help: 'HTTP request latency by route template and method (live streams excluded: they last as long as the job).',
      labelNames: ['route', 'method'] as const,
      buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'oneshot_http_refusals_total',
      help: 'Requests refused for load or limits (429, 503), by error code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    liveStreams: new Gauge({ name: 'oneshot_live_streams', help: 'Open live-progress streams (GET /jobs/{id}/events).', registers: [registry] }),
    readCacheLookups: new Counter({
      name: 'oneshot_api_read_cache_lookups_total',
      help: 'Read-cache lookups (open accounts, polled jobs) by result: hit, miss, or bypass (the change feed was not listening).',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    }),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;
