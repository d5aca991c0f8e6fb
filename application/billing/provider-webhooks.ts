import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { BillingDeliveries } from '../../db/billing-deliveries.js';
import { BillingRecords } from '../../db/billing.js';
import { creditsFor, type ProductCatalog } from '../../domain/billing/catalog.js';
import { ignored, type DeliveryResult } from '../../domain/billing/delivery.js';
import type { VerifiedPurchase } from '../../domain/billing/purchase.js';
import type { RecheckTiming } from '../../domain/billing/status.js';
import { decideStripeEvent } from '../../domain/billing/stripe.js';
import { decideSuperwallEvent, type SuperwallRules } from '../../domain/billing/superwall.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../../integrations/logger.js';
import type { StripeCheckout } from '../../integrations/billing/stripe.js';
import type { SuperwallWebhooks } from '../../integrations/billing/superwall.js';
import { deliveryOutcome } from './outcomes.js';

export interface ProviderWebhooksDeps {
  orm: MikroORM;
  catalog: ProductCatalog;
  timing: RecheckTiming;
  logger: Logger;
  /** Verifies Superwall deliveries, with the rules its events are judged by; absent when not configured. */
  superwall?: { webhooks: SuperwallWebhooks; rules: SuperwallRules };
  stripe?: StripeCheckout;
}

/**
 * Purchases and refunds reported by billing providers' webhooks (Superwall, Stripe), applied through the same
 * billing records as the stores' own notifications: the ledger reference is the store transaction, so the same
 * purchase arriving from several sources grants once, and a refund wins whichever arrives first.
 */
export class ProviderWebhooks {
  constructor(private readonly deps: ProviderWebhooksDeps) {}

  /** One Superwall delivery; 400 when the signature does not verify, 503 without a signing secret. */
  async superwall(rawBody: string, headers: Record<string, string | undefined>): Promise<DeliveryResult> {
    const superwall = this.deps.superwall;
    if (!superwall) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Superwall webhooks are not configured.');
    const event = superwall.webhooks.verify(rawBody, headers);
    if (!event) return ignored('not a readable event');
    return this.once('superwall', event.data.id, event.type, async (em) => {
      const decision = decideSuperwallEvent(event, superwall.rules);
      if (decision.action === 'ignore') return ignored(decision.reason);
      return this.apply(em, decision.purchase, decision.userIds, { source: 'superwall', eventId: event.data.id });
    });
  }

  /** One Stripe delivery; 400 when the signature does not verify, 503 without Stripe's keys. */
  async stripe(rawBody: string, signature: string | undefined): Promise<DeliveryResult> {
    const event = this.checkout().verify(rawBody, signature);
    return this.once('stripe', event.id, event.type, async (em) => {
      const decision = decideStripeEvent(event);
      if (decision.action === 'revoke') {
        return new BillingRecords(em, this.deps.timing).revoke({
          store: 'stripe',
          transactionId: decision.paymentIntentId,
          originalReference: null,
          source: 'stripe',
          eventId: event.id,
          partial: decision.partial,
          reason: decision.reason,
          revokedAt: decision.revokedAt,
        });
      }
      if (decision.action === 'ignore') return ignored(decision.reason);
      if (this.deps.catalog[decision.purchase.productId]?.type !== 'consumable') return ignored('not a catalog pack');
      return this.apply(em, decision.purchase, [decision.userId], { source: 'stripe', eventId: event.id });
    });
  }

  /** Stripe web checkout; 503 STORE_NOT_CONFIGURED without its keys. */
  checkout(): StripeCheckout {
    if (!this.deps.stripe) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Stripe web checkout is not configured.');
    return this.deps.stripe;
  }

  private async once(source: 'superwall' | 'stripe', eventId: string, eventType: string, handle: (em: EntityManager) => Promise<DeliveryResult>) {
    const result = await new BillingDeliveries(this.deps.orm.em.fork()).once(source, eventId, eventType, handle);
    this.deps.logger.info({ source, eventId, eventType, ...result }, 'billing webhook');
    return result;
  }

  /**
   * A paid (or refunded) purchase: applied for the account that holds the store transaction, or else bound to the
   * first of `userIds` that exists. Facts about a purchase nobody holds yet are kept for when someone presents it.
   * A purchase another account holds is left with it (never a 5xx: the provider would redeliver it forever).
   */
  private async apply(em: EntityManager, purchase: VerifiedPurchase, userIds: string[], reportedBy: { source: 'superwall' | 'stripe'; eventId: string }) {
    const records = new BillingRecords(em, this.deps.timing);
    const credits = this.creditsOf(purchase.productId);
    const about = { store: purchase.store, transactionId: purchase.transactionId };
    const updated = await records.update(purchase, credits, reportedBy);
    if (updated) return deliveryOutcome(updated, about);
    if (purchase.revokedAt) return { outcome: 'recorded_for_later' as const, reason: 'refund of a purchase nobody presented yet', ...about };
    const userId = await new BillingDeliveries(em).firstExistingUser(userIds);
    if (!userId) return { outcome: 'recorded_for_later' as const, reason: 'no known account yet; kept for /billing/validate', ...about };
    try {
      const claimed = await records.claim(userId, purchase, credits, { evidence: 'provider_event', policy: 'keep' }, reportedBy);
      return deliveryOutcome(claimed, about);
    } catch (error) {
      if (!(error instanceof AppError && error.status === 409)) throw error;
      return ignored(`held by another account (${error.code})`, about);
    }
  }

  private creditsOf(productId: string): number {
    const product = this.deps.catalog[productId];
    return product ? creditsFor(product) : 0;
  }
}
