import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decideCredits } from '../domain/billing/entitlement.js';
import { decideClaim, type OwnershipPolicy, type PurchaseEvidence } from '../domain/billing/ownership.js';
import { ledgerReference, type Store, type StoreSubscriptionStatus, type VerifiedPurchase } from '../domain/billing/purchase.js';
import { nextCheckAt, summarizeSubscriptions, type RecheckTiming, type UserSubscriptionStatus } from '../domain/billing/status.js';
import { AppError, ErrorCode } from '../domain/errors.js';
import { Ledger } from './ledger.js';
import { currentOwner, transactionOwner, transferPurchase } from './purchase-ownership.js';

/** What applying a store purchase did, and where the user's subscription stands afterwards. */
export interface Entitlement {
  userId: string;
  /** Credits this transaction earned (also on a replay, where nothing new is added); 0 if it earned none. */
  creditsAdded: number;
  /** Whether those credits were added just now (false on a replay). */
  newlyGranted: boolean;
  /** Credits a refund or revocation took back just now (what the balance covered; the rest is owed). */
  creditsClawed: number;
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
 * The billing tables: which account owns which store transaction and subscription, and the credits they
 * earned, moved through the ledger in the same database transaction as the bookkeeping.
 */
export class BillingRecords {
  constructor(
    private readonly em: EntityManager,
    private readonly timing: RecheckTiming,
  ) {}

  /**
   * The caller presents a verified purchase: binds it to them, or refuses with 409 (PURCHASE_ACCOUNT_MISMATCH
   * when the store says it was made for another account, TRANSACTION_CLAIMED when another account holds it and
   * may keep it), or moves it to them under the transfer policy; then grants its credits once.
   */
  claim(userId: string, purchase: VerifiedPurchase, credits: number, how: { evidence: PurchaseEvidence; policy: OwnershipPolicy }): Promise<Entitlement> {
    return this.em.transactional(async (em) => {
      const owner = await currentOwner(em, purchase);
      const decision = decideClaim({ caller: userId, accountToken: purchase.accountToken, owner, ...how });
      if (decision.action === 'refuse') throw refused(decision.code);
      if (decision.action === 'transfer') {
        await transferPurchase(em, purchase, decision.from, userId);
        await refreshUser(em, decision.from);
      }
      return this.apply(em, userId, purchase, credits);
    });
  }

  /** The store's news about a purchase (notification, sweep) for whichever account owns it; null if none does. */
  update(purchase: VerifiedPurchase, credits: number): Promise<Entitlement | null> {
    return this.em.transactional(async (em) => {
      const owner = await currentOwner(em, purchase);
      return owner ? this.apply(em, owner, purchase, credits) : null;
    });
  }

  /** A refund the store reported by transaction id alone (Google voided purchases). */
  revokeTransaction(store: Store, transactionId: string): Promise<number> {
    return this.em.transactional(async (em) => {
      const owner = await transactionOwner(em, store, transactionId);
      const clawed = await revoke(em, store, transactionId);
      if (owner) {
        await em.execute(
          `update subscriptions s set status = 'revoked', updated_at = now()
             from store_transactions t
            where t.store = ? and t.transaction_id = ? and s.store = t.store and s.store_reference = t.original_reference
              and s.latest_transaction_id = t.transaction_id`,
          [store, transactionId],
        );
        await refreshUser(em, owner);
      }
      return clawed;
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

  async notificationSeen(store: Store, notificationId: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from store_notifications where store = ? and notification_id = ?`, [store, notificationId]);
    return rows.length > 0;
  }

  async notificationDone(store: Store, notificationId: string, type: string): Promise<void> {
    await this.em.execute(
      `insert into store_notifications (store, notification_id, notification_type) values (?, ?, ?) on conflict do nothing`,
      [store, notificationId, type],
    );
  }

  private async apply(em: EntityManager, userId: string, purchase: VerifiedPurchase, credits: number): Promise<Entitlement> {
    const revokedBefore = await bindTransaction(em, userId, purchase);
    const subscription = purchase.subscription ? await this.upsertSubscription(em, userId, purchase) : null;

    let creditsAdded = 0;
    let newlyGranted = false;
    let creditsClawed = 0;
    const decision = decideCredits(purchase, credits, { revokedBefore });
    if (decision.action === 'claw') {
      creditsClawed = await revoke(em, purchase.store, purchase.transactionId);
    } else if (decision.action === 'grant') {
      const reference = ledgerReference(purchase.store, purchase.transactionId);
      const grantedTo = await grantee(em, reference);
      // A transferred purchase's credits stay with the account they were granted to.
      if (grantedTo === null || grantedTo === userId) {
        const outcome = await new Ledger(em).grant(userId, decision.amount, decision.type, reference, { productId: purchase.productId });
        creditsAdded = outcome.amount;
        newlyGranted = outcome.applied;
        await em.execute(`update store_transactions set credits = ? where store = ? and transaction_id = ?`, [
          outcome.amount,
          purchase.store,
          purchase.transactionId,
        ]);
      }
    }
    const summary = await refreshUser(em, userId);
    return { userId, creditsAdded, newlyGranted, creditsClawed, subscriptionStatus: summary.status, expiresAt: summary.expiresAt, subscription };
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

/** Binds the transaction to the user (first account wins); returns whether it was already revoked. */
async function bindTransaction(em: EntityManager, userId: string, purchase: VerifiedPurchase): Promise<boolean> {
  await em.execute(
    `insert into store_transactions (store, transaction_id, user_id, product_id, kind, original_reference, environment)
     values (?, ?, ?, ?, ?, ?, ?) on conflict (store, transaction_id) do nothing`,
    [purchase.store, purchase.transactionId, userId, purchase.productId, purchase.kind, purchase.originalReference, purchase.environment],
  );
  const [row] = await em.execute<{ user_id: string; revoked_at: Date | null }[]>(
    `select user_id, revoked_at from store_transactions where store = ? and transaction_id = ? for update`,
    [purchase.store, purchase.transactionId],
  );
  if (row?.user_id !== userId) throw refused(ErrorCode.TRANSACTION_CLAIMED);
  return row.revoked_at !== null;
}

/**
 * Marks the transaction revoked and takes back what it earned from the account it was granted to, once. What
 * the balance cannot cover now (credits reserved by running jobs) stays owed and is collected from credits
 * that come back later; credits already spent on finished jobs stay spent.
 */
async function revoke(em: EntityManager, store: Store, transactionId: string): Promise<number> {
  const marked = await em.execute<{ transaction_id: string }[]>(
    `update store_transactions set revoked_at = now() where store = ? and transaction_id = ? and revoked_at is null
     returning transaction_id`,
    [store, transactionId],
  );
  if (marked.length === 0) return 0;
  const reference = ledgerReference(store, transactionId);
  const [grant] = await em.execute<{ user_id: string; amount: number }[]>(
    `select user_id, amount from credit_transactions where type in ('purchase', 'subscription_grant') and reference = ?`,
    [reference],
  );
  if (!grant) return 0;
  const outcome = await new Ledger(em).claw(grant.user_id, grant.amount, reference, { transactionId });
  return -outcome.amount;
}

/** The account a store transaction's credits were granted to, if they were. */
async function grantee(em: EntityManager, reference: string): Promise<string | null> {
  const [row] = await em.execute<{ user_id: string }[]>(
    `select user_id from credit_transactions where type in ('purchase', 'subscription_grant') and reference = ?`,
    [reference],
  );
  return row?.user_id ?? null;
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
