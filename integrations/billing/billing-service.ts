import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { BillingRecords, type DueSubscription, type Entitlement } from '../../db/billing.js';
import type { AcknowledgementInput } from '../../domain/billing/acknowledgement.js';
import { creditsFor, type ProductCatalog } from '../../domain/billing/catalog.js';
import type { OwnershipPolicy, PurchaseEvidence } from '../../domain/billing/ownership.js';
import type { StoreSubscriptionStatus, VerifiedPurchase } from '../../domain/billing/purchase.js';
import { nextCheckAt, type RecheckTiming } from '../../domain/billing/status.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../logger.js';
import type { AcknowledgementQueue } from './acknowledgements.js';
import type { AppleStore } from './apple.js';
import type { GooglePlayStore } from './google.js';
import type { StripeCheckout } from './stripe.js';
import type { BillingStores } from './stores.js';
import type { SuperwallWebhooks } from './superwall.js';

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

export type NotificationOutcome = 'processed' | 'duplicate' | 'ignored';

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
  subscriptionNotification: z.object({ notificationType: z.number().int(), purchaseToken: z.string() }).optional(),
  voidedPurchaseNotification: z.object({ purchaseToken: z.string(), orderId: z.string() }).optional(),
});
/** RTDN subscription notification type 12: revoked before expiry (refunded). */
const SUBSCRIPTION_REVOKED = 12;

const JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Billing use cases over the store clients and the billing tables: validating a purchase for a user,
 * store notifications, and one subscription's renewal check (the sweep's unit of work).
 */
export interface BillingServiceDeps {
  orm: MikroORM;
  stores: BillingStores;
  catalog: ProductCatalog;
  timing: RecheckTiming;
  /** Who gets a purchase without an account token that another account already holds. */
  ownershipPolicy: OwnershipPolicy;
  /** Where failed Google acknowledgements go to be retried; without it they are only logged. */
  acknowledgements?: AcknowledgementQueue;
  /** Billing providers beside the stores, when configured. */
  superwall?: SuperwallWebhooks;
  stripe?: StripeCheckout;
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
    if (purchase.revokedAt) throw new AppError(422, ErrorCode.PURCHASE_REVOKED, 'The store refunded or revoked this purchase.');

    const entitlement = await this.records().claim(userId, purchase, creditsFor(product), { evidence, policy: this.deps.ownershipPolicy });
    if (purchase.store === 'google') await this.acknowledge(purchase, userId);
    return {
      valid: true,
      creditsAdded: entitlement.creditsAdded,
      subscriptionStatus: entitlement.subscriptionStatus,
      expiresAt: entitlement.expiresAt,
    };
  }

  /** App Store Server Notifications V2. Throws (4xx) when the payload does not verify. */
  async appleNotification(signedPayload: string): Promise<NotificationOutcome> {
    const { payload, purchase } = await this.apple().notification(signedPayload);
    const id = payload.notificationUUID;
    if (!id) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'The notification has no notificationUUID.');
    const records = this.records();
    if (await records.notificationSeen('apple', id)) return 'duplicate';
    const outcome = purchase ? await this.applyUpdate(purchase) : 'ignored';
    await records.notificationDone('apple', id, [payload.notificationType, payload.subtype].filter(Boolean).join('/'));
    this.deps.logger.info({ notificationId: id, type: payload.notificationType, subtype: payload.subtype, outcome }, 'apple notification');
    return outcome;
  }

  /** Google RTDN via Pub/Sub push; `authorization` is the push's OIDC bearer token. */
  async googleNotification(authorization: string | undefined, body: unknown): Promise<NotificationOutcome> {
    const authenticate = this.deps.stores.googlePushAuth;
    if (!authenticate) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Google push authentication is not configured.');
    if (!(await authenticate(authorization))) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'The push is not authenticated.');
    const push = pushSchema.safeParse(body);
    if (!push.success) throw new AppError(400, ErrorCode.VALIDATION_FAILED, 'Not a Pub/Sub push message.');
    const { messageId, data } = push.data.message;
    const records = this.records();
    if (await records.notificationSeen('google', messageId)) return 'duplicate';

    const parsed = developerNotificationSchema.safeParse(safeJson(Buffer.from(data, 'base64').toString('utf8')));
    let outcome: NotificationOutcome = 'ignored';
    let type = 'unknown';
    if (!parsed.success || parsed.data.packageName !== this.google().packageName) {
      // Acknowledged anyway: Pub/Sub would redeliver a foreign or malformed message forever.
      this.deps.logger.warn({ messageId }, 'google notification for another app or malformed; ignored');
    } else if (parsed.data.subscriptionNotification) {
      const { notificationType, purchaseToken } = parsed.data.subscriptionNotification;
      type = `subscription/${notificationType}`;
      const purchase = await this.google().subscription(purchaseToken);
      outcome = await this.applyUpdate(notificationType === SUBSCRIPTION_REVOKED ? revoked(purchase) : purchase);
    } else if (parsed.data.voidedPurchaseNotification) {
      type = 'voided';
      await records.revokeTransaction('google', parsed.data.voidedPurchaseNotification.orderId);
      outcome = 'processed';
    }
    await records.notificationDone('google', messageId, type);
    return outcome;
  }

  /** Asks the store about one subscription, applies what it says, and schedules the next check. */
  async recheck(subscription: DueSubscription): Promise<RecheckOutcome> {
    const purchase =
      subscription.store === 'apple'
        ? await this.apple().subscriptionStatus(subscription.storeReference, subscription.environment)
        : await this.google().subscription(subscription.storeReference);
    const entitlement = await this.records().update(purchase, this.creditsOf(purchase));
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

  private async applyUpdate(purchase: VerifiedPurchase): Promise<NotificationOutcome> {
    const entitlement = await this.records().update(purchase, this.creditsOf(purchase));
    // A purchase nobody here has claimed yet: the app's validate call will bind it.
    if (!entitlement) return 'ignored';
    if (purchase.store === 'google' && entitlement.newlyGranted) await this.acknowledge(purchase, entitlement.userId);
    return 'processed';
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

  /** Superwall's webhooks; 503 STORE_NOT_CONFIGURED without a signing secret. */
  superwall(): SuperwallWebhooks {
    if (!this.deps.superwall) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Superwall webhooks are not configured.');
    return this.deps.superwall;
  }

  /** Stripe web checkout; 503 STORE_NOT_CONFIGURED without its keys. */
  stripe(): StripeCheckout {
    if (!this.deps.stripe) throw new AppError(503, ErrorCode.STORE_NOT_CONFIGURED, 'Stripe web checkout is not configured.');
    return this.deps.stripe;
  }

  private records(): BillingRecords {
    return new BillingRecords(this.deps.orm.em.fork(), this.deps.timing);
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

function revoked(purchase: VerifiedPurchase): VerifiedPurchase {
  const now = new Date();
  return { ...purchase, revokedAt: now, subscription: purchase.subscription && { ...purchase.subscription, status: 'revoked' } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
