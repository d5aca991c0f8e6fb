import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { ApiConfig } from '../domain/config/index.js';
import type { BillingService } from '../application/billing/billing-service.js';
import type { TaskQueues } from '../domain/task-queues.js';
import type { ChangeFeed } from '../integrations/change-feed.js';
import type { Logger } from '../integrations/logger.js';
import type { ApiMetrics } from '../integrations/metrics/api-metrics.js';
import type { ObjectStore } from '../integrations/object-store.js';
import { requireOpenAccount, requireUser } from './middleware/auth.js';
import { jsonBody } from './middleware/body.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestMetrics } from './middleware/metrics.js';
import { traceRequests } from './middleware/tracing.js';
import { limitPerUser, type RateLimiters } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import { corsFor, securityHeaders } from './middleware/security.js';
import { createReadCaches } from './read-caches.js';
import { ApiRoutes } from './routing.js';
import { accountRoutes } from './routes/account.js';
import { authRoutes, createAccounts } from './routes/auth.js';
import { billingRoutes } from './routes/billing.js';
import { deviceRoutes } from './routes/devices.js';
import { docsRoutes } from './routes/docs.js';
import type { ReadinessCheck } from './readiness.js';
import { healthRoutes } from './routes/health.js';
import { identityRoutes } from './routes/identity.js';
import { jobRoutes } from './routes/jobs.js';
import { stripeRoutes } from './routes/stripe.js';
import { superwallRoutes } from './routes/superwall.js';
import { uploadRoutes } from './routes/uploads.js';
import type { AppState } from './state.js';

export interface AppDeps {
  config: ApiConfig;
  logger: Logger;
  orm: MikroORM;
  objectStore: ObjectStore;
  rateLimiters: RateLimiters;
  readinessChecks: ReadinessCheck[];
  /** Starts and cancels job workflows (one connection per process). */
  temporal: Client;
  taskQueues: TaskQueues;
  /** Wakes live job streams and empties the read caches when rows change. */
  changes: ChangeFeed;
  /** Store purchases and notifications (one per process). */
  billing: BillingService;
  /** Request and live-stream metrics, served on the metrics port (api/serve.ts). */
  metrics: ApiMetrics;
  /** Present when tracing is on (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): each request gets a server span. */
  tracer?: Tracer | undefined;
}

/** Builds the Koa app from its dependencies; does no I/O itself (server.ts wires and listens). */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.config.TRUST_PROXY, maxIpsCount: 1 });
  // Request context wraps the error handler so the access log sees the final status of every response.
  if (deps.tracer) app.use(traceRequests(deps.tracer));
  app.use(requestContext(deps.logger));
  app.use(requestMetrics(deps.metrics));
  app.use(errorHandler());
  app.use(securityHeaders());
  app.use(corsFor(deps.config.CORS_ORIGINS));
  app.use(jsonBody(deps.config.JSON_BODY_LIMIT_KB));
  app.use((_ctx, next) => RequestContext.create(deps.orm.em, next));
  const routes = apiRoutes(deps);
  app.use(routes.router.routes());
  // Sets 405/501 with `Allow`; the error handler renders them.
  app.use(routes.allowedMethods());
  return app;
}

/** Every route module, registered once; a new module is one line here. */
export function apiRoutes(deps: AppDeps): ApiRoutes {
  const caches = createReadCaches(deps.changes, deps.config.API_READ_CACHE_ENTRIES, deps.metrics);
  // Authenticated routes verify the bearer token, refuse closed accounts, then charge the caller's general API budget.
  const routes = new ApiRoutes([requireUser(deps.config), requireOpenAccount(deps.orm, caches.openAccounts), limitPerUser(deps.rateLimiters.api)]);
  healthRoutes(routes, deps);
  // One account service (and one password hashing gate) for password and identity-token sign-in alike.
  const accounts = createAccounts(deps);
  authRoutes(routes, { ...deps, accounts });
  identityRoutes(routes, { ...deps, accounts });
  accountRoutes(routes, deps);
  deviceRoutes(routes, deps);
  uploadRoutes(routes, deps);
  jobRoutes(routes, { ...deps, jobCache: caches.jobs });
  billingRoutes(routes, deps);
  superwallRoutes(routes, deps);
  stripeRoutes(routes, deps);
  docsRoutes(routes);
  return routes;
}
