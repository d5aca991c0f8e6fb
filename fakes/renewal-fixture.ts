import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FakeStores } from './stores.js';

const HOUR = 3_600_000;
const CREDITS = 100;

export type RenewalOutcome = 'renewed' | 'expired' | 'grace_period' | 'billing_retry' | 'refunded' | 'canceled' | 'failing';
/** One in ten of each, except four in ten renew: the shape of a busy day. */
const MIX: RenewalOutcome[] = ['renewed', 'renewed', 'renewed', 'renewed', 'expired', 'expired', 'grace_period', 'billing_retry', 'refunded', 'failing'];

export interface SeededSubscription {
  userId: string;
  store: 'apple' | 'google';
  outcome: RenewalOutcome;
  expectedStatus: string;
  expectedCredits: number;
}

/**
 * `count` users, each with one active subscription (alternately App Store and Google Play) whose period just
 * ended and whose first period's 100 credits are in the ledger, all due for a re-check; the fake stores hold
 * what happened since (renewal, expiry, grace, billing retry, refund or cancellation, or a failing lookup).
 * Rows are written in bulk: seeding is not what is under test.
 */
export async function seedDueSubscriptions(
  orm: MikroORM,
  stores: FakeStores,
  count: number,
  options: { failing?: boolean } = {},
): Promise<SeededSubscription[]> {
  const ended = Date.now() - HOUR;
  const nextPeriod = Date.now() + 30 * 24 * HOUR;
  const seeded: (SeededSubscription & { reference: string; transactionId: string })[] = [];
  for (let index = 0; index < count; index++) {
    const store = index % 2 === 0 ? 'apple' : 'google';
    const mixed = MIX[Math.floor(index / 2) % MIX.length]!;
    const outcome = mixed === 'failing' && options.failing === false ? 'renewed' : mixed;
    const userId = randomUUID();
    if (store === 'apple') {
      const first = stores.apple.subscribe('pro_monthly', ended);
      const reference = first.originalTransactionId;
      seeded.push({ userId, store, outcome, reference, transactionId: first.transactionId, ...expectation(store, outcome) });
      if (outcome === 'renewed') stores.apple.renew(reference, nextPeriod);
      if (outcome === 'expired') stores.apple.setStatus(reference, 2, false);
      if (outcome === 'grace_period') stores.apple.setStatus(reference, 4);
      if (outcome === 'billing_retry') stores.apple.setStatus(reference, 3);
      if (outcome === 'refunded') stores.apple.refund(first.transactionId);
      if (outcome === 'failing') stores.apple.failing.add(reference);
    } else {
      const token = stores.google.subscribe('pro_monthly', ended, { acknowledged: true });
      const subscription = stores.google.subscriptions.get(token)!;
      seeded.push({ userId, store, outcome, reference: token, transactionId: stores.google.orderId(token), ...expectation(store, outcome) });
      if (outcome === 'renewed') stores.google.renew(token, nextPeriod);
      if (outcome === 'expired') subscription.state = 'SUBSCRIPTION_STATE_EXPIRED';
      if (outcome === 'grace_period') subscription.state = 'SUBSCRIPTION_STATE_IN_GRACE_PERIOD';
      if (outcome === 'billing_retry') subscription.state = 'SUBSCRIPTION_STATE_ON_HOLD';
      // Google reports a refund only by notification; in the sweep it stands for a cancellation that runs to period end.
      if (outcome === 'refunded') Object.assign(subscription, { state: 'SUBSCRIPTION_STATE_CANCELED', autoRenew: false, expiryTime: nextPeriod });
      if (outcome === 'failing') stores.google.failing.add(token);
    }
  }

  const rows = JSON.stringify(
    seeded.map((row) => ({ user_id: row.userId, store: row.store, reference: row.reference, transaction_id: row.transactionId })),
  );
  const em = orm.em.fork();
  await em.transactional(async (tx) => {
    const expires = new Date(ended);
    await tx.execute(
      `insert into users (id, email, password_hash, credits, subscription_status, subscription_expires_at)
       select user_id, 'renewal-' || user_id || '@example.test', 'x', ?, 'active', ?
         from jsonb_to_recordset(?::jsonb) as t(user_id uuid)`,
      [CREDITS, expires, rows],
    );
    await tx.execute(
      `insert into credit_transactions (id, user_id, amount, type, reference, metadata)
       select gen_random_uuid(), user_id, ?, 'subscription_grant', store || ':' || transaction_id, '{}'::jsonb
         from jsonb_to_recordset(?::jsonb) as t(user_id uuid, store text, transaction_id text)`,
      [CREDITS, rows],
    );
    await tx.execute(
      `insert into store_transactions (store, transaction_id, user_id, product_id, kind, original_reference, environment, credits)
       select store, transaction_id, user_id, 'pro_monthly', 'subscription', reference, 'production', ?
         from jsonb_to_recordset(?::jsonb) as t(user_id uuid, store text, reference text, transaction_id text)`,
      [CREDITS, rows],
    );
    await tx.execute(
      `insert into subscriptions (id, user_id, store, product_id, store_reference, latest_transaction_id, status, expires_at,
                                  environment, auto_renew, next_check_at, observed_at)
       select gen_random_uuid(), user_id, store, 'pro_monthly', reference, transaction_id, 'active', ?, 'production', true, ?, ?
         from jsonb_to_recordset(?::jsonb) as t(user_id uuid, store text, reference text, transaction_id text)`,
      [expires, expires, expires, rows],
    );
  });
  return seeded.map(({ userId, store, outcome, expectedStatus, expectedCredits }) => ({ userId, store, outcome, expectedStatus, expectedCredits }));
}

function expectation(store: 'apple' | 'google', outcome: RenewalOutcome): { expectedStatus: string; expectedCredits: number } {
  switch (outcome) {
    case 'renewed':
      return { expectedStatus: 'active', expectedCredits: 2 * CREDITS };
    case 'refunded':
      return store === 'apple' ? { expectedStatus: 'revoked', expectedCredits: 0 } : { expectedStatus: 'active', expectedCredits: CREDITS };
    case 'failing':
      return { expectedStatus: 'active', expectedCredits: CREDITS };
    default:
      return { expectedStatus: outcome, expectedCredits: CREDITS };
  }
}
