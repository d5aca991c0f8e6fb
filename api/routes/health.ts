import { z } from 'zod';
import type { ApiRoutes } from '../routing.js';

/** A dependency the service needs to take traffic; `check` rejects when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
const readinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    failing: z.array(z.string()).optional(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.unknown().optional(), error: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });

/** `/healthz`: the process is alive. `/readyz`: every dependency answers, or 503 naming the ones that don't. */
export function healthRoutes(routes: ApiRoutes, checks: ReadinessCheck[]): void {
  routes.public({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    tags: ['health'],
    responses: { 200: { description: 'The process is up.', schema: livenessSchema } },
    handler: (ctx) => {
      ctx.body = { status: 'ok' };
    },
  });

  routes.public({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: database, Temporal and S3 answer',
    tags: ['health'],
    responses: {
      200: { description: 'Ready for traffic.', schema: readinessSchema },
      503: { description: 'A dependency is down; `failing` names it.', schema: readinessSchema },
    },
    handler: async (ctx) => {
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
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
