import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BillingDeliveries } from '../../db/billing-deliveries.js';
import { BillingRecords, type DueSubscription, type Entitlement, type FactSource } from '../../db/billing.js';
import type { AcknowledgementInput, AcknowledgementQueue } from '../../domain/billing/acknowledgement.js';
import { creditsFor, type ProductCatalog } from '../../domain/billing/catalog.js';
import { ignored, type DeliveryResult } from '../../domain/billing/delivery.js';
import type { OwnershipPolicy, PurchaseEvidence } from '../../domain/billing/ownership.js';
import type { StoreSubscriptionStatus, VerifiedPurchase } from '../../domain/billing/purchase.js';
import { nextCheckAt, type RecheckTiming } from '../../domain/billing/status.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AppleStore } from '../../integrations/billing/apple.js';
import type { GooglePlayStore } from '../../integrations/billing/google.js';
import type { Logger } from '../../integrations/logger.js';
import { deliveryOutcome } from './outcomes.js';
import type { ProviderWebhooks } from './provider-webhooks.js';

/** The store clients the configuration enables. */
export interface BillingStores {
  apple?: AppleStore;
  google?: GooglePlayStore;
  /** Authenticates Google RTDN pushes; absent when the push audience is not configured. */
  googlePushAuth?: (authorization: string | undefined) => Promise<boolean>;
}

export interface ValidateInput {
  platform: 'ios' | 'android';
  receiptData: string;
  productId: string;
  transactionId?: string;
}

export interface ValidateResult {
  valid: true;
  creditsAdded: number;
  subscriptionStatus: Entitlement['subscriptionStatus'];
  expiresAt: Date | null;
}

export interface RecheckOutcome {
  status: StoreSubscriptionStatus;
  renewed: boolean;
  clawed: number;
}

/** Google RTDN: the Pub/Sub push envelope and the DeveloperNotification inside it. */
const pushSchema = z.object({
  message: z.object({ data: z.string(), messageId: z.string().min(1) }),
  subscription: z.string().optional(),
});
const developerNotificationSchema = z.object({
  packageName: z.string(),
  eventTimeMillis: z.string().optional(),
  subscriptionNotification: z.object({ notificationType: z.number().int(), purchaseToken: z.string() }).optional(),
  voidedPurchaseNotification: z
    .object({ purchaseToken: z.string(), orderId: z.string(), productType: z.number().int().optional(), refundType: z.number().int().optional() })
    .optional(),
});
/** RTDN subscription notification type 12: revoked before expiry (refunded). */
const SUBSCRIPTION_REVOKED = 12;
/** Voided purchase refund type 2: quantity-based partial refund (1: the whole purchase). */
const PARTIAL_REFUND = 2;

const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Billing use cases over the store clients and the billing tables: validating a purchase for a user, store
 * notifications and provider webhooks, and one subscription's renewal check (the sweep's unit of work). An
 * application service: adapters (stores, providers, the acknowledgement workflow starter) are handed in.
 */
export interface BillingServiceDeps {
  orm: MikroORM;
  stores: BillingStores;
  catalog: ProductCatalog;
  timing: RecheckTiming;
  /** Who gets a purchase without an account token that another account already holds. */
  ownershipPolicy: OwnershipPolicy;
  /** Where failed Google acknowledgements go to be retried (a workflow starter); without it they are only logged. */
  acknowledgements?: AcknowledgementQueue;
  /** Superwall and Stripe webhooks and Stripe checkout (each answers 503 until configured). */
  providers?: ProviderWebhooks;
  logger: Logger;
}

export class BillingService {
  constructor(private readonly deps: BillingServiceDeps) {}

  async validate(userId: string, input: ValidateInput): Promise<ValidateResult> {
    const requested = this.deps.catalog[input.productId];
    if (!requested) throw new AppError(422, ErrorCode.PRODUCT_UNKNOWN, `No product "${input.productId}" is sold here.`);
    const { purchase, evidence } = await this.verify(input);

    const product = this.deps.catalog[purchase.productId];
    // A subscription may have moved to another tier of its group since the client bought it; packs may not differ.
    const sameKindOfSubscription = product?.type === 'subscription' && requested.type === 'subscription';
    if (!product || (purchase.productId !== input.productId && !sameKindOfSubscription)) {
      throw new AppError(422, ErrorCode.PRODUCT_MISMATCH, 'The receipt is for another product.');
    }
    if (purchase.kind === 'consumable' && input.platform === 'ios' && input.transactionId && input.transactionId !== purchase.transactionId) {
      throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'transaction_id does not match the receipt.');
    }
    if (purchase.revokedAt) {
      // Kept as a fact like any store report: it takes back what the purchase earned if a refund notification was missed.
      await this.records().update(purchase, creditsFor(product), { source: 'validate', eventId: purchase.transactionId });
      throw revokedError();
    }

    const entitlement = await this.records().claim(userId, purchase, creditsFor(product), { evidence, policy: this.deps.ownershipPolicy });
    // Bound to the caller, but a refund or revocation was reported for it (maybe before it was ever presented).
    if (entitlement.revoked) throw revokedError();
    if (purchase.store === 'google') await this.acknowledge(purchase, userId);
    return {
      valid: true,
      creditsAdded: entitlement.creditsAdded,
      subscriptionStatus: entitlement.subscriptionStatus,
      expiresAt: entitlement.expiresAt,
    };
  }

  /** App Store Server Notifications V2. Throws (4xx) when the payload does not verify. */
  async appleNotification(signedPayload: string): Promise<DeliveryResult> {
    const { payload, purchase } = await this.apple().notification(signedPayload);
    const id = payload.notificationUUID;
    if (!id) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The notification has no notificationUUID.');
    const type = [payload.notificationType, payload.subtype].filter(Boolean).join('/');
    const result = await this.deliveries().once('apple', id, type, (em) =>
      purchase ? this.applyUpdate(em, purchase, { source: 'apple', eventId: id }) : Promise.resolve(ignored('no transaction in the notification')),
    );
    this.deps.logger.info({ notificationId: id, type, ...result }, 'apple notification');
    return result;
  }

  /** Google RTDN via Pub/Sub push; `authorization` is the push's OIDC bearer token. */
  async googleNotification(authorization: string | undefined, body: unknown): Promise<DeliveryResult> {
    const authenticate = this.deps.stores.googlePushAuth;
    if (!authenticate) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Google push authentication is not configured.');
    if (!(await authenticate(authorization))) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'The push is not authenticated.');
    const push = pushSchema.safeParse(body);
    if (!push.success) throw new AppError(400, ErrorCode.VALIDATION_FAILED, 'Not a Pub/Sub push message.');
    const { messageId, data } = push.data.message;
    const deliveries = this.deliveries();
    // Counted before the store is asked again about a redelivered message.
    if (await deliveries.redelivered('google', messageId)) return { outcome: 'duplicate' };

    const parsed = developerNotificationSchema.safeParse(safeJson(Buffer.from(data, 'base64').toString('utf8')));
    const reportedBy: FactSource = { source: 'google', eventId: messageId };
    // A purchase this delivery granted is acknowledged once its credits are committed.
    const granted: { purchase?: VerifiedPurchase; userId?: string } = {};
    let type = 'unknown';
    let handle: (em: EntityManager) => Promise<DeliveryResult> = () => Promise.resolve(ignored('another app, or not a developer notification'));
    if (parsed.success && parsed.data.packageName === this.google().packageName) {
      const { subscriptionNotification: subscription, voidedPurchaseNotification: voided, eventTimeMillis } = parsed.data;
      // The store's time of the event, so a revocation compares the same with a renewal whenever it arrives.
      const eventTime = eventTimeMillis ? new Date(Number(eventTimeMillis)) : new Date();
      if (subscription) {
        type = `subscription/${subscription.notificationType}`;
        const purchase = await this.google().subscription(subscription.purchaseToken);
        const update = subscription.notificationType === SUBSCRIPTION_REVOKED ? revoked(purchase, eventTime) : purchase;
        handle = (em) => this.applyUpdate(em, update, reportedBy, (userId) => Object.assign(granted, { purchase: update, userId }));
      } else if (voided) {
        type = 'voided';
        handle = (em) =>
          this.records(em).revoke({
            store: 'google',
            transactionId: voided.orderId,
            originalReference: voided.purchaseToken,
            ...reportedBy,
            partial: voided.refundType === PARTIAL_REFUND,
            reason: voided.refundType === PARTIAL_REFUND ? 'partial refund (voided quantity)' : 'voided purchase',
            revokedAt: eventTime,
          });
      } else {
        handle = () => Promise.resolve(ignored('a notification type not used here'));
      }
    } else {
      // Acknowledged anyway: Pub/Sub would redeliver a foreign or malformed message forever.
      this.deps.logger.warn({ messageId }, 'google notification for another app or malformed; ignored');
    }
    const result = await deliveries.once('google', messageId, type, handle);
    if (granted.purchase && granted.userId) await this.acknowledge(granted.purchase, granted.userId);
    this.deps.logger.info({ messageId, type, ...result }, 'google notification');
    return result;
  }

  /** One Superwall webhook delivery (see ProviderWebhooks). */
  superwallWebhook(rawBody: string, headers: Record<string, string | undefined>): Promise<DeliveryResult> {
    return this.providers().superwall(rawBody, headers);
  }

  /** One Stripe webhook delivery (see ProviderWebhooks). */
  stripeWebhook(rawBody: string, signature: string | undefined): Promise<DeliveryResult> {
    return this.providers().stripe(rawBody, signature);
  }

  /** A Stripe Checkout Session for one credit pack, bound to the caller. */
  stripeCheckout(userId: string, productId: string, idempotencyKey?: string): Promise<{ id: string; url: string | null }> {
    return this.providers().checkout().createSession(userId, productId, idempotencyKey);
  }

  /** Asks the store about one subscription, applies what it says, and schedules the next check. */
  async recheck(subscription: DueSubscription): Promise<RecheckOutcome> {
    const purchase =
      subscription.store === 'apple'
        ? await this.apple().subscriptionStatus(subscription.storeReference, subscription.environment)
        : await this.google().subscription(subscription.storeReference);
    const entitlement = await this.records().update(purchase, this.creditsOf(purchase), { source: 'recheck', eventId: subscription.storeReference });
    const state = entitlement?.subscription ?? purchase.subscription!;
    await this.records().checked(subscription.id, nextCheckAt(state, new Date(), this.deps.timing));
    return { status: state.status, renewed: entitlement?.newlyGranted ?? false, clawed: entitlement?.creditsClawed ?? 0 };
  }

  /** One attempt of a durable acknowledgement (the workflow retries); throws what the store answered. */
  async acknowledgeNow(input: Pick<AcknowledgementInput, 'kind' | 'productId' | 'purchaseToken'>): Promise<void> {
    await this.google().acknowledge({ kind: input.kind, productId: input.productId, originalReference: input.purchaseToken });
  }

  private async verify(input: ValidateInput): Promise<{ purchase: VerifiedPurchase; evidence: PurchaseEvidence }> {
    if (input.platform === 'android') {
      return { purchase: await this.google().purchase(input.productId, input.receiptData), evidence: 'purchase_token' };
    }
    if (JWS.test(input.receiptData)) {
      return { purchase: await this.apple().purchaseFromSignedTransaction(input.receiptData), evidence: 'signed_transaction' };
    }
    // A legacy receipt is not verified here: only the transaction id in it is looked up with Apple.
    return { purchase: await this.apple().purchaseFromReceipt(input.receiptData), evidence: 'transaction_id' };
  }

  /** `granted` hears the account a purchase was newly granted to (a Google purchase is then acknowledged). */
  private async applyUpdate(
    em: EntityManager,
    purchase: VerifiedPurchase,
    reportedBy: FactSource,
    granted: (userId: string) => void = () => undefined,
  ): Promise<DeliveryResult> {
    const about = { store: purchase.store, transactionId: purchase.transactionId };
    const entitlement = await this.records(em).update(purchase, this.creditsOf(purchase), reportedBy);
    // Kept: it settles when the app's validate call (or a provider naming the account) binds the purchase.
    if (!entitlement) return { outcome: 'recorded_for_later', reason: 'nobody presented the purchase yet', ...about };
    if (entitlement.newlyGranted) granted(entitlement.userId);
    return deliveryOutcome(entitlement, about);
  }

  private creditsOf(purchase: VerifiedPurchase): number {
    const product = this.deps.catalog[purchase.productId];
    if (!product) this.deps.logger.warn({ productId: purchase.productId }, 'store product missing from the catalog; no credits');
    return product ? creditsFor(product) : 0;
  }

  /**
   * Acknowledges right away; when that fails, the credits are already committed, so the acknowledgement is handed
   * to a workflow that retries it until Google accepts it or its window closes.
   */
  private async acknowledge(purchase: VerifiedPurchase, userId: string): Promise<void> {
    try {
      await this.google().acknowledge(purchase);
      return;
    } catch (error) {
      this.deps.logger.warn({ err: error, transactionId: purchase.transactionId }, 'google acknowledge failed; retrying durably');
    }
    try {
      if (!this.deps.acknowledgements) throw new Error('no acknowledgement queue configured');
      await this.deps.acknowledgements.enqueue(purchase, userId);
    } catch (error) {
      // The client's retry of the same validate tries again; past three days Google refunds and the refund claws back.
      this.deps.logger.error({ err: error, transactionId: purchase.transactionId }, 'google acknowledge could not be scheduled');
    }
  }

  private providers(): ProviderWebhooks {
    if (!this.deps.providers) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Billing providers are not configured.');
    return this.deps.providers;
  }

  private records(em: EntityManager = this.deps.orm.em.fork()): BillingRecords {
    return new BillingRecords(em, this.deps.timing);
  }

  private deliveries(): BillingDeliveries {
    return new BillingDeliveries(this.deps.orm.em.fork());
  }

  private apple(): AppleStore {
    if (!this.deps.stores.apple) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'App Store billing is not configured.');
    return this.deps.stores.apple;
  }

  private google(): GooglePlayStore {
    if (!this.deps.stores.google) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Google Play billing is not configured.');
    return this.deps.stores.google;
  }
}

function revokedError(): AppError {
  return new AppError(422, ErrorCode.PURCHASE_REVOKED, 'The store refunded or revoked this purchase.');
}

function revoked(purchase: VerifiedPurchase, at: Date): VerifiedPurchase {
  return { ...purchase, revokedAt: at, subscription: purchase.subscription && { ...purchase.subscription, status: 'revoked' } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
