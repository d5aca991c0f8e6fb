import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../db/ledger.js';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { InsufficientCreditsError } from '../../domain/errors.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig } from '../helpers/env.js';

let orm: MikroORM;
const ledger = () => new Ledger(orm.em.fork());

beforeAll(async () => {
  orm = await createOrm(testConfig(orchestratorProcessSchema, { DATABASE_POOL_MAX: '60' }));
});
afterEach(async () => expectLedgerConsistent(orm.em.fork()));
afterAll(async () => orm.close());

describe('ledger against real PostgreSQL', () => {
  it('lets exactly 10 of 50 parallel 1-credit reservations through a balance of 10', async () => {
    const user = await createUser(orm, 10);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => ledger().reserve(user.id, 1, randomUUID())),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(InsufficientCreditsError);
    expect(await ledger().balance(user.id)).toBe(0);
  });

  it('applies each operation once per reference, however often and concurrently it is repeated', async () => {
    const user = await createUser(orm, 0);
    const purchase = `apple:${randomUUID()}`;
    const grants = await Promise.all(Array.from({ length: 8 }, () => ledger().grant(user.id, 50, 'purchase', purchase)));
    expect(grants.filter((grant) => grant.applied)).toHaveLength(1);
    expect(grants.every((grant) => grant.amount === 50)).toBe(true);

    const jobId = randomUUID();
    const reserves = await Promise.all(Array.from({ length: 8 }, () => ledger().reserve(user.id, 3, jobId)));
    expect(reserves.filter((reserve) => reserve.applied)).toHaveLength(1);
    expect(await ledger().balance(user.id)).toBe(47);

    const refunds = await Promise.all(Array.from({ length: 8 }, () => ledger().refund(user.id, jobId)));
    expect(refunds.filter((refund) => refund.applied)).toHaveLength(1);
    expect(refunds.every((refund) => refund.amount === 3)).toBe(true);
    expect(await ledger().balance(user.id)).toBe(50);

    // A reservation repeated after its refund (an operator reset replaying history) changes nothing.
    const replayed = await ledger().reserve(user.id, 3, jobId);
    expect(replayed).toMatchObject({ applied: false, amount: -3, balance: 50 });
  });

  it('refuses a reservation larger than the balance and records nothing', async () => {
    const user = await createUser(orm, 2);
    const jobId = randomUUID();
    await expect(ledger().reserve(user.id, 3, jobId)).rejects.toMatchObject({ status: 402, required: 3, balance: 2 });
    const [row] = await orm.em.fork().execute(`select count(*)::int as n from credit_transactions where reference = ?`, [jobId]);
    expect(row).toEqual({ n: 0 });
  });

  it('refunds nothing for a job that never reserved, and nothing for another user', async () => {
    const owner = await createUser(orm, 5);
    const stranger = await createUser(orm, 5);
    const jobId = randomUUID();
    expect(await ledger().refund(owner.id, jobId)).toMatchObject({ applied: false, amount: 0, balance: 5 });
    await ledger().reserve(owner.id, 2, jobId);
    expect(await ledger().refund(stranger.id, jobId)).toMatchObject({ applied: false, balance: 5 });
    expect(await ledger().balance(owner.id)).toBe(3);
  });

  it('claws back no more than the balance, once', async () => {
    const user = await createUser(orm, 10);
    await ledger().reserve(user.id, 7, randomUUID());
    const reference = `google:refund:${randomUUID()}`;
    const first = await ledger().claw(user.id, 10, reference);
    expect(first).toMatchObject({ applied: true, amount: -3, balance: 0 });
    expect(await ledger().claw(user.id, 10, reference)).toMatchObject({ applied: false, amount: -3, balance: 0 });
  });

  it('keeps the ledger append-only', async () => {
    const user = await createUser(orm, 1);
    await expect(
      orm.em.fork().execute(`update credit_transactions set amount = 100 where user_id = ?`, [user.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('rejects amounts that are not positive integers', async () => {
    const user = await createUser(orm, 1);
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await expect(ledger().grant(user.id, amount, 'adjustment', randomUUID())).rejects.toThrow(RangeError);
    }
  });
});
