import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHistory, expectedBalances, historyArbitrary, playHistory, startHistoryHarness } from '../../fakes/billing-histories.js';
import { testEnv } from '../helpers/env.js';

// Fixed, so a failure reproduces; fast-check prints the seed and the shrunk history when one fails.
const SEED = 20_270_101;
const RUNS = Number(process.env.BILLING_PROPERTY_RUNS ?? 200);

let deps: Awaited<ReturnType<typeof startHistoryHarness>>;

beforeAll(async () => {
  deps = await startHistoryHarness(testEnv());
});

afterAll(async () => deps?.close());

describe('purchases and refunds commute (fast-check against the real database)', () => {
  it(`ends every generated history in the same state in two delivery orders, as the model says, with a sound ledger (${RUNS} histories)`, async () => {
    await fc.assert(
      fc.asyncProperty(historyArbitrary({ maxPurchases: 3, maxEvents: 6 }), async ({ history, order }) => {
        // The two orders play at the same time, on their own accounts and purchases.
        const [inOrder, reordered] = await Promise.all([
          playHistory(deps, history, history.events.map((_, index) => index)),
          playHistory(deps, history, order),
        ]);
        expect(reordered.state).toEqual(inOrder.state);
        expect(inOrder.state.balances).toEqual(expectedBalances(history));
        for (const run of [inOrder, reordered]) {
          expect(await auditHistory(deps.orm, run.userIds)).toEqual({ balanceDrift: 0, doubleGrants: 0, revokedNotNetZero: 0, staleReservations: 0 });
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
  }, 300_000);
});
