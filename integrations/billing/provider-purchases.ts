import type { MikroORM } from '@mikro-orm/postgresql';
import { BillingRecords } from '../../db/billing.js';
import { WebhookEvents, type WebhookSource } from '../../db/webhook-events.js';
import { creditsFor, type ProductCatalog } from '../../domain/billing/catalog.js';
import type { Store, VerifiedPurchase } from '../../domain/billing/purchase.js';
import type { RecheckTiming } from '../../domain/billing/status.js';
import { AppError } from '../../domain/errors.js';
import type { Logger } from '../logger.js';
import type { NotificationOutcome } from './billing-service.js';

export interface ProviderPurchasesDeps {
  orm: MikroORM;
  catalog: ProductCatalog;
  timing: RecheckTiming;
  logger: Logger;
}

/**
 * Purchases reported by billing providers' webhooks (Superwall, Stripe), applied through the same billing records
 * as the stores' own notifications: the ledger reference is the store transaction, so the same purchase arriving
 * from several sources grants once, and refunds claw back under the same rules.
 */
export class ProviderPurchases {
  constructor(private readonly deps: ProviderPurchasesDeps) {}

  /** Handles one verified event once per event id; every event is recorded, also those nothing was done for. */
  async once(source: WebhookSource, eventId: string, eventType: string, handle: () => Promise<NotificationOutcome>): Promise<NotificationOutcome> {
    const events = new WebhookEvents(this.deps.orm.em.fork());
    if (await events.seen(source, eventId)) return 'duplicate';
    const outcome = await handle();
    await events.record(source, eventId, eventType, outcome);
    this.deps.logger.info({ source, eventId, eventType, outcome }, 'billing webhook');
    return outcome;
  }

  /**
   * A paid (or refunded) purchase: applied for the account that holds the store transaction, or else bound to the
   * first of `userIds` that exists. A purchase another account holds is left with it (logged, never a 5xx: the
   * provider would redeliver it forever).
   */
  async apply(purchase: VerifiedPurchase, userIds: string[]): Promise<NotificationOutcome> {
    const records = this.records();
    const credits = this.creditsOf(purchase.productId);
    if (await records.update(purchase, credits)) return 'processed';
    if (purchase.revokedAt) return 'ignored';
    const userId = await new WebhookEvents(this.deps.orm.em.fork()).firstExistingUser(userIds);
    if (!userId) {
      this.deps.logger.warn({ store: purchase.store, transactionId: purchase.transactionId }, 'provider purchase for no known account; left for /billing/validate');
      return 'ignored';
    }
    try {
      await records.claim(userId, purchase, credits, { evidence: 'provider_event', policy: 'keep' });
      return 'processed';
    } catch (error) {
      if (!(error instanceof AppError && error.status === 409)) throw error;
      this.deps.logger.warn({ store: purchase.store, transactionId: purchase.transactionId, code: error.code }, 'provider purchase held by another account');
      return 'ignored';
    }
  }

  /** A refund or lost dispute reported by transaction id: takes back what the transaction earned, once. */
  async revoke(store: Store, transactionId: string): Promise<NotificationOutcome> {
    await this.records().revokeTransaction(store, transactionId);
    return 'processed';
  }

  private creditsOf(productId: string): number {
    const product = this.deps.catalog[productId];
    return product ? creditsFor(product) : 0;
  }

  private records(): BillingRecords {
    return new BillingRecords(this.deps.orm.em.fork(), this.deps.timing);
  }
}
