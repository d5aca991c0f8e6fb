import { z } from 'zod';
import type { ProductCatalog } from './catalog.js';
import type { Store, StoreEnvironment, VerifiedPurchase } from './purchase.js';

/**
 * A Superwall webhook event (delivered through Svix): the store event's facts in `data`, with the app user id the
 * app identified the buyer with (`originalAppUserId`, and any `aliases`). Only the fields used here are declared.
 */
export const superwallEventSchema = z
  .object({
    type: z.string().min(1),
    timestamp: z.number(),
    data: z
      .object({
        id: z.string().min(1),
        store: z.string(),
        environment: z.string(),
        transactionId: z.string().nullish(),
        originalTransactionId: z.string().nullish(),
        productId: z.string().nullish(),
        originalAppUserId: z.string().nullish(),
        aliases: z.array(z.string()).optional(),
        cancelReason: z.string().nullish(),
        price: z.number().nullish(),
        bundleId: z.string().nullish(),
        ts: z.number().optional(),
        purchasedAt: z.number().nullish(),
      })
      .loose(),
  })
  .loose();
export type SuperwallEvent = z.infer<typeof superwallEventSchema>;

/** Events that pay for a product: each earns its credits once, keyed by the store's transaction id. */
const PAID = new Set(['initial_purchase', 'renewal', 'non_renewing_purchase']);
/** Lifecycle events: the subscription's state is kept from the stores themselves (notifications, sweep). */
const LIFECYCLE = new Set(['cancellation', 'uncancellation', 'expiration', 'billing_issue', 'product_change', 'subscription_paused', 'test']);
const STORES: Record<string, Store> = { APP_STORE: 'apple', PLAY_STORE: 'google' };
const ENVIRONMENTS: Record<string, StoreEnvironment> = { PRODUCTION: 'production', SANDBOX: 'sandbox' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SuperwallRules {
  catalog: ProductCatalog;
  /** Whether purchases from this store and environment earn credits here (the same rules as /billing/validate). */
  accepts: (store: Store, environment: StoreEnvironment) => boolean;
  /** The app's id per store, when configured; events for another app are ignored. */
  appIds: Partial<Record<Store, string>>;
}

export type SuperwallDecision =
  | { action: 'apply'; purchase: VerifiedPurchase; userIds: string[] }
  | { action: 'ignore'; reason: string };

/**
 * What a verified Superwall event does: a purchase or renewal grants the product's credits to the account that
 * holds the store transaction (or, when none does yet, to the app user id the app identified the buyer with); a
 * refund takes them back. The same store transaction arriving from the store itself grants nothing more.
 * Purchases paid through Stripe are taken from Stripe's own webhook; lifecycle events are recorded only.
 */
export function decideSuperwallEvent(event: SuperwallEvent, rules: SuperwallRules): SuperwallDecision {
  const { data } = event;
  const refund = event.type === 'cancellation' && (data.cancelReason === 'CUSTOMER_SUPPORT' || (data.price ?? 0) < 0);
  if (!PAID.has(event.type) && !refund) {
    return { action: 'ignore', reason: LIFECYCLE.has(event.type) ? 'subscription state comes from the store' : 'unknown event type' };
  }
  const store = STORES[data.store];
  if (!store) return { action: 'ignore', reason: `store ${data.store} is not handled through Superwall` };
  const environment = ENVIRONMENTS[data.environment];
  if (!environment || !rules.accepts(store, environment)) return { action: 'ignore', reason: `environment ${data.environment} not accepted` };
  const appId = rules.appIds[store];
  if (appId && data.bundleId && data.bundleId !== appId) return { action: 'ignore', reason: 'another app' };
  const product = data.productId ? rules.catalog[data.productId] : undefined;
  if (!data.transactionId || !data.productId || !product) return { action: 'ignore', reason: 'product not in the catalog' };

  const observedAt = new Date(data.ts ?? event.timestamp);
  return {
    action: 'apply',
    userIds: [data.originalAppUserId, ...(data.aliases ?? [])].filter((id): id is string => !!id && UUID.test(id)),
    purchase: {
      store,
      environment,
      productId: data.productId,
      kind: product.type,
      transactionId: data.transactionId,
      originalReference: data.originalTransactionId ?? data.transactionId,
      observedAt,
      purchasedAt: new Date(data.purchasedAt ?? observedAt.getTime()),
      revokedAt: refund ? observedAt : null,
      // Superwall's original transaction id is not Google's purchase token: subscription rows stay the stores' own.
      subscription: null,
      replacesReference: null,
      accountToken: null,
    },
  };
}
