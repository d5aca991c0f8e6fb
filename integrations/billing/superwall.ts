import { Webhook, WebhookVerificationError } from 'svix';
import { decideSuperwallEvent, superwallEventSchema, type SuperwallRules } from '../../domain/billing/superwall.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../logger.js';
import type { NotificationOutcome } from './billing-service.js';
import type { ProviderPurchases } from './provider-purchases.js';

/**
 * Superwall's webhooks, delivered through Svix: each request is verified with the endpoint's signing secret by the
 * official library (signature and a five-minute timestamp tolerance), then handled once per event id.
 */
export class SuperwallWebhooks {
  private readonly webhook: Webhook;

  constructor(
    signingSecret: string,
    private readonly rules: SuperwallRules,
    private readonly purchases: ProviderPurchases,
    private readonly logger: Logger,
  ) {
    this.webhook = new Webhook(signingSecret);
  }

  /** `rawBody` exactly as received (the signature covers its bytes); 400 when it does not verify. */
  async receive(rawBody: string, headers: Record<string, string | undefined>): Promise<NotificationOutcome> {
    try {
      this.webhook.verify(rawBody, definedHeaders(headers));
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      throw new AppError(400, ErrorCode.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify.');
    }
    const parsed = superwallEventSchema.safeParse(JSON.parse(rawBody));
    if (!parsed.success) {
      // Signed by Superwall but not an event we can read: acknowledged, so it is not redelivered forever.
      this.logger.warn({ issues: parsed.error.issues.length }, 'superwall webhook without an event; ignored');
      return 'ignored';
    }
    const event = parsed.data;
    return this.purchases.once('superwall', event.data.id, event.type, async () => {
      const decision = decideSuperwallEvent(event, this.rules);
      if (decision.action === 'ignore') {
        this.logger.info({ eventId: event.data.id, type: event.type, reason: decision.reason }, 'superwall event recorded only');
        return 'ignored';
      }
      return this.purchases.apply(decision.purchase, decision.userIds);
    });
  }
}

function definedHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
