import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'vitest';
import { Ledger } from '../../db/ledger.js';

/** Creates a user whose starting balance is a signup-bonus ledger entry, so the ledger invariant holds. */
export async function createUser(orm: MikroORM, credits: number): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  const email = `user-${id}@example.test`;
  const em = orm.em.fork();
  await em.execute(`insert into users (id, email, password_hash, credits) values (?, ?, 'x', 0)`, [id, email]);
  if (credits > 0) await new Ledger(em).grant(id, credits, 'signup_bonus', id);
  return { id, email };
}

/** Every user's cached balance equals the sum of their ledger entries, and no balance is negative. */
export async function expectLedgerConsistent(em: EntityManager): Promise<void> {
  const mismatches = await em.execute<{ id: string; credits: number; ledger: number }[]>(
    `select u.id, u.credits, coalesce(sum(t.amount), 0)::int as ledger
       from users u left join credit_transactions t on t.user_id = u.id
      group by u.id having u.credits <> coalesce(sum(t.amount), 0) or u.credits < 0`,
  );
  expect(mismatches).toEqual([]);
}
