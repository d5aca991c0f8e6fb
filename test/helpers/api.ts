import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { DestinationStream } from 'pino';
import { createApp, type AppDeps } from '../../api/app.js';
import { createRateLimiters } from '../../api/middleware/rate-limit.js';
import { readinessChecks } from '../../api/readiness.js';
import { createOrm } from '../../db/orm.js';
import { apiProcessSchema, type ApiConfig } from '../../domain/config/index.js';
import { createBillingService } from '../../application/billing/wiring.js';
import { ChangeFeed } from '../../integrations/change-feed.js';
import { createLogger } from '../../integrations/logger.js';
import { createApiMetrics } from '../../integrations/metrics/api-metrics.js';
import { taskQueuesFrom, type TaskQueues } from '../../domain/task-queues.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { connectTemporalClient } from '../../integrations/temporal.js';
import type { Tracing } from '../../integrations/tracing.js';
import { testConfig } from './env.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary fields
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  url: string;
  config: ApiConfig;
  deps: AppDeps;
  orm: MikroORM;
  objectStore: ObjectStore;
  /** The app's metrics, as its metrics port would serve them. */
  metricsRegistry: Registry;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** The real app on an ephemeral port, wired to the real PostgreSQL and S3 of the local stack. */
export async function startApi(
  overrides: Record<string, string> = {},
  options: { logDestination?: DestinationStream; objectStore?: ObjectStore; taskQueues?: TaskQueues; tracing?: Tracing } = {},
): Promise<TestApi> {
  const config = testConfig(apiProcessSchema, { TRUST_PROXY: 'true', ...overrides });
  const orm = await createOrm(config);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
  const objectStore = options.objectStore ?? createObjectStore(config);
  const temporal = await connectTemporalClient(config, options.tracing);
  const logger = createLogger({ level: options.logDestination ? 'info' : config.LOG_LEVEL, name: 'api-test' }, options.logDestination);
  const changes = await ChangeFeed.start(config.DATABASE_URL, logger);
  const metricsRegistry = new Registry();
  const deps: AppDeps = {
    config,
    logger,
    orm,
    objectStore,
    rateLimiters: createRateLimiters(pool, config),
    readinessChecks: readinessChecks({
      orm,
      temporal,
      objectStore,
      inferenceTaskQueue: (options.taskQueues ?? taskQueuesFrom(config)).inference,
      modelDir: config.MODEL_DIR,
    }),
    temporal,
    taskQueues: options.taskQueues ?? taskQueuesFrom(config),
    changes,
    billing: createBillingService(config, { orm, temporal, logger }),
    metrics: createApiMetrics(metricsRegistry),
    tracer: options.tracing?.tracer,
  };
  const app = createApp(deps);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    config,
    metricsRegistry,
    deps,
    orm,
    objectStore,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (e.g. the /docs page): keep the text.
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([orm.close(), pool.end(), temporal.connection.close(), changes.close()]);
    },
  };
}

let counter = 0;
/** A unique email per call, and a unique client IP to keep per-IP login budgets apart between tests. */
export function uniqueEmail(): string {
  return `user-${process.pid}-${Date.now()}-${++counter}@example.test`;
}
export function uniqueIp(): string {
  const n = (process.pid * 7919 + Date.now() + ++counter) % 0xfffffe;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}
