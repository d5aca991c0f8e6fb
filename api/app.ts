import Koa from 'koa';
import type { Logger } from '../integrations/logger.js';
import { errorHandler } from './middleware/error-handler.js';
import { requestContext } from './middleware/request-context.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import type { AppState } from './state.js';

export interface AppDeps {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
}

/** Builds the Koa app from its dependencies; does no I/O itself (server.ts wires and listens). */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>();
  app.proxy = true;
  // Request context wraps the error handler so the access log sees the final status of every response.
  app.use(requestContext(deps.logger));
  app.use(errorHandler());
  const health = healthRoutes(deps.readinessChecks);
  app.use(health.routes());
  app.use(health.allowedMethods({ throw: true }));
  return app;
}
