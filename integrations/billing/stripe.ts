import Stripe from 'stripe';
import type { ProductCatalog } from '../../domain/billing/catalog.js';
import type { CheckoutMetadata } from '../../domain/billing/stripe.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../logger.js';

export interface StripeCheckoutSettings {
  secretKey: string;
  webhookSecret: string;
  /** Catalog product id → Stripe price id: the packs sold on the web. */
  prices: Record<string, string>;
  successUrl: string;
  cancelUrl: string;
  /** Another API address (stripe-mock in tests). */
  apiUrl?: string;
}

export interface CheckoutSession {
  id: string;
  url: string | null;
}

/**
 * Credit packs bought through Stripe Checkout on the web. The session carries the buyer's account (client
 * reference and metadata, set here, never by the client); webhook deliveries are verified by the official library
 * and handed back as events (what they do is the billing service's decision).
 */
export class StripeCheckout {
  private readonly stripe: Stripe;

  constructor(
    private readonly settings: StripeCheckoutSettings,
    private readonly catalog: ProductCatalog,
    private readonly logger: Logger,
  ) {
    this.stripe = new Stripe(settings.secretKey, { maxNetworkRetries: 2, ...apiAddress(settings.apiUrl) });
  }

  /**
   * A Checkout Session for one pack, bound to the caller. `idempotencyKey` (the client's Idempotency-Key) makes a
   * retried request return the same session instead of opening a second one.
   */
  async createSession(userId: string, productId: string, idempotencyKey?: string): Promise<CheckoutSession> {
    const price = this.settings.prices[productId];
    if (!price || this.catalog[productId]?.type !== 'consumable') {
      throw new AppError(422, ErrorCode.PRODUCT_UNKNOWN, `No credit pack "${productId}" is sold on the web.`);
    }
    const metadata: CheckoutMetadata & Stripe.MetadataParam = { user_id: userId, product_id: productId };
    try {
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [{ price, quantity: 1 }],
          client_reference_id: userId,
          metadata,
          // On the payment too, so refunds and disputes seen in the dashboard name the account and the pack.
          payment_intent_data: { metadata },
          success_url: this.settings.successUrl,
          cancel_url: this.settings.cancelUrl,
        },
        idempotencyKey ? { idempotencyKey: `checkout:${userId}:${productId}:${idempotencyKey}` } : undefined,
      );
      return { id: session.id, url: session.url };
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeError)) throw error;
      this.logger.error({ err: error, type: error.type, code: error.code }, 'stripe checkout session failed');
      throw new AppError(503, ErrorCode.STORE_UNAVAILABLE, 'Stripe could not open a checkout; try again.');
    }
  }

  /** One webhook delivery, verified: `rawBody` exactly as received; 400 when the signature or its timestamp is not accepted. */
  verify(rawBody: string, signature: string | undefined): Stripe.Event {
    try {
      // The library checks the signature and that its timestamp is within its default tolerance (five minutes).
      return this.stripe.webhooks.constructEvent(rawBody, signature ?? '', this.settings.webhookSecret);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      throw new AppError(400, ErrorCode.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify.');
    }
  }
}

function apiAddress(apiUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  return { host: url.hostname, port: url.port || (url.protocol === 'https:' ? 443 : 80), protocol: url.protocol === 'https:' ? 'https' : 'http' };
}
