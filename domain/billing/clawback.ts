/**
 * Store refunds take credits back. Credits already spent on finished jobs stay spent, but credits merely
 * reserved by running jobs come back when those jobs fail: whatever a clawback could not take at once is owed,
 * and is collected first from credits that come back later (job refunds, new grants).
 */

/** How much of a clawback the current balance covers now, and what stays outstanding. */
export function planClawback(balance: number, requested: number): { take: number; outstanding: number } {
  const take = Math.max(0, Math.min(balance, requested));
  return { take, outstanding: requested - take };
}

export interface OutstandingClawback {
  reference: string;
  outstanding: number;
}

/**
 * What each outstanding clawback (oldest first) takes from `credited` credits that just came back; never more
 * than came back, so the balance the user had before is untouched.
 */
export function planCollection(credited: number, owed: OutstandingClawback[]): { reference: string; take: number }[] {
  const plan: { reference: string; take: number }[] = [];
  let left = Math.max(0, credited);
  for (const { reference, outstanding } of owed) {
    const take = Math.min(left, outstanding);
    if (take <= 0) continue;
    plan.push({ reference, take });
    left -= take;
  }
  return plan;
}

/** The ledger reference of one collection: unique per (clawback, credit that paid it), so it happens once. */
export function collectionReference(clawback: string, credit: { type: string; reference: string }): string {
  return `${clawback}:collected:${credit.type}:${credit.reference}`;
}
