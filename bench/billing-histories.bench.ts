/**
 * Long run of the model-based billing histories (prints figures; not a test). Usage:
 *   npx tsx bench/billing-histories.bench.ts [--histories 5000] [--seed 20270101] [--purchases 4] [--events 10]
 * Needs the local stack (scripts/stack/stack.sh up). Plays each generated history (App Store, Google Play, Stripe and
 * Superwall purchases, renewals, refunds, disputes, cancellations; duplicates at once, neighbours together) in two
 * orders against the real billing service and a fresh `oneshot_bench_histories` database, checks both final states
 * against each other and the model, audits the ledger after each history and once over the whole database at the
 * end, and prints histories, deliveries, time and the first failure (shrunk, with its seed and path) if any.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { auditFindings, auditLedger } from '../db/ledger-audit.js';
import { auditHistory, expectedBalances, historyArbitrary, playHistory, startHistoryHarness } from '../fakes/billing-histories.js';
import { createMigratedDatabase, readStackEnv } from '../scripts/stack/local-stack.js';

const { values } = parseArgs({
  options: {
    histories: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '20270101' },
    purchases: { type: 'string', default: '4' },
    events: { type: 'string', default: '10' },
  },
});

const stackEnv = readStackEnv();
const deps = await startHistoryHarness({
  ...stackEnv,
  DATABASE_URL: await createMigratedDatabase(stackEnv.DATABASE_URL!, 'oneshot_bench_histories'),
  DATABASE_POOL_MAX: '20',
  JWT_SECRET: 'bench-billing-histories-not-a-secret-0123456789',
  LOG_LEVEL: 'silent',
});
const { orm, config } = deps;

const totals = { histories: 0, events: 0, deliveries: 0 };
const sound = { balanceDrift: 0, doubleGrants: 0, revokedNotNetZero: 0, staleReservations: 0 };
const started = performance.now();
try {
  const result = await fc.check(
    fc.asyncProperty(historyArbitrary({ maxPurchases: Number(values.purchases), maxEvents: Number(values.events) }), async ({ history, order }) => {
      const [inOrder, reordered] = await Promise.all([
        playHistory(deps, history, history.events.map((_, index) => index)),
        playHistory(deps, history, order),
      ]);
      totals.histories++;
      totals.events += history.events.length;
      totals.deliveries += inOrder.deliveries + reordered.deliveries;
      if (totals.histories % 500 === 0) console.log(`  ${totals.histories} histories, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      const audits = await Promise.all([auditHistory(orm, inOrder.userIds), auditHistory(orm, reordered.userIds)]);
      return (
        isDeepStrictEqual(inOrder.state, reordered.state) &&
        isDeepStrictEqual(inOrder.state.balances, expectedBalances(history)) &&
        audits.every((findings) => isDeepStrictEqual(findings, sound))
      );
    }),
    { numRuns: Number(values.histories), seed: Number(values.seed) },
  );
  const seconds = (performance.now() - started) / 1000;
  const whole = auditFindings(await auditLedger(orm.em.fork(), { reservationMaxAgeMs: config.JOB_LIFETIME }));
  console.log(`histories: ${result.numRuns} generated (seed ${values.seed}), ${totals.histories} played incl. shrinking, each in 2 orders`);
  console.log(`events: ${totals.events} (${totals.deliveries} deliveries with duplicates)`);
  console.log(`time: ${seconds.toFixed(1)} s (${((seconds * 1000) / totals.histories).toFixed(1)} ms per history, ${(totals.deliveries / seconds).toFixed(0)} deliveries/s)`);
  console.log(`ledger audit over the whole database: ${JSON.stringify(whole)}`);
  console.log(result.failed ? `FAILED: ${fc.defaultReportMessage(result)}` : 'failures: 0');
  if (result.failed) process.exitCode = 1;
} finally {
  await deps.close();
}
