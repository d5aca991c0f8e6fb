import { Webhook, WebhookVerificationError } from 'svix';
import { superwallEventSchema, type SuperwallEvent } from '../../domain/billing/superwall.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../logger.js';

/**
 * Superwall's webhooks, delivered through Svix: each request is verified with the endpoint's signing secret by the
 * official library (signature and a five-minute timestamp tolerance) and read as an event.
 */
export class SuperwallWebhooks {
  private readonly webhook: Webhook;

  constructor(
    signingSecret: string,
    private readonly logger: Logger,
  ) {
    this.webhook = new Webhook(signingSecret);
  }

  /**
   * `rawBody` exactly as received (the signature covers its bytes); 400 when it does not verify; null when Superwall
   * signed something that is not an event we can read (acknowledged, so it is not redelivered forever).
   */
  verify(rawBody: string, headers: Record<string, string | undefined>): SuperwallEvent | null {
    try {
      this.webhook.verify(rawBody, definedHeaders(headers));
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      throw new AppError(400, ErrorCode.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify.');
    }
    const parsed = superwallEventSchema.safeParse(JSON.parse(rawBody));
    if (!parsed.success) {
      this.logger.warn({ issues: parsed.error.issues.length }, 'superwall webhook without an event; ignored');
      return null;
    }
    return parsed.data;
  }
}

function definedHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
