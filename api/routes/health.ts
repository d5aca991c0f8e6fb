import Router from '@koa/router';
import type { AppState } from '../state.js';

/** A dependency the service needs to take traffic; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

/** `/healthz`: the process is alive. `/readyz`: every dependency answers, or 503 naming the ones that don't. */
export function healthRoutes(checks: ReadinessCheck[]): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          const detail = await withTimeout(check(), CHECK_TIMEOUT_MS);
          return { name, ok: true as const, ...(detail && typeof detail === 'object' ? { detail } : {}) };
        } catch (error) {
          ctx.state.logger.warn({ err: error, dependency: name }, 'readiness check failed');
          return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failing = results.filter((result) => !result.ok).map((result) => result.name);
    ctx.status = failing.length ? 503 : 200;
    ctx.body = {
      status: failing.length ? 'unavailable' : 'ready',
      ...(failing.length ? { failing } : {}),
      checks: Object.fromEntries(results.map(({ name, ...rest }) => [name, rest])),
    };
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
