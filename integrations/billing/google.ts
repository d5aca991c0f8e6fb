import { androidpublisher, type androidpublisher_v3 } from '@googleapis/androidpublisher';
import type { ProductCatalog } from '../../domain/billing/catalog.js';
import type { StoreSubscriptionStatus, VerifiedPurchase } from '../../domain/billing/purchase.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { serviceAccountAuth } from './google-auth.js';

export interface GooglePlayOptions {
  packageName: string;
  serviceAccountJson: string;
  acceptTestPurchases: boolean;
  rootUrl: string;
  tokenUrl: string;
}

const STATE: Record<string, StoreSubscriptionStatus> = {
  SUBSCRIPTION_STATE_ACTIVE: 'active',
  // Canceled means "will not renew": still entitled until the period ends.
  SUBSCRIPTION_STATE_CANCELED: 'active',
  SUBSCRIPTION_STATE_IN_GRACE_PERIOD: 'grace_period',
  SUBSCRIPTION_STATE_ON_HOLD: 'billing_retry',
  SUBSCRIPTION_STATE_PAUSED: 'paused',
  SUBSCRIPTION_STATE_EXPIRED: 'expired',
  SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED: 'expired',
};

const PURCHASED = 0;
const PENDING = 2;
const TEST_PURCHASE = 0;
const NOT_CONSUMED = 0;

/**
 * Google Play verification through the Play Developer API: `purchases.subscriptionsv2` for subscriptions,
 * `purchases.products` for one-time packs, and the acknowledge / consume calls that keep Google from
 * refunding a purchase after three days.
 */
export class GooglePlayStore {
  private readonly api: androidpublisher_v3.Androidpublisher;

  constructor(
    private readonly options: GooglePlayOptions,
    private readonly catalog: ProductCatalog,
  ) {
    this.api = androidpublisher({
      version: 'v3',
      auth: serviceAccountAuth(options.serviceAccountJson, options.tokenUrl),
      rootUrl: options.rootUrl,
    });
  }

  get packageName(): string {
    return this.options.packageName;
  }

  /** A purchase token of either kind; `productId` says which (from the catalog). */
  purchase(productId: string, token: string): Promise<VerifiedPurchase> {
    return this.catalog[productId]?.type === 'consumable' ? this.oneTimePurchase(productId, token) : this.subscription(token, productId);
  }

  async subscription(token: string, productId?: string): Promise<VerifiedPurchase> {
    const { data } = await this.call(() => this.api.purchases.subscriptionsv2.get({ packageName: this.packageName, token }));
    if (data.subscriptionState === 'SUBSCRIPTION_STATE_PENDING') {
      throw new AppError(422, ErrorCode.PURCHASE_NOT_COMPLETED, 'The subscription payment is still pending.');
    }
    const item = data.lineItems?.find((line) => !productId || line.productId === productId) ?? data.lineItems?.[0];
    if (!item?.productId || !item.expiryTime) throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'Google Play returned no subscription item.');
    const expiresAt = new Date(item.expiryTime);
    let status = STATE[data.subscriptionState ?? ''] ?? 'expired';
    if (status === 'active' && expiresAt <= new Date()) status = 'expired';
    return {
      store: 'google',
      environment: this.environmentOf(data.testPurchase != null),
      productId: item.productId,
      kind: 'subscription',
      // Each renewal is a new order (GPA.…..0, ..1, …); a purchase without an order id is keyed by its period.
      transactionId: item.latestSuccessfulOrderId ?? `${token}:${item.expiryTime}`,
      originalReference: token,
      observedAt: new Date(),
      // A revoked Google subscription token never renews again (a resubscription is a new token): its start will do.
      purchasedAt: new Date(data.startTime ?? Date.now()),
      revokedAt: null,
      subscription: { status, expiresAt, autoRenew: item.autoRenewingPlan?.autoRenewEnabled === true },
      replacesReference: data.linkedPurchaseToken ?? null,
      accountToken: data.externalAccountIdentifiers?.obfuscatedExternalAccountId ?? null,
    };
  }

  async oneTimePurchase(productId: string, token: string): Promise<VerifiedPurchase> {
    const { data } = await this.call(() => this.api.purchases.products.get({ packageName: this.packageName, productId, token }));
    if (data.purchaseState === PENDING) throw new AppError(422, ErrorCode.PURCHASE_NOT_COMPLETED, 'The payment is still pending.');
    const observedAt = new Date();
    return {
      store: 'google',
      environment: this.environmentOf(data.purchaseType === TEST_PURCHASE),
      productId,
      kind: 'consumable',
      transactionId: data.orderId ?? token,
      originalReference: token,
      observedAt,
      purchasedAt: data.purchaseTimeMillis ? new Date(Number(data.purchaseTimeMillis)) : observedAt,
      revokedAt: data.purchaseState === PURCHASED ? null : observedAt,
      subscription: null,
      replacesReference: null,
      accountToken: data.obfuscatedExternalAccountId ?? null,
    };
  }

  /**
   * Confirms delivery; a no-op when already done. Unacknowledged purchases are refunded by Google after 3 days.
   * A purchase Google no longer knows answers 422 RECEIPT_INVALID; an outage 503 STORE_UNAVAILABLE.
   */
  async acknowledge(purchase: Pick<VerifiedPurchase, 'kind' | 'productId' | 'originalReference'>): Promise<void> {
    const params = { packageName: this.packageName, token: purchase.originalReference };
    if (purchase.kind === 'consumable') {
      const { data } = await this.call(() => this.api.purchases.products.get({ ...params, productId: purchase.productId }));
      // Consuming also acknowledges, and lets the user buy the pack again.
      if (data.consumptionState === NOT_CONSUMED) {
        await this.call(() => this.api.purchases.products.consume({ ...params, productId: purchase.productId }));
      }
      return;
    }
    const { data } = await this.call(() => this.api.purchases.subscriptionsv2.get(params));
    if (data.acknowledgementState === 'ACKNOWLEDGEMENT_STATE_PENDING') {
      await this.call(() =>
        this.api.purchases.subscriptions.acknowledge({ ...params, subscriptionId: purchase.productId, requestBody: {} }),
      );
    }
  }

  private environmentOf(test: boolean): VerifiedPurchase['environment'] {
    if (test && !this.options.acceptTestPurchases) {
      throw new AppError(422, ErrorCode.RECEIPT_WRONG_ENVIRONMENT, 'Google Play test purchases are not accepted here.');
    }
    return test ? 'sandbox' : 'production';
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const status = (error as { status?: number }).status;
      // 400/404/410: the token is not a purchase of this app (forged, another package's, or expired long ago).
      if (status === 400 || status === 404 || status === 410) {
        throw new AppError(422, ErrorCode.RECEIPT_INVALID, 'Google Play knows no such purchase for this app.');
      }
      if (typeof status === 'number') {
        throw new AppError(503, ErrorCode.STORE_UNAVAILABLE, `Google Play answered ${status}; try again.`);
      }
      throw error;
    }
  }
}
