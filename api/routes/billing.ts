import { z } from 'zod';
import { countOutcome, type BillingRequestMetrics } from '../../integrations/metrics/billing-metrics.js';
import { ErrorCode } from '../../domain/errors.js';
import type { BillingService } from '../../application/billing/billing-service.js';
import type { ApiRoutes } from '../routing.js';
import { deliveryBody, webhookResponseSchema } from './superwall.js';

export interface BillingRouteDeps {
  /** Built once by the process main. */
  billing: BillingService;
  metrics: { billing: BillingRequestMetrics };
}

const validateRequestSchema = z
  .object({
    platform: z.enum(['ios', 'android']),
    receipt_data: z.string().min(1).meta({
      description:
        'iOS: a StoreKit 2 signed transaction (JWS; buy with `appAccountToken` = your user id) or a legacy base64 receipt. ' +
        'Android: the purchase token (buy with `obfuscatedAccountId` = your user id).',
    }),
    product_id: z.string().min(1).max(200),
    transaction_id: z.string().min(1).max(200).optional().meta({ description: 'iOS: must match the receipt when given.' }),
  })
  .meta({ id: 'ValidateReceiptRequest' });

const validateResponseSchema = z
  .object({
    valid: z.literal(true),
    credits_added: z.int().meta({ description: 'Credits this purchase earned; the same on a replay, which adds nothing.' }),
    subscription_status: z.enum(['inactive', 'active', 'grace_period', 'billing_retry', 'expired', 'revoked']),
    expires_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ValidateReceiptResponse' });


const receiptErrors = {
  409: [ErrorCode.TRANSACTION_CLAIMED, ErrorCode.PURCHASE_ACCOUNT_MISMATCH],
  422: [
    ErrorCode.RECEIPT_INVALID,
    ErrorCode.RECEIPT_WRONG_APP,
    ErrorCode.RECEIPT_WRONG_ENVIRONMENT,
    ErrorCode.PRODUCT_UNKNOWN,
    ErrorCode.PRODUCT_MISMATCH,
    ErrorCode.PURCHASE_NOT_COMPLETED,
    ErrorCode.PURCHASE_REVOKED,
  ],
  503: [ErrorCode.STORE_NOT_CONFIGURED, ErrorCode.STORE_UNAVAILABLE],
};

/** Store purchases for credits and subscriptions, and the stores' server-to-server notifications. */
export function billingRoutes(routes: ApiRoutes, deps: BillingRouteDeps): void {
  const { billing } = deps;
  const tags = ['billing'];

  routes.authenticated({
    method: 'post',
    path: '/billing/validate',
    summary: 'Validate a store purchase and credit it to your account',
    description:
      'Verifies the purchase with the App Store or Google Play and grants its credits once per store transaction. ' +
      'Presenting the same purchase again returns the same answer and adds nothing. A purchase the app bound to ' +
      'another account (appAccountToken / obfuscatedAccountId) is refused with 409 PURCHASE_ACCOUNT_MISMATCH; one ' +
      'without that binding that another account already holds answers 409 TRANSACTION_CLAIMED (or moves to the ' +
      'caller, when the server is configured to transfer purchases).',
    tags,
    request: { body: validateRequestSchema },
    responses: { 200: { description: 'The purchase is valid.', schema: validateResponseSchema } },
    errors: receiptErrors,
    handler: async (ctx) => {
      const { platform, receipt_data, product_id, transaction_id } = ctx.state.input.body;
      const result = await countOutcome(
        deps.metrics.billing.validations,
        platform,
        () => billing.validate(ctx.state.user.id, { platform, receiptData: receipt_data, productId: product_id, transactionId: transaction_id }),
        (validated) => (validated.valid ? 'valid' : 'invalid'),
      );
      ctx.body = {
        valid: result.valid,
        credits_added: result.creditsAdded,
        subscription_status: result.subscriptionStatus,
        expires_at: result.expiresAt?.toISOString() ?? null,
      } satisfies z.infer<typeof validateResponseSchema>;
    },
  });

  routes.public({
    method: 'post',
    path: '/billing/apple/notifications',
    summary: 'App Store Server Notifications V2',
    description: 'The signed payload is verified against the App Store chain; each notificationUUID is acted on once.',
    tags,
    request: { body: z.object({ signedPayload: z.string().min(1) }) },
    responses: { 200: { description: 'Accepted.', schema: webhookResponseSchema } },
    errors: { 422: [ErrorCode.RECEIPT_INVALID, ErrorCode.RECEIPT_WRONG_APP, ErrorCode.RECEIPT_WRONG_ENVIRONMENT], 503: receiptErrors[503] },
    handler: async (ctx) => {
      const { notifications } = deps.metrics.billing;
      const receive = () => billing.appleNotification(ctx.state.input.body.signedPayload);
      ctx.body = deliveryBody(await countOutcome(notifications, 'apple', receive, (result) => result.outcome));
    },
  });

  routes.public({
    method: 'post',
    path: '/billing/google/notifications',
    summary: 'Google Play real-time developer notifications (Pub/Sub push)',
    description: "Requires the push's Google-signed OIDC token; each Pub/Sub message id is acted on once.",
    tags,
    request: { body: z.object({ message: z.object({ data: z.string(), messageId: z.string() }).loose() }).loose() },
    responses: { 200: { description: 'Accepted.', schema: webhookResponseSchema } },
    errors: { 401: [ErrorCode.UNAUTHORIZED], 503: receiptErrors[503] },
    handler: async (ctx) => {
      const { notifications } = deps.metrics.billing;
      const receive = () => billing.googleNotification(ctx.get('authorization') || undefined, ctx.state.input.body);
      ctx.body = deliveryBody(await countOutcome(notifications, 'google', receive, (result) => result.outcome));
    },
  });
}
