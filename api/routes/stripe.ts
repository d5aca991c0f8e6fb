import { z } from 'zod';
import { countOutcome, type BillingRequestMetrics } from '../../integrations/metrics/billing-metrics.js';
import { ErrorCode } from '../../domain/errors.js';
import type { BillingService } from '../../application/billing/billing-service.js';
import type { ApiRoutes } from '../routing.js';
import { deliveryBody, webhookResponseSchema } from './superwall.js';

const checkoutRequestSchema = z
  .object({
    product_id: z.string().min(1).max(200).meta({ description: 'A credit pack of the catalog sold on the web.' }),
    idempotency_key: z.string().min(1).max(200).optional().meta({
      description: 'Repeat it when retrying the same purchase: the same checkout session comes back instead of a second one.',
    }),
  })
  .meta({ id: 'CheckoutRequest' });

const checkoutResponseSchema = z
  .object({
    session_id: z.string(),
    url: z.string().nullable().meta({ description: "Open it in the browser: Stripe's hosted checkout page." }),
  })
  .meta({ id: 'CheckoutResponse' });

/** Credit packs bought on the web through Stripe Checkout, and Stripe's webhook. */
export function stripeRoutes(routes: ApiRoutes, deps: { billing: BillingService; metrics: { billing: BillingRequestMetrics } }): void {
  const tags = ['billing'];

  routes.authenticated({
    method: 'post',
    path: '/billing/stripe/checkout',
    summary: 'Open a Stripe Checkout session for a credit pack',
    description:
      'The session is bound to the caller; its credits are added once Stripe reports the payment (webhook), and ' +
      'taken back if the payment is refunded or lost in a dispute. Poll /auth/me for the balance after returning.',
    tags,
    request: { body: checkoutRequestSchema },
    responses: { 201: { description: 'The checkout session.', schema: checkoutResponseSchema } },
    errors: { 422: [ErrorCode.PRODUCT_UNKNOWN], 503: [ErrorCode.STORE_NOT_CONFIGURED, ErrorCode.STORE_UNAVAILABLE] },
    handler: async (ctx) => {
      const { product_id, idempotency_key } = ctx.state.input.body;
      const session = await deps.billing.stripeCheckout(ctx.state.user.id, product_id, idempotency_key);
      ctx.status = 201;
      ctx.body = { session_id: session.id, url: session.url } satisfies z.infer<typeof checkoutResponseSchema>;
    },
  });

  routes.public({
    method: 'post',
    path: '/billing/stripe/webhooks',
    summary: 'Stripe webhook events',
    description:
      'Verified with the endpoint signing secret (`Stripe-Signature`, five-minute tolerance) and acted on once per ' +
      'event id: `checkout.session.completed` / `checkout.session.async_payment_succeeded` (paid) grant the pack ' +
      'once; `charge.refunded` (full refund) and `charge.dispute.closed` (lost) claw it back, also when they arrive ' +
      'before the payment (the payment then grants nothing); partial refunds are recorded for an operator; other ' +
      'events are recorded. The status says what the delivery did.',
    tags,
    request: { body: z.object({}).loose().meta({ description: 'A Stripe event.' }) },
    responses: { 200: { description: 'Accepted.', schema: webhookResponseSchema } },
    errors: { 400: [ErrorCode.WEBHOOK_SIGNATURE_INVALID], 503: [ErrorCode.STORE_NOT_CONFIGURED] },
    handler: async (ctx) => {
      const receive = () => deps.billing.stripeWebhook(ctx.request.rawBody, ctx.get('stripe-signature') || undefined);
      ctx.body = deliveryBody(await countOutcome(deps.metrics.billing.notifications, 'stripe', receive, (result) => result.outcome));
    },
  });
}
