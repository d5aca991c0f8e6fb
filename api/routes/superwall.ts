import { z } from 'zod';
import { countOutcome, type BillingRequestMetrics } from '../../integrations/metrics/billing-metrics.js';
import { deliveryOutcomes } from '../../domain/billing/delivery.js';
import { ErrorCode } from '../../domain/errors.js';
import type { BillingService } from '../../application/billing/billing-service.js';
import type { ApiRoutes } from '../routing.js';

/** What the delivery did (recorded with it in `billing_deliveries`); any 200 tells the sender not to redeliver. */
export const webhookResponseSchema = z
  .object({
    status: z.enum(deliveryOutcomes),
    reason: z.string().optional().meta({ description: 'Why nothing changed, when nothing did.' }),
  })
  .meta({ id: 'WebhookResponse' });

/** The response body for a delivery's result. */
export function deliveryBody(result: { outcome: (typeof deliveryOutcomes)[number]; reason?: string }): z.infer<typeof webhookResponseSchema> {
  return result.reason ? { status: result.outcome, reason: result.reason } : { status: result.outcome };
}

/** Superwall's subscription event webhooks (Svix). */
export function superwallRoutes(routes: ApiRoutes, deps: { billing: BillingService; metrics: { billing: BillingRequestMetrics } }): void {
  routes.public({
    method: 'post',
    path: '/billing/superwall/webhooks',
    summary: 'Superwall webhook events',
    description:
      'Verified with the endpoint signing secret (`svix-id`, `svix-timestamp`, `svix-signature`; timestamps older ' +
      'than five minutes are refused) and acted on once per event id. Purchases and renewals grant their credits ' +
      'once per store transaction, also when the same purchase arrives from the store or /billing/validate; ' +
      'refunds claw back, and a refund that arrives before its purchase is kept and wins; other and unknown event ' +
      'types are recorded and acknowledged. The status says what the delivery did.',
    tags: ['billing'],
    request: { body: z.object({}).loose().meta({ description: 'A Superwall event (`type`, `data`, …).' }) },
    responses: { 200: { description: 'Accepted.', schema: webhookResponseSchema } },
    errors: { 400: [ErrorCode.WEBHOOK_SIGNATURE_INVALID], 503: [ErrorCode.STORE_NOT_CONFIGURED] },
    handler: async (ctx) => {
      const receive = () =>
        deps.billing.superwallWebhook(ctx.request.rawBody, {
          'svix-id': ctx.get('svix-id') || undefined,
          'svix-timestamp': ctx.get('svix-timestamp') || undefined,
          'svix-signature': ctx.get('svix-signature') || undefined,
        });
      ctx.body = deliveryBody(await countOutcome(deps.metrics.billing.notifications, 'superwall', receive, (result) => result.outcome));
    },
  });
}
