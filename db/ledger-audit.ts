import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The ledger's invariants, checked over the whole database: what an operator runs (`npm run audit:ledger`), what
 * the orchestrator's metric reports, and what the billing property tests and the chaos run assert.
 */
export interface LedgerAuditReport {
  users: number;
  /** Users whose cached balance differs from the sum of their ledger entries, or is negative. */
  balanceDrift: { userId: string; balance: number; ledger: number }[];
  /** Store transactions credited more than once (under either grant type). */
  doubleGrants: { reference: string; grants: number; total: number }[];
  /** Revoked store transactions whose grant is neither taken back nor outstanding. */
  revokedNotNetZero: { reference: string; userId: string; granted: number; taken: number; outstanding: number }[];
  /** Reservations still open past a job's lifetime plus grace (the reconciler should have settled them). */
  staleReservations: { jobId: string; userId: string; createdAt: Date }[];
}

export type LedgerAuditCheck = Exclude<keyof LedgerAuditReport, 'users'>;
export const ledgerAuditChecks: LedgerAuditCheck[] = ['balanceDrift', 'doubleGrants', 'revokedNotNetZero', 'staleReservations'];

/** `userIds` limits the audit to those accounts (a test's own users in a shared database); all accounts by default. */
export async function auditLedger(em: EntityManager, options: { reservationMaxAgeMs: number; userIds?: string[] }): Promise<LedgerAuditReport> {
  // A PostgreSQL array literal (the query builder would spread a JavaScript array into a list), or null for everyone.
  const scope = options.userIds ? `{${options.userIds.join(',')}}` : null;
  const [{ users } = { users: 0 }] = await em.execute<{ users: number }[]>(`select count(*)::int as users from users where (?::uuid[] is null or id = any(?::uuid[]))`, [scope, scope]);
  const balanceDrift = await em.execute<{ user_id: string; balance: number; ledger: number }[]>(
    `select u.id as user_id, u.credits as balance, coalesce(sum(t.amount), 0)::int as ledger
       from users u left join credit_transactions t on t.user_id = u.id
      where (?::uuid[] is null or u.id = any(?::uuid[]))
      group by u.id having u.credits <> coalesce(sum(t.amount), 0) or u.credits < 0
      order by u.id`,
    [scope, scope],
  );
  const doubleGrants = await em.execute<{ reference: string; grants: number; total: number }[]>(
    `select reference, count(*)::int as grants, sum(amount)::int as total from credit_transactions
      where type in ('purchase', 'subscription_grant') and (?::uuid[] is null or user_id = any(?::uuid[]))
      group by reference having count(*) > 1 order by reference`,
    [scope, scope],
  );
  // What a clawback took: its own entry plus what it collected later from credits that came back.
  const revokedNotNetZero = await em.execute<{ reference: string; user_id: string; granted: number; taken: number; outstanding: number }[]>(
    `select g.reference, g.user_id, g.amount as granted, coalesce(r.taken, 0)::int as taken, coalesce(c.outstanding, 0) as outstanding
       from store_transactions s
       join credit_transactions g on g.type in ('purchase', 'subscription_grant') and g.reference = s.store || ':' || s.transaction_id
       left join clawbacks c on c.reference = g.reference
       left join lateral (
         select -sum(amount) as taken from credit_transactions
          where type = 'revocation' and (reference = g.reference or left(reference, length(g.reference) + 11) = g.reference || ':collected:')
       ) r on true
      where s.revoked_at is not null and g.amount <> coalesce(r.taken, 0) + coalesce(c.outstanding, 0)
        and (?::uuid[] is null or g.user_id = any(?::uuid[]))
      order by g.reference`,
    [scope, scope],
  );
  const staleReservations = await em.execute<{ id: string; user_id: string; created_at: Date }[]>(
    // An operator's retry reserves again: its reservation counts from that attempt's admission.
    `select id, user_id, coalesce(retried_at, created_at) as created_at from jobs
      where credit_state = 'reserved' and coalesce(retried_at, created_at) < now() - make_interval(secs => ?)
        and (?::uuid[] is null or user_id = any(?::uuid[]))
      order by 3 limit 1000`,
    [options.reservationMaxAgeMs / 1000, scope, scope],
  );
  return {
    users,
    balanceDrift: balanceDrift.map((row) => ({ userId: row.user_id, balance: row.balance, ledger: row.ledger })),
    doubleGrants,
    revokedNotNetZero: revokedNotNetZero.map(({ user_id: userId, ...row }) => ({ userId, ...row })),
    staleReservations: staleReservations.map((row) => ({ jobId: row.id, userId: row.user_id, createdAt: new Date(row.created_at) })),
  };
}

/** How many findings each check has: all zero when the ledger is sound. */
export function auditFindings(report: LedgerAuditReport): Record<LedgerAuditCheck, number> {
  return Object.fromEntries(ledgerAuditChecks.map((check) => [check, report[check].length])) as Record<LedgerAuditCheck, number>;
}
