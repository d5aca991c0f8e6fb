import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { VerifiedPurchase } from '../domain/billing/purchase.js';

interface OwnerRow {
  user_id: string;
}

/**
 * The account that holds a purchase now: the owner of this transaction, of another transaction of the same
 * purchase (a subscription's renewals share their original reference), or of the subscription it replaced.
 * Locks what it finds, so a transfer and a claim of the same purchase take turns.
 */
export async function currentOwner(em: EntityManager, purchase: VerifiedPurchase): Promise<string | null> {
  const references = [purchase.originalReference, purchase.replacesReference].filter((reference) => reference !== null);
  const [transaction] = await em.execute<OwnerRow[]>(
    `select user_id from store_transactions where store = ? and (transaction_id = ? or original_reference = ?) and user_id is not null
      order by created_at limit 1 for update`,
    [purchase.store, purchase.transactionId, purchase.originalReference],
  );
  if (transaction) return transaction.user_id;
  const [subscription] = await em.execute<OwnerRow[]>(
    `select user_id from subscriptions where store = ? and store_reference in (?) order by created_at limit 1 for update`,
    [purchase.store, references],
  );
  return subscription?.user_id ?? null;
}

/**
 * Moves a purchase (all its transactions and its subscription) to another account and records the move. Credits
 * already granted stay where they were granted; later renewals and refunds concern the new owner.
 */
export async function transferPurchase(em: EntityManager, purchase: VerifiedPurchase, from: string, to: string): Promise<void> {
  const references = [purchase.originalReference, purchase.replacesReference].filter((reference) => reference !== null);
  await em.execute(`update store_transactions set user_id = ? where store = ? and original_reference in (?) and user_id = ?`, [
    to,
    purchase.store,
    references,
    from,
  ]);
  await em.execute(`update subscriptions set user_id = ?, updated_at = now() where store = ? and store_reference in (?) and user_id = ?`, [
    to,
    purchase.store,
    references,
    from,
  ]);
  await em.execute(
    `insert into purchase_transfers (id, store, original_reference, from_user_id, to_user_id) values (?, ?, ?, ?, ?)`,
    [randomUUID(), purchase.store, purchase.originalReference, from, to],
  );
}
