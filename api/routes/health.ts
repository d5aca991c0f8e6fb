import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../../integrations/logger.js';
import { ReadinessProbe, type ReadinessCheck } from '../readiness.js';
import type { ApiRoutes } from '../routing.js';

export interface HealthRouteDeps {
  readinessChecks: ReadinessCheck[];
  config: Pick<ApiConfig, 'OPERATOR_TOKEN' | 'READINESS_CACHE_MS'>;
  logger: Logger;
}

const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
const readinessSchema = z.object({ status: z.enum(['ready', 'unavailable']) }).meta({ id: 'Readiness' });
const readinessDetailsSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checked_at: z.iso.datetime(),
    failing: z.array(z.string()),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.unknown().optional(), error: z.string().optional() })),
  })
  .meta({ id: 'ReadinessDetails' });

/**
 * `/healthz`: the process is alive. `/readyz`: every dependency answers (status only: load balancers need no
 * more, and the internet should learn nothing about hosts, versions or queues). `/readyz/details`: the same
 * checks with their details, for operators holding OPERATOR_TOKEN. Checks are cached for READINESS_CACHE_MS.
 */
export function healthRoutes(routes: ApiRoutes, deps: HealthRouteDeps): void {
  const probe = new ReadinessProbe(deps.readinessChecks, deps.config.READINESS_CACHE_MS, deps.logger);
  const isOperator = operatorCheck(deps.config.OPERATOR_TOKEN);

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
    summary: 'Readiness: database, Temporal, S3 and inference answer',
    tags: ['health'],
    responses: {
      200: { description: 'Ready for traffic.', schema: readinessSchema },
      503: { description: 'A dependency is down (operators see which at /readyz/details).', schema: readinessSchema },
    },
    handler: async (ctx) => {
      const report = await probe.report();
      ctx.status = report.ready ? 200 : 503;
      ctx.body = { status: report.ready ? 'ready' : 'unavailable' } satisfies z.infer<typeof readinessSchema>;
    },
  });

  routes.public({
    method: 'get',
    path: '/readyz/details',
    summary: 'Readiness with each dependency’s state (operators)',
    description: 'Requires `Authorization: Bearer <OPERATOR_TOKEN>`; not served when the server has no operator token.',
    tags: ['health'],
    responses: {
      200: { description: 'Ready for traffic.', schema: readinessDetailsSchema },
      503: { description: 'A dependency is down; `failing` names it.', schema: readinessDetailsSchema },
    },
    errors: { 401: [ErrorCode.UNAUTHORIZED], 404: [ErrorCode.NOT_FOUND] },
    handler: async (ctx) => {
      if (!isOperator) throw new AppError(404, ErrorCode.NOT_FOUND, 'Not found.');
      if (!isOperator(ctx.get('authorization'))) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'An operator token is required.');
      const report = await probe.report();
      ctx.status = report.ready ? 200 : 503;
      ctx.body = {
        status: report.ready ? 'ready' : 'unavailable',
        checked_at: report.checkedAt.toISOString(),
        failing: Object.entries(report.checks)
          .filter(([, result]) => !result.ok)
          .map(([name]) => name),
        checks: report.checks,
      } satisfies z.infer<typeof readinessDetailsSchema>;
    },
  });
}

/** Compares bearer tokens in constant time (through fixed-length digests); null when no token is configured. */
function operatorCheck(token: string | undefined): ((authorization: string) => boolean) | null {
  if (!token) return null;
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    const presented = /^Bearer (\S+)$/.exec(authorization)?.[1] ?? '';
    return timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
}
