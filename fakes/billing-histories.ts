import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import fc from 'fast-check';
import { BillingService } from '../application/billing/billing-service.js';
import { createBillingStores, createProviderWebhooks } from '../application/billing/wiring.js';
import { createOrm } from '../db/orm.js';
import { apiProcessSchema, loadConfig, type ApiConfig } from '../domain/config/index.js';
import { createLogger } from '../integrations/logger.js';
import { auditFindings, auditLedger, type LedgerAuditCheck } from '../db/ledger-audit.js';
import { ledgerReference, type Store } from '../domain/billing/purchase.js';
import { AppError } from '../domain/errors.js';
import { checkoutSession, closedDispute, refundedCharge, signStripeDelivery, stripeEvent } from './stripe-events.js';
import { BUNDLE_ID, DAY, PACKAGE_NAME, RTDN_AUDIENCE, startFakeStores, type FakeStores } from './stores.js';
import { signSuperwallDelivery, superwallEvent, superwallSecret } from './superwall.js';

/**
 * Generated purchase histories for model-based billing tests: a few accounts and purchases from every source (App
 * Store notifications and /billing/validate, Google voided notifications and validate, Stripe checkout, refunds and
 * disputes, Superwall purchases, renewals, refunds and cancellations), delivered in two orders, with the same
 * delivery twice at once and neighbours delivered together. The final state must be the same for both orders and
 * match the model: a purchase earns its worth once when someone holds it, a payment was reported and no full refund
 * applies (a subscription period also loses it to a refund of an earlier period).
 */

export type PurchaseKind = 'apple_pack' | 'google_pack' | 'stripe_pack' | 'apple_sub';

export type Fact =
  | { type: 'apple_validate' }
  | { type: 'apple_notify'; period: number }
  | { type: 'apple_refund'; period: number }
  | { type: 'superwall_purchase'; period: number }
  | { type: 'superwall_refund'; period: number }
  | { type: 'superwall_cancel' }
  | { type: 'google_validate' }
  | { type: 'google_voided'; partial: boolean }
  | { type: 'stripe_paid'; async: boolean }
  | { type: 'stripe_refund'; partial: boolean }
  | { type: 'stripe_dispute'; lost: boolean };

export interface PurchaseSpec {
  kind: PurchaseKind;
  owner: number;
  /** Subscription periods (the first purchase and its renewals); 1 for packs. */
  periods: number;
}

export interface HistoryEvent {
  purchase: number;
  fact: Fact;
  /** Delivered twice at the same moment (the same delivery id). */
  twiceAtOnce: boolean;
  /** Delivered together with the event after it. */
  withNext: boolean;
}

export interface History {
  users: number;
  purchases: PurchaseSpec[];
  events: HistoryEvent[];
}

const PRODUCTS: Record<PurchaseKind, { productId: string; worth: number }> = {
  apple_pack: { productId: 'credits_50', worth: 50 },
  google_pack: { productId: 'credits_200', worth: 200 },
  stripe_pack: { productId: 'credits_10', worth: 10 },
  apple_sub: { productId: 'pro_monthly', worth: 100 },
};
const USERS = 2;
// Store times are fixed per history, so both orders see exactly the same facts.
const BASE_TIME = Date.UTC(2026, 0, 1);
const PERIOD = 30 * DAY;
const periodStart = (period: number) => BASE_TIME + period * PERIOD;
const refundTime = (period: number) => periodStart(period) + DAY;

function factArbitrary(spec: PurchaseSpec): fc.Arbitrary<Fact> {
  const period = fc.nat({ max: spec.periods - 1 });
  const bool = fc.boolean();
  switch (spec.kind) {
    case 'apple_pack':
      return fc.oneof(
        fc.constant<Fact>({ type: 'apple_validate' }),
        fc.constant<Fact>({ type: 'apple_refund', period: 0 }),
        fc.constant<Fact>({ type: 'superwall_purchase', period: 0 }),
        fc.constant<Fact>({ type: 'superwall_refund', period: 0 }),
        fc.constant<Fact>({ type: 'superwall_cancel' }),
      );
    case 'apple_sub':
      return fc.oneof(
        period.map((p): Fact => ({ type: 'apple_notify', period: p })),
        period.map((p): Fact => ({ type: 'apple_refund', period: p })),
        period.map((p): Fact => ({ type: 'superwall_purchase', period: p })),
        period.map((p): Fact => ({ type: 'superwall_refund', period: p })),
        fc.constant<Fact>({ type: 'superwall_cancel' }),
      );
    case 'google_pack':
      return fc.oneof(
        fc.constant<Fact>({ type: 'google_validate' }),
        bool.map((partial): Fact => ({ type: 'google_voided', partial })),
        fc.constant<Fact>({ type: 'superwall_purchase', period: 0 }),
        fc.constant<Fact>({ type: 'superwall_refund', period: 0 }),
      );
    case 'stripe_pack':
      return fc.oneof(
        bool.map((async): Fact => ({ type: 'stripe_paid', async })),
        bool.map((partial): Fact => ({ type: 'stripe_refund', partial })),
        bool.map((lost): Fact => ({ type: 'stripe_dispute', lost })),
      );
  }
}

/** Histories of up to `maxPurchases` purchases and `maxEvents` deliveries, with a second order to replay them in. */
export function historyArbitrary(options: { maxPurchases: number; maxEvents: number }): fc.Arbitrary<{ history: History; order: number[] }> {
  const spec = fc.record({
    kind: fc.constantFrom<PurchaseKind>('apple_pack', 'google_pack', 'stripe_pack', 'apple_sub'),
    owner: fc.nat({ max: USERS - 1 }),
    periods: fc.integer({ min: 1, max: 3 }),
  });
  return fc
    .array(spec, { minLength: 1, maxLength: options.maxPurchases })
    .map((purchases) => purchases.map((purchase) => (purchase.kind === 'apple_sub' ? purchase : { ...purchase, periods: 1 })))
    .chain((purchases) => {
      const event = fc
        .nat({ max: purchases.length - 1 })
        .chain((index) => fc.record({ purchase: fc.constant(index), fact: factArbitrary(purchases[index]!), twiceAtOnce: fc.boolean(), withNext: fc.boolean() }));
      return fc.array(event, { minLength: 1, maxLength: options.maxEvents }).chain((events) =>
        fc
          .array(fc.nat(), { minLength: events.length, maxLength: events.length })
          .map((keys) => ({
            history: { users: USERS, purchases, events },
            // The second order: the events sorted by random keys (ties keep their order).
            order: events.map((_, index) => index).sort((a, b) => keys[a]! - keys[b]! || a - b),
          })),
      );
    });
}

/** What the model says: the credits each purchase period earns, and so each account's balance. */
export function expectedBalances(history: History): number[] {
  const balances = Array<number>(history.users).fill(0);
  history.purchases.forEach((spec, index) => {
    const facts = history.events.filter((event) => event.purchase === index).map((event) => event.fact);
    const held = facts.some((fact) => ['apple_validate', 'google_validate', 'superwall_purchase', 'stripe_paid'].includes(fact.type));
    if (!held) return;
    const fullRefunds = facts.flatMap((fact) => {
      if (fact.type === 'apple_refund' || fact.type === 'superwall_refund') return [fact.period];
      if ((fact.type === 'google_voided' || fact.type === 'stripe_refund') && !fact.partial) return [0];
      if (fact.type === 'stripe_dispute' && fact.lost) return [0];
      return [];
    });
    for (let period = 0; period < spec.periods; period++) {
      const paid = facts.some((fact) =>
        spec.kind === 'apple_sub'
          ? (fact.type === 'apple_notify' || fact.type === 'superwall_purchase') && fact.period === period
          : ['apple_validate', 'google_validate', 'superwall_purchase', 'stripe_paid'].includes(fact.type),
      );
      // A refund of this period, or of an earlier one (the subscription was revoked before this period began).
      const refunded = fullRefunds.some((refunded) => refunded <= period);
      if (paid && !refunded) balances[spec.owner]! += PRODUCTS[spec.kind].worth;
    }
  });
  return balances;
}

export interface HistoryState {
  balances: number[];
  /** Per purchase period: who holds it, whether it stands revoked, and what its ledger entries net to. */
  transactions: { owner: number | null; revoked: boolean; net: number }[];
  outstanding: number[];
}

export interface HistoryRun {
  state: HistoryState;
  deliveries: number;
  userIds: string[];
}

export interface HistoryHarnessDeps {
  orm: MikroORM;
  billing: BillingService;
  stores: FakeStores;
  secrets: { superwall: string; stripe: string };
}

/**
 * The real billing service against the fake stores, Stripe and Superwall secrets of its own, on the database and
 * process basics in `env` (the property test's and the long run's); `close` stops both.
 */
export async function startHistoryHarness(env: NodeJS.ProcessEnv): Promise<HistoryHarnessDeps & { config: ApiConfig; close(): Promise<void> }> {
  const stores = await startFakeStores();
  const secrets = { superwall: superwallSecret(), stripe: superwallSecret() };
  const config = loadConfig(apiProcessSchema, {
    ...env,
    ...stores.env,
    SUPERWALL_WEBHOOK_SECRET: secrets.superwall,
    STRIPE_SECRET_KEY: 'sk_test_oneshot',
    STRIPE_WEBHOOK_SECRET: secrets.stripe,
    STRIPE_CHECKOUT_SUCCESS_URL: 'https://app.oneshot.test/checkout/done',
    STRIPE_CHECKOUT_CANCEL_URL: 'https://app.oneshot.test/checkout/canceled',
  });
  const orm = await createOrm(config);
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'billing-histories' });
  const billing = new BillingService({
    orm,
    stores: createBillingStores(config),
    catalog: config.BILLING_PRODUCTS,
    timing: config,
    ownershipPolicy: 'keep',
    providers: createProviderWebhooks(config, { orm, logger }),
    logger,
  });
  return {
    orm,
    billing,
    stores,
    secrets,
    config,
    async close() {
      await orm.close();
      await stores.stop();
    },
  };
}

/** Plays one history, in one order, against the real billing service and database, with fresh accounts and purchases. */
export async function playHistory(deps: HistoryHarnessDeps, history: History, order: number[]): Promise<HistoryRun> {
  const userIds = await createUsers(deps.orm, history.users);
  const materialized = history.purchases.map((spec) => materializePurchase(deps, spec, userIds[spec.owner]!));
  const sends = history.events.map((event) => materialized[event.purchase]!.delivery(event.fact));
  let deliveries = 0;
  const deliver = (index: number) => {
    const event = history.events[index]!;
    deliveries += event.twiceAtOnce ? 2 : 1;
    return event.twiceAtOnce ? Promise.all([sends[index]!(), sends[index]!()]) : sends[index]!();
  };
  for (let position = 0; position < order.length; position++) {
    const index = order[position]!;
    const next = order[position + 1];
    if (history.events[index]!.withNext && next !== undefined) {
      await Promise.all([deliver(index), deliver(next)]);
      position++;
    } else {
      await deliver(index);
    }
  }
  return { state: await readState(deps.orm, userIds, materialized), deliveries, userIds };
}

/** The ledger audit's findings over the history's accounts: all zero when sound. */
export async function auditHistory(orm: MikroORM, userIds: string[]): Promise<Record<LedgerAuditCheck, number>> {
  return auditFindings(await auditLedger(orm.em.fork(), { reservationMaxAgeMs: DAY, userIds }));
}

interface MaterializedPurchase {
  store: Store;
  /** Per period. */
  transactionIds: string[];
  delivery(fact: Fact): () => Promise<unknown>;
}

async function createUsers(orm: MikroORM, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const em = orm.em.fork();
  for (const id of ids) await em.execute(`insert into users (id, email, password_hash, credits) values (?, ?, 'x', 0)`, [id, `history-${id}@example.test`]);
  return ids;
}

/** Creates the purchase in the fake stores and prepares each delivery (signed once; a duplicate is the same bytes). */
function materializePurchase(deps: HistoryHarnessDeps, spec: PurchaseSpec, userId: string): MaterializedPurchase {
  const { apple, google } = deps.stores;
  const { productId } = PRODUCTS[spec.kind];
  const superwall = (input: { type: string; transactionId: string; originalTransactionId: string; store: 'APP_STORE' | 'PLAY_STORE'; at: number; purchasedAt: number; refund?: boolean; cancel?: boolean }) => {
    const event = superwallEvent({
      ...input,
      productId,
      appUserId: userId,
      bundleId: input.store === 'APP_STORE' ? BUNDLE_ID : PACKAGE_NAME,
      ...(input.refund ? { cancelReason: 'CUSTOMER_SUPPORT', price: -4.99 } : input.cancel ? { cancelReason: 'UNSUBSCRIBE' } : {}),
    });
    const { body, headers } = signSuperwallDelivery(deps.secrets.superwall, event);
    return () => deps.billing.superwallWebhook(body, headers);
  };
  const validate = (platform: 'ios' | 'android', receiptData: string) => () =>
    deps.billing.validate(userId, { platform, receiptData, productId }).catch((error: unknown) => {
      // A refunded purchase answers 422 PURCHASE_REVOKED: the answer, not a failure.
      if (!(error instanceof AppError && error.status < 500)) throw error;
    });

  if (spec.kind === 'apple_pack' || spec.kind === 'apple_sub') {
    const periods = [spec.kind === 'apple_sub' ? apple.subscribe(productId, periodStart(1), { purchaseDate: periodStart(0) }) : apple.buy(productId, { purchaseDate: periodStart(0) })];
    for (let period = 1; period < spec.periods; period++) {
      periods.push(apple.renew(periods[0]!.originalTransactionId, periodStart(period + 1), undefined, periodStart(period)));
    }
    // Signed when first delivered, from copies: the fake's own records never change, so every order signs the same facts.
    const signedTransaction = memo(() => apple.signTransaction(periods[0]!));
    const paidNotifications = periods.map((transaction, period) => memo(() => apple.signNotification(period === 0 ? 'SUBSCRIBED' : 'DID_RENEW', transaction)));
    const refundNotifications = periods.map((transaction, period) => memo(() => apple.signNotification('REFUND', { ...transaction, revocationDate: refundTime(period) })));
    const original = periods[0]!.originalTransactionId;
    const superwallType = (period: number) => (spec.kind === 'apple_pack' ? 'non_renewing_purchase' : period === 0 ? 'initial_purchase' : 'renewal');
    return {
      store: 'apple',
      transactionIds: periods.map((transaction) => transaction.transactionId),
      delivery(fact) {
        const transactionId = (period: number) => periods[period]!.transactionId;
        switch (fact.type) {
          case 'apple_validate':
            return () => validate('ios', signedTransaction())();
          case 'apple_notify':
            return () => deps.billing.appleNotification(paidNotifications[fact.period]!());
          case 'apple_refund':
            return () => deps.billing.appleNotification(refundNotifications[fact.period]!());
          case 'superwall_purchase':
            return superwall({ type: superwallType(fact.period), transactionId: transactionId(fact.period), originalTransactionId: original, store: 'APP_STORE', at: periodStart(fact.period), purchasedAt: periodStart(fact.period) });
          case 'superwall_refund':
            return superwall({ type: 'cancellation', refund: true, transactionId: transactionId(fact.period), originalTransactionId: original, store: 'APP_STORE', at: refundTime(fact.period), purchasedAt: periodStart(fact.period) });
          case 'superwall_cancel':
            return superwall({ type: 'cancellation', cancel: true, transactionId: transactionId(0), originalTransactionId: original, store: 'APP_STORE', at: refundTime(0), purchasedAt: periodStart(0) });
          default:
            throw new Error(`${fact.type} is not an App Store fact`);
        }
      },
    };
  }

  if (spec.kind === 'google_pack') {
    const token = google.buy(productId);
    const orderId = google.products.get(token)!.orderId;
    return {
      store: 'google',
      transactionIds: [orderId],
      delivery(fact) {
        switch (fact.type) {
          case 'google_validate':
            return validate('android', token);
          case 'google_voided': {
            const push = memo(() =>
              google.push(RTDN_AUDIENCE, {
                eventTimeMillis: String(refundTime(0)),
                voidedPurchaseNotification: { purchaseToken: token, orderId, productType: 2, refundType: fact.partial ? 2 : 1 },
              }),
            );
            return () => deps.billing.googleNotification(push().authorization, push().body);
          }
          case 'superwall_purchase':
            return superwall({ type: 'non_renewing_purchase', transactionId: orderId, originalTransactionId: token, store: 'PLAY_STORE', at: periodStart(0), purchasedAt: periodStart(0) });
          case 'superwall_refund':
            return superwall({ type: 'cancellation', refund: true, transactionId: orderId, originalTransactionId: token, store: 'PLAY_STORE', at: refundTime(0), purchasedAt: periodStart(0) });
          default:
            throw new Error(`${fact.type} is not a Google Play fact`);
        }
      },
    };
  }

  const session = checkoutSession(userId, productId);
  return {
    store: 'stripe',
    transactionIds: [session.payment_intent],
    delivery(fact) {
      let event: object;
      if (fact.type === 'stripe_paid') event = stripeEvent(fact.async ? 'checkout.session.async_payment_succeeded' : 'checkout.session.completed', session);
      else if (fact.type === 'stripe_refund') event = stripeEvent('charge.refunded', refundedCharge(session.payment_intent, !fact.partial));
      else if (fact.type === 'stripe_dispute') event = stripeEvent('charge.dispute.closed', closedDispute(session.payment_intent, fact.lost ? 'lost' : 'won'));
      else throw new Error(`${fact.type} is not a Stripe fact`);
      const { body, headers } = signStripeDelivery(deps.secrets.stripe, event);
      return () => deps.billing.stripeWebhook(body, headers['stripe-signature']);
    },
  };
}

/** Computes once, when first asked: a duplicate delivery carries the same bytes. */
function memo<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

async function readState(orm: MikroORM, userIds: string[], purchases: MaterializedPurchase[]): Promise<HistoryState> {
  const em = orm.em.fork();
  const users = await em.execute<{ id: string; credits: number; outstanding: number }[]>(
    `select u.id, u.credits, coalesce((select sum(outstanding) from clawbacks c where c.user_id = u.id), 0)::int as outstanding
       from users u where u.id in (?)`,
    [userIds],
  );
  const byId = new Map(users.map((row) => [row.id, row]));
  const transactions: HistoryState['transactions'] = [];
  for (const purchase of purchases) {
    for (const transactionId of purchase.transactionIds) {
      const reference = ledgerReference(purchase.store, transactionId);
      const [row] = await em.execute<{ user_id: string | null; revoked: boolean; net: number }[]>(
        `select t.user_id, t.revoked_at is not null as revoked,
                (select coalesce(sum(amount), 0)::int from credit_transactions
                  where reference = ? or left(reference, length(?) + 11) = ? || ':collected:') as net
           from store_transactions t where t.store = ? and t.transaction_id = ?`,
        [reference, reference, reference, purchase.store, transactionId],
      );
      const owner = row?.user_id ? userIds.indexOf(row.user_id) : null;
      transactions.push({ owner, revoked: row?.revoked ?? false, net: row?.net ?? 0 });
    }
  }
  return {
    balances: userIds.map((id) => byId.get(id)!.credits),
    transactions,
    outstanding: userIds.map((id) => byId.get(id)!.outstanding),
  };
}
