import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { InsufficientCreditsError } from '../domain/errors.js';
import type { CreditTransactionType } from './entities/credit-transaction.js';

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
}

type GrantType = Extract<CreditTransactionType, 'signup_bonus' | 'purchase' | 'subscription_grant' | 'adjustment'>;

interface EntryRow {
  amount: number;
}

export class Ledger {
  constructor(private readonly em: EntityManager) {}

  /** Adds credits. */
  async grant(userId: string, amount: number, type: GrantType, reference: string, metadata: object = {}): Promise<LedgerOutcome> {
    assertPositiveInteger(amount);
    return await this.append(userId, amount, type, reference, metadata);
  }

  /** Takes credits for a job; throws InsufficientCreditsError (and records nothing) when the balance is short. */
  async reserve(userId: string, amount: number, jobId: string): Promise<LedgerOutcome> {
    assertPositiveInteger(amount);
    return await this.append(userId, -amount, 'job_reserve', jobId, {});
  }

  /** Gives back exactly what the job's reservation took, once; a no-op when nothing was reserved. */
  refund(userId: string, jobId: string): Promise<LedgerOutcome> {
    return this.em.transactional(async (em) => {
      const inserted = await em.execute<EntryRow[]>(
        `insert into credit_transactions (id, user_id, amount, type, reference, metadata)
         select ?, user_id, -amount, 'job_refund', reference, '{}'::jsonb
           from credit_transactions where type = 'job_reserve' and reference = ? and user_id = ?
         on conflict (type, reference) do nothing
         returning amount`,
        [randomUUID(), jobId, userId],
      );
      const entry = inserted[0];
      if (entry) return { applied: true, amount: entry.amount, balance: await moveBalance(em, userId, entry.amount) };
      const previous = await findEntry(em, 'job_refund', jobId);
      return { applied: false, amount: previous?.amount ?? 0, balance: await readBalance(em, userId) };
    });
  }

  /**
   * Takes back up to `amount` credits (store refunds, revocations) without letting the balance go negative:
   * credits already spent on jobs stay spent. Records what was actually taken; nothing when the balance is 0.
   */
  async claw(userId: string, amount: number, reference: string, metadata: object = {}): Promise<LedgerOutcome> {
    assertPositiveInteger(amount);
    return await this.em.transactional(async (em) => {
      const balance = await readBalance(em, userId, { forUpdate: true });
      const previous = await findEntry(em, 'revocation', reference);
      if (previous) return { applied: false, amount: previous.amount, balance };
      const take = Math.min(balance, amount);
      if (take === 0) return { applied: false, amount: 0, balance };
      return this.appendIn(em, userId, -take, 'revocation', reference, { ...metadata, requested: amount });
    });
  }

  balance(userId: string): Promise<number> {
    return readBalance(this.em, userId);
  }

  private append(userId: string, amount: number, type: CreditTransactionType, reference: string, metadata: object) {
    return this.em.transactional((em) => this.appendIn(em, userId, amount, type, reference, metadata));
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
    `select credits from users where id = ?${options.forUpdate ? ' for update' : ''}`,
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
