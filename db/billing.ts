import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decideCredits } from '../domain/billing/entitlement.js';
import { ignored, type DeliveryResult } from '../domain/billing/delivery.js';
import { revokedAt, type RevocationFact } from '../domain/billing/facts.js';
import { decideClaim, type OwnershipPolicy, type PurchaseEvidence } from '../domain/billing/ownership.js';
import { ledgerReference, type Store, type StoreSubscriptionStatus, type VerifiedPurchase } from '../domain/billing/purchase.js';
import { nextCheckAt, summarizeSubscriptions, type RecheckTiming, type UserSubscriptionStatus } from '../domain/billing/status.js';
import { AppError, ErrorCode } from '../domain/errors.js';
import { Ledger } from './ledger.js';
import { currentOwner, transferPurchase } from './purchase-ownership.js';

/** What applying a store purchase did, and where the user's subscription stands afterwards. */
export interface Entitlement {
  userId: string;
  /** Credits this transaction earned (also on a replay, where nothing new is added); 0 if it earned none. */
  creditsAdded: number;
  /** Whether those credits were added just now (false on a replay). */
  newlyGranted: boolean;
  /** Credits a refund or revocation took back just now (what the balance covered; the rest is owed). */
  creditsClawed: number;
  /** Whether the transaction stands revoked (now or by an earlier report): it earns nothing. */
  revoked: boolean;
  /** Whether this call found it revoked for the first time (also when it revoked another period of the subscription). */
  newlyRevoked: boolean;
  subscriptionStatus: UserSubscriptionStatus;
  expiresAt: Date | null;
  /** The store subscription this purchase belongs to, as stored after the update. */
  subscription: { id: string; status: StoreSubscriptionStatus; expiresAt: Date } | null;
}

export interface DueSubscription {
  id: string;
  store: Store;
  storeReference: string;
  environment: VerifiedPurchase['environment'];
  productId: string;
  nextCheckAt: Date;
}

export interface SweepCursor {
  nextCheckAt: string;
  id: string;
}

// Far enough that the sweep never looks again (a replaced Google purchase token is dead for good).
const NEVER = new Date('9999-12-31T00:00:00Z');

/**
 * The billing tables: which account owns which store transaction and subscription, the revocations reported for
 * them, and the credits they earned, moved through the ledger in the same database transaction as the bookkeeping.
 *
 * Every change to one store transaction takes its lock first (then its purchase's), records its fact, then derives
 * the transaction's state from all the facts recorded so far (`settle`): the same facts give the same state,
 * whatever order they came in and however many deliveries raced.
 */
export class BillingRecords {
  constructor(
    private readonly em: EntityManager,
    private readonly timing: RecheckTiming,
  ) {}

  /**
   * The caller presents a verified purchase: binds it to them, or refuses with 409 (PURCHASE_ACCOUNT_MISMATCH
   * when the store says it was made for another account, TRANSACTION_CLAIMED when another account holds it and
   * may keep it), or moves it to them under the transfer policy; then grants its credits once, unless a
   * revocation of it was reported (before or after).
   */
  claim(
    userId: string,
    purchase: VerifiedPurchase,
    credits: number,
    how: { evidence: PurchaseEvidence; policy: OwnershipPolicy },
    reportedBy: FactSource = VALIDATE,
  ): Promise<Entitlement> {
    return this.em.transactional(async (em) => {
      await lockPurchase(em, purchase.store, purchase.transactionId, purchase.originalReference);
      const owner = await currentOwner(em, purchase);
      const decision = decideClaim({ caller: userId, accountToken: purchase.accountToken, owner, ...how });
      if (decision.action === 'refuse') throw refused(decision.code);
      if (decision.action === 'transfer') {
        await transferPurchase(em, purchase, decision.from, userId);
        await refreshUser(em, decision.from);
      }
      return this.apply(em, userId, purchase, credits, reportedBy);
    });
  }

  /**
   * The store's news about a purchase (notification, sweep, provider event) for whichever account owns it. Without
   * an owner the facts are kept for when the purchase is presented (a refund then wins, a payment then grants);
   * null then.
   */
  update(purchase: VerifiedPurchase, credits: number, reportedBy: FactSource): Promise<Entitlement | null> {
    return this.em.transactional(async (em) => {
      await lockPurchase(em, purchase.store, purchase.transactionId, purchase.originalReference);
      const owner = await currentOwner(em, purchase);
      if (owner) return this.apply(em, owner, purchase, credits, reportedBy);
      await recordGrantFact(em, null, purchase, credits);
      if (purchase.revokedAt) await recordRevocation(em, revocationOf(purchase, reportedBy));
      return null;
    });
  }

  /**
   * A refund or revocation reported by transaction id (Google voided purchases, Stripe refunds and disputes,
   * Superwall refunds). Kept whether or not anyone presented the transaction yet; a partial refund is kept for an
   * operator and moves nothing.
   */
  revoke(fact: RevocationFact): Promise<DeliveryResult> {
    return this.em.transactional(async (em) => {
      const originalReference = fact.originalReference ?? (await originalReferenceOf(em, fact.store, fact.transactionId));
      await lockPurchase(em, fact.store, fact.transactionId, originalReference);
      await recordRevocation(em, fact);
      const settled = await settlePurchase(em, fact.store, fact.transactionId, originalReference);
      for (const owner of settled.owners) await refreshUser(em, owner);
      const about = { store: fact.store, transactionId: fact.transactionId };
      if (fact.partial) return ignored(`${fact.reason}: recorded for an operator`, about);
      if (settled.owners.length === 0) return { outcome: 'recorded_for_later', reason: `${fact.reason} of a purchase nobody presented yet`, ...about };
      return settled.newlyRevoked ? { outcome: 'revoked', ...about } : ignored('already revoked', about);
    });
  }

  /** One page of subscriptions due for a re-check at `dueBefore`, in (next_check_at, id) order after `after`. */
  async dueSubscriptions(dueBefore: Date, after: SweepCursor | null, limit: number): Promise<DueSubscription[]> {
    const rows = await this.em.execute<
      { id: string; store: Store; store_reference: string; environment: DueSubscription['environment']; product_id: string; next_check_at: Date }[]
    >(
      `select id, store, store_reference, environment, product_id, next_check_at from subscriptions
        where status <> 'revoked' and next_check_at <= ?
          ${after ? 'and (next_check_at, id) > (?, ?)' : ''}
        order by next_check_at, id limit ?`,
      after ? [dueBefore, new Date(after.nextCheckAt), after.id, limit] : [dueBefore, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      store: row.store,
      storeReference: row.store_reference,
      environment: row.environment,
      productId: row.product_id,
      nextCheckAt: new Date(row.next_check_at),
    }));
  }

  /** Records a completed check and when the next is due. */
  async checked(subscriptionId: string, nextCheck: Date): Promise<void> {
    await this.em.execute(`update subscriptions set last_checked_at = now(), next_check_at = ? where id = ?`, [nextCheck, subscriptionId]);
  }

  private async apply(em: EntityManager, userId: string, purchase: VerifiedPurchase, credits: number, reportedBy: FactSource): Promise<Entitlement> {
    await recordGrantFact(em, userId, purchase, credits);
    if (purchase.revokedAt) await recordRevocation(em, revocationOf(purchase, reportedBy));
    const subscription = purchase.subscription ? await this.upsertSubscription(em, userId, purchase) : null;
    const settled = await settlePurchase(em, purchase.store, purchase.transactionId, purchase.originalReference);
    for (const owner of settled.owners) if (owner !== userId) await refreshUser(em, owner);
    const summary = await refreshUser(em, userId);
    return {
      userId,
      creditsAdded: settled.granted,
      newlyGranted: settled.newlyGranted,
      creditsClawed: settled.clawed,
      revoked: settled.revoked,
      newlyRevoked: settled.newlyRevoked,
      subscriptionStatus: summary.status,
      expiresAt: summary.expiresAt,
      subscription,
    };
  }

  private async upsertSubscription(em: EntityManager, userId: string, purchase: VerifiedPurchase): Promise<Entitlement['subscription']> {
    const state = purchase.subscription!;
    // Only the owner's row is updated, and only with a newer view than the one stored.
    await em.execute(
      `insert into subscriptions (id, user_id, store, product_id, store_reference, latest_transaction_id, status, expires_at,
                                  environment, auto_renew, last_checked_at, next_check_at, observed_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)
       on conflict (store, store_reference) do update set
         product_id = excluded.product_id, latest_transaction_id = excluded.latest_transaction_id, status = excluded.status,
         expires_at = excluded.expires_at, auto_renew = excluded.auto_renew, last_checked_at = now(),
         next_check_at = excluded.next_check_at, observed_at = excluded.observed_at, updated_at = now()
       where subscriptions.user_id = excluded.user_id and subscriptions.observed_at <= excluded.observed_at`,
      [
        randomUUID(),
        userId,
        purchase.store,
        purchase.productId,
        purchase.originalReference,
        purchase.transactionId,
        state.status,
        state.expiresAt,
        purchase.environment,
        state.autoRenew,
        nextCheckAt(state, new Date(), this.timing),
        purchase.observedAt,
      ],
    );
    const [row] = await em.execute<{ id: string; user_id: string; status: StoreSubscriptionStatus; expires_at: Date }[]>(
      `select id, user_id, status, expires_at from subscriptions where store = ? and store_reference = ?`,
      [purchase.store, purchase.originalReference],
    );
    if (!row || row.user_id !== userId) throw refused(ErrorCode.TRANSACTION_CLAIMED);
    if (purchase.replacesReference) {
      // Upgrade, downgrade or resubscription on Google: the old purchase token is superseded by this one.
      await em.execute(
        `update subscriptions set status = 'expired', next_check_at = ?, updated_at = now()
          where store = ? and store_reference = ? and user_id = ? and status <> 'revoked'`,
        [NEVER, purchase.store, purchase.replacesReference, userId],
      );
    }
    return { id: row.id, status: row.status, expiresAt: new Date(row.expires_at) };
  }
}

/** Who reported a fact, under which id: a delivery, the app's validate call, or the renewal sweep. */
export interface FactSource {
  source: RevocationFact['source'];
  eventId: string;
}
const VALIDATE: FactSource = { source: 'validate', eventId: 'validate' };

/**
 * Serializes everything that concerns one store transaction (and, for subscriptions, the purchase it renews), even
 * before any row exists for it: deliveries of the same event at once, or a refund racing its purchase, take turns.
 * Always the transaction first, then the purchase, so two locks never wait on each other in a circle.
 */
async function lockPurchase(em: EntityManager, store: Store, transactionId: string, originalReference: string | null): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`store-transaction:${store}:${transactionId}`]);
  // Also when the purchase's reference is this transaction's id (a first period): its renewals' facts take this lock.
  if (originalReference) {
    await em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`store-purchase:${store}:${originalReference}`]);
  }
}

/**
 * Records what one view of the transaction says (its store time, what it is worth, whether it was paid) and binds
 * it to `userId` (first account wins), with any facts of the same purchase kept while nobody held it. Every column
 * merges commutatively (earliest time, greatest worth, paid once seen), so the row is the same in any order.
 */
async function recordGrantFact(em: EntityManager, userId: string | null, purchase: VerifiedPurchase, credits: number): Promise<void> {
  const paid = decideCredits(purchase, credits).action === 'grant';
  await em.execute(
    `insert into store_transactions (store, transaction_id, user_id, product_id, kind, original_reference, environment, observed_at, worth, entitled)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (store, transaction_id) do update set
       user_id = coalesce(store_transactions.user_id, excluded.user_id),
       observed_at = least(store_transactions.observed_at, excluded.observed_at),
       worth = greatest(store_transactions.worth, excluded.worth),
       entitled = store_transactions.entitled or excluded.entitled`,
    [
      purchase.store,
      purchase.transactionId,
      userId,
      purchase.productId,
      purchase.kind,
      purchase.originalReference,
      purchase.environment,
      purchase.purchasedAt,
      Math.max(credits, 0),
      paid,
    ],
  );
  if (userId === null) return;
  const [row] = await em.execute<{ user_id: string | null }[]>(`select user_id from store_transactions where store = ? and transaction_id = ? for update`, [
    purchase.store,
    purchase.transactionId,
  ]);
  if (row?.user_id !== userId) throw refused(ErrorCode.TRANSACTION_CLAIMED);
  await em.execute(`update store_transactions set user_id = ? where store = ? and original_reference = ? and user_id is null`, [
    userId,
    purchase.store,
    purchase.originalReference,
  ]);
}

function revocationOf(purchase: VerifiedPurchase, reportedBy: FactSource): RevocationFact {
  return {
    store: purchase.store,
    transactionId: purchase.transactionId,
    originalReference: purchase.originalReference,
    ...reportedBy,
    partial: false,
    reason: 'the store reports it refunded or revoked',
    revokedAt: purchase.revokedAt!,
  };
}

async function recordRevocation(em: EntityManager, fact: RevocationFact): Promise<void> {
  await em.execute(
    `insert into purchase_revocations (store, transaction_id, source, event_id, original_reference, partial, reason, revoked_at)
     values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    [fact.store, fact.transactionId, fact.source, fact.eventId, fact.originalReference, fact.partial, fact.reason, fact.revokedAt],
  );
}

async function originalReferenceOf(em: EntityManager, store: Store, transactionId: string): Promise<string | null> {
  const [row] = await em.execute<{ original_reference: string }[]>(
    `select original_reference from store_transactions where store = ? and transaction_id = ?`,
    [store, transactionId],
  );
  return row?.original_reference ?? null;
}

interface Settled {
  /** Credits the transaction earned (also when granted before); 0 if none. */
  granted: number;
  newlyGranted: boolean;
  /** Credits taken back just now, over every transaction settled. */
  clawed: number;
  revoked: boolean;
  /** Whether this settlement found the transaction revoked for the first time. */
  newlyRevoked: boolean;
  /** Accounts whose credits or subscriptions the settlement touched. */
  owners: string[];
}

/**
 * Derives the state of a transaction, and of the other transactions of its purchase, from every fact recorded for
 * them, under their locks: revoked (and its credits taken back, once) when a revocation applies, else granted once
 * to its account when a view said it was paid. The other transactions are settled too: a binding may have given
 * them an account, and a subscription's revocation reaches the periods that began after it.
 */
async function settlePurchase(em: EntityManager, store: Store, transactionId: string, originalReference: string | null): Promise<Settled> {
  const settled = await settleTransaction(em, store, transactionId);
  if (!originalReference) return settled;
  const others = await em.execute<{ transaction_id: string }[]>(
    `select transaction_id from store_transactions where store = ? and original_reference = ? and transaction_id <> ? order by transaction_id`,
    [store, originalReference, transactionId],
  );
  for (const other of others) {
    const more = await settleTransaction(em, store, other.transaction_id);
    settled.clawed += more.clawed;
    settled.newlyGranted ||= more.newlyGranted;
    settled.newlyRevoked ||= more.newlyRevoked;
    settled.owners = [...new Set([...settled.owners, ...more.owners])];
  }
  return settled;
}

interface TransactionRow {
  user_id: string | null;
  product_id: string;
  kind: 'consumable' | 'subscription';
  original_reference: string;
  observed_at: Date;
  revoked_at: Date | null;
  worth: number;
  entitled: boolean;
}

async function settleTransaction(em: EntityManager, store: Store, transactionId: string): Promise<Settled> {
  const [row] = await em.execute<TransactionRow[]>(
    `select user_id, product_id, kind, original_reference, observed_at, revoked_at, worth, entitled
       from store_transactions where store = ? and transaction_id = ? for update`,
    [store, transactionId],
  );
  const unchanged = { granted: 0, newlyGranted: false, clawed: 0, revoked: false, newlyRevoked: false, owners: [] };
  // Nobody presented the purchase yet: its facts wait, and settle when it is bound.
  if (!row || row.user_id === null) return unchanged;
  const revocations = await em.execute<{ transaction_id: string; revoked_at: Date }[]>(
    `select transaction_id, revoked_at from purchase_revocations
      where store = ? and not partial and (transaction_id = ? or original_reference = ?)`,
    [store, transactionId, row.original_reference],
  );
  const at = revokedAt({
    kind: row.kind,
    observedAt: new Date(row.observed_at),
    ownRevocations: revocations.filter((fact) => fact.transaction_id === transactionId).map((fact) => new Date(fact.revoked_at)),
    subscriptionRevocations: revocations.filter((fact) => fact.transaction_id !== transactionId).map((fact) => new Date(fact.revoked_at)),
  });
  const reference = ledgerReference(store, transactionId);
  const grantedTo = await grantee(em, reference);
  if (at) {
    if (row.revoked_at === null || new Date(row.revoked_at).getTime() !== at.getTime()) {
      await em.execute(`update store_transactions set revoked_at = ? where store = ? and transaction_id = ?`, [at, store, transactionId]);
      await em.execute(`update subscriptions set status = 'revoked', updated_at = now() where store = ? and latest_transaction_id = ?`, [
        store,
        transactionId,
      ]);
    }
    const clawed = grantedTo ? await claw(em, grantedTo.userId, grantedTo.amount, reference, transactionId) : 0;
    const owners = [...new Set([row.user_id, ...(grantedTo ? [grantedTo.userId] : [])])];
    return { granted: 0, newlyGranted: false, clawed, revoked: true, newlyRevoked: row.revoked_at === null, owners };
  }
  // Granted once, to the account that held it then: a transferred purchase's credits stay where they were granted.
  if (grantedTo || !row.entitled || row.worth <= 0) {
    const granted = grantedTo?.userId === row.user_id ? grantedTo.amount : 0;
    return { ...unchanged, granted, owners: [row.user_id] };
  }
  const type = row.kind === 'consumable' ? 'purchase' : 'subscription_grant';
  const outcome = await new Ledger(em).grant(row.user_id, row.worth, type, reference, { productId: row.product_id });
  await em.execute(`update store_transactions set credits = ? where store = ? and transaction_id = ?`, [outcome.amount, store, transactionId]);
  return { ...unchanged, granted: outcome.amount, newlyGranted: outcome.applied, owners: [row.user_id] };
}

/**
 * Takes back what the transaction earned from the account it was granted to, once. What the balance cannot cover
 * now (credits reserved by running jobs) stays owed and is collected from credits that come back later; credits
 * already spent on finished jobs stay spent.
 */
async function claw(em: EntityManager, userId: string, amount: number, reference: string, transactionId: string): Promise<number> {
  const outcome = await new Ledger(em).claw(userId, amount, reference, { transactionId });
  return outcome.applied ? -outcome.amount : 0;
}

/** The account a store transaction's credits were granted to, and how many, if they were. */
async function grantee(em: EntityManager, reference: string): Promise<{ userId: string; amount: number } | null> {
  const [row] = await em.execute<{ user_id: string; amount: number }[]>(
    `select user_id, amount from credit_transactions where type in ('purchase', 'subscription_grant') and reference = ?`,
    [reference],
  );
  return row ? { userId: row.user_id, amount: row.amount } : null;
}

async function refreshUser(em: EntityManager, userId: string): Promise<{ status: UserSubscriptionStatus; expiresAt: Date | null }> {
  const rows = await em.execute<{ status: StoreSubscriptionStatus; expires_at: Date }[]>(
    `select status, expires_at from subscriptions where user_id = ?`,
    [userId],
  );
  const summary = summarizeSubscriptions(rows.map((row) => ({ status: row.status, expiresAt: new Date(row.expires_at) })));
  await em.execute(`update users set subscription_status = ?, subscription_expires_at = ?, updated_at = now() where id = ?`, [
    summary.status,
    summary.expiresAt,
    userId,
  ]);
  return summary;
}

function refused(code: typeof ErrorCode.PURCHASE_ACCOUNT_MISMATCH | typeof ErrorCode.TRANSACTION_CLAIMED): AppError {
  return code === ErrorCode.PURCHASE_ACCOUNT_MISMATCH
    ? new AppError(409, code, 'This purchase was made for another account.')
    : new AppError(409, code, 'This purchase belongs to another account.');
}
