import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { collectionReference, planClawback, planCollection } from '../domain/billing/clawback.js';
import { InsufficientCreditsError } from '../domain/errors.js';
import type { CreditTransactionType } from '../domain/ledger.js';

/**
 * The credit ledger: every credit movement is one append-only entry, unique per (type, reference), and the
 * cached `users.credits` balance moves in the same transaction. Repeating a call with the same reference is
 * a no-op that reports the original outcome, which makes every caller (API retries, Temporal activity
 * retries, operator resets) safe to repeat.
 */
export interface LedgerOutcome {
  /** false when an entry with this (type, reference) already existed and nothing changed. */
  applied: boolean;
  /** The entry's amount (signed), new or pre-existing; 0 when nothing was ever recorded. */
  amount: number;
  balance: number;
  /** Credits this movement paid towards outstanding clawbacks (taken right after it, in the same transaction). */
  collected?: number;
}

export interface ClawbackOutcome extends LedgerOutcome {
  /** What the balance could not cover; collected from credits that come back later. */
  outstanding: number;
}

type GrantType = Extract<CreditTransactionType, 'signup_bonus' | 'purchase' | 'subscription_grant' | 'adjustment'>;

interface EntryRow {
  amount: number;
}

interface ClawbackRow {
  reference: string;
  outstanding: number;
}

export class Ledger {
  constructor(private readonly em: EntityManager) {}

  /** Adds credits; outstanding clawbacks are paid from them first. */
  async grant(userId: string, amount: number, type: GrantType, reference: string, metadata: object = {}): Promise<LedgerOutcome> {
    assertPositiveInteger(amount);
    return await this.em.transactional(async (em) => {
      const outcome = await this.appendIn(em, userId, amount, type, reference, metadata);
      return outcome.applied ? this.collect(em, userId, outcome, { type, reference }) : outcome;
    });
  }

  /**
   * Takes credits for a job attempt (`reference`: see attemptReference); throws InsufficientCreditsError (and
   * records nothing) when the balance is short.
   */
  async reserve(userId: string, amount: number, reference: string): Promise<LedgerOutcome> {
    assertPositiveInteger(amount);
    return await this.append(userId, -amount, 'job_reserve', reference, {});
  }

  /**
   * Gives back exactly what the job attempt's reservation (`reference`) took, once; a no-op when nothing was
   * reserved. Outstanding clawbacks are paid from it first (credits a store refunded while they were reserved do
   * not return).
   */
  refund(userId: string, reference: string): Promise<LedgerOutcome> {
    return this.em.transactional(async (em) => {
      const inserted = await em.execute<EntryRow[]>(
        `insert into credit_transactions (id, user_id, amount, type, reference, metadata)
         select ?, user_id, -amount, 'job_refund', reference, '{}'::jsonb
           from credit_transactions where type = 'job_reserve' and reference = ? and user_id = ?
         on conflict (type, reference) do nothing
         returning amount`,
        [randomUUID(), reference, userId],
      );
      const entry = inserted[0];
      if (entry) {
        const refunded = { applied: true, amount: entry.amount, balance: await moveBalance(em, userId, entry.amount) };
        return this.collect(em, userId, refunded, { type: 'job_refund', reference });
      }
      const previous = await findEntry(em, 'job_refund', reference);
      return { applied: false, amount: previous?.amount ?? 0, balance: await readBalance(em, userId) };
    });
  }

  /**
   * Takes back `amount` credits (store refunds, revocations), once per reference, without letting the balance go
   * negative: what the balance covers is taken now, the rest stays outstanding and is collected from credits
   * that come back later (job refunds, grants). Credits already spent on finished jobs stay spent.
   */
  async claw(userId: string, amount: number, reference: string, metadata: object = {}): Promise<ClawbackOutcome> {
    assertPositiveInteger(amount);
    return await this.em.transactional(async (em) => {
      const balance = await readBalance(em, userId, { forUpdate: true });
      const { take, outstanding } = planClawback(balance, amount);
      const recorded = await em.execute<ClawbackRow[]>(
        `insert into clawbacks (reference, user_id, requested, outstanding, settled_at)
         values (?, ?, ?, ?, case when ? = 0 then now() end)
         on conflict (reference) do nothing returning reference`,
        [reference, userId, amount, outstanding, outstanding],
      );
      if (recorded.length === 0) {
        const [previous] = await em.execute<ClawbackRow[]>(`select reference, outstanding from clawbacks where reference = ?`, [reference]);
        const entry = await findEntry(em, 'revocation', reference);
        return { applied: false, amount: entry?.amount ?? 0, balance, outstanding: previous?.outstanding ?? 0 };
      }
      if (take === 0) return { applied: true, amount: 0, balance, outstanding };
      const taken = await this.appendIn(em, userId, -take, 'revocation', reference, { ...metadata, requested: amount });
      return { ...taken, outstanding };
    });
  }

  /** Credits owed to clawbacks the balance could not cover at the time. */
  async outstanding(userId: string): Promise<number> {
    const [row] = await this.em.execute<{ owed: number }[]>(
      `select coalesce(sum(outstanding), 0)::int as owed from clawbacks where user_id = ? and outstanding > 0`,
      [userId],
    );
    return row?.owed ?? 0;
  }

  balance(userId: string): Promise<number> {
    return readBalance(this.em, userId);
  }

  private append(userId: string, amount: number, type: CreditTransactionType, reference: string, metadata: object) {
    return this.em.transactional((em) => this.appendIn(em, userId, amount, type, reference, metadata));
  }

  /**
   * Pays outstanding clawbacks (oldest first) from credits that just came back, inside their transaction. Each
   * payment is a revocation entry referenced by (clawback, credit), so it happens exactly once with the credit.
   */
  private async collect(
    em: EntityManager,
    userId: string,
    credited: LedgerOutcome,
    credit: { type: CreditTransactionType; reference: string },
  ): Promise<LedgerOutcome> {
    // The user row is already locked by the credit; clawbacks are locked after it, in the same order as claw().
    const owed = await em.execute<ClawbackRow[]>(
      `select reference, outstanding from clawbacks where user_id = ? and outstanding > 0 order by created_at, reference for update`,
      [userId],
    );
    let { balance } = credited;
    let collected = 0;
    for (const { reference, take } of planCollection(credited.amount, owed)) {
      await em.execute(
        `update clawbacks set outstanding = outstanding - ?, settled_at = case when outstanding = ? then now() end where reference = ?`,
        [take, take, reference],
      );
      const entry = await this.appendIn(em, userId, -take, 'revocation', collectionReference(reference, credit), { clawback: reference });
      balance = entry.balance;
      collected += take;
    }
    return { ...credited, balance, collected };
  }

  private async appendIn(
    em: EntityManager,
    userId: string,
    amount: number,
    type: CreditTransactionType,
    reference: string,
    metadata: object,
  ): Promise<LedgerOutcome> {
    // The unique (type, reference) key decides "exactly once": a concurrent duplicate waits on the index and
    // then inserts nothing.
    const inserted = await em.execute<EntryRow[]>(
      `insert into credit_transactions (id, user_id, amount, type, reference, metadata)
       values (?, ?, ?, ?, ?, ?::jsonb)
       on conflict (type, reference) do nothing
       returning amount`,
      [randomUUID(), userId, amount, type, reference, JSON.stringify(metadata)],
    );
    if (inserted.length === 0) {
      const previous = await findEntry(em, type, reference);
      return { applied: false, amount: previous?.amount ?? 0, balance: await readBalance(em, userId) };
    }
    // The row lock serialises concurrent movements; the guard re-checks the balance after the lock wait.
    const [updated] = await em.execute<{ credits: number }[]>(
      `update users set credits = credits + ?, updated_at = now() where id = ? and credits + ? >= 0 returning credits`,
      [amount, userId, amount],
    );
    if (!updated) throw new InsufficientCreditsError(-amount, await readBalance(em, userId));
    return { applied: true, amount, balance: updated.credits };
  }
}

async function moveBalance(em: EntityManager, userId: string, amount: number): Promise<number> {
  const [row] = await em.execute<{ credits: number }[]>(
    `update users set credits = credits + ?, updated_at = now() where id = ? returning credits`,
    [amount, userId],
  );
  if (!row) throw new Error(`ledger: user ${userId} does not exist`);
  return row.credits;
}

async function readBalance(em: EntityManager, userId: string, options: { forUpdate?: boolean } = {}): Promise<number> {
  const [row] = await em.execute<{ credits: number }[]>(
    // `no key update`: serializes balance movers without waiting on the key-share locks that inserts referencing the
    // user (store transactions, subscriptions, clawbacks) hold; `for update` would deadlock two of them.
    `select credits from users where id = ?${options.forUpdate ? ' for no key update' : ''}`,
    [userId],
  );
  if (!row) throw new Error(`ledger: user ${userId} does not exist`);
  return row.credits;
}

async function findEntry(em: EntityManager, type: CreditTransactionType, reference: string): Promise<EntryRow | undefined> {
  const [row] = await em.execute<EntryRow[]>(
    `select amount from credit_transactions where type = ? and reference = ?`,
    [type, reference],
  );
  return row;
}

function assertPositiveInteger(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`ledger: amount must be a positive integer, got ${amount}`);
}
