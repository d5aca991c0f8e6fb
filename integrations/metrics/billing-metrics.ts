import { Counter, Gauge, type Registry } from 'prom-client';
import { auditFindings, type LedgerAuditReport } from '../../db/ledger-audit.js';

/** Store purchases validated and store notifications received (API), by store and outcome (a status or error code). */
export function createBillingRequestMetrics(registry: Registry) {
  return {
    validations: new Counter({
      name: 'oneshot_billing_validations_total',
      help: 'Purchases presented to POST /billing/validate, by store and outcome (valid, or the error code).',
      labelNames: ['store', 'outcome'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'oneshot_billing_notifications_total',
      help: 'Store and payment notifications received, by store and outcome (what was done, or the error code).',
      labelNames: ['store', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type BillingRequestMetrics = ReturnType<typeof createBillingRequestMetrics>;

/** Counts one billing call by its outcome: the result's own word on success, the error's code on failure. */
export async function countOutcome<T>(counter: Counter<'store' | 'outcome'>, store: string, work: () => Promise<T>, outcomeOf: (result: T) => string): Promise<T> {
  try {
    const result = await work();
    counter.inc({ store, outcome: outcomeOf(result) });
    return result;
  } catch (error) {
    counter.inc({ store, outcome: (error as { code?: unknown }).code ? String((error as { code: unknown }).code) : 'error' });
    throw error;
  }
}

// The audit reads the whole ledger: a scrape reuses a result younger than this.
const AUDIT_REUSE_MS = 5 * 60_000;

/**
 * The orchestrator's billing work: renewal re-checks, store acknowledgements still being retried, and the ledger
 * audit's findings per check (all zero when balance = Σ ledger, no transaction is granted twice, revoked ones net
 * zero and no reservation outlived its job).
 */
export function createBillingWorkMetrics(
  registry: Registry,
  sources?: { pendingAcknowledgements(): Promise<number>; ledgerAudit?(): Promise<LedgerAuditReport> },
) {
  let audited: { at: number; findings: Record<string, number> } | null = null;
  return {
    renewalChecked: new Counter({
      name: 'oneshot_renewal_sweep_checked_total',
      help: 'Subscriptions the renewal sweep re-checked with their store, by outcome (renewed, unchanged).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    renewalFailures: new Counter({
      name: 'oneshot_renewal_sweep_failures_total',
      help: 'Subscription re-checks that failed (the store was unreachable or answered an error); retried by later sweeps.',
      registers: [registry],
    }),
    pendingAcknowledgements: new Gauge({
      name: 'oneshot_store_acknowledgements_pending',
      help: 'Store acknowledgements still being retried (running acknowledgePurchaseWorkflow executions).',
      registers: [registry],
      async collect() {
        if (sources) this.set(await sources.pendingAcknowledgements());
      },
    }),
    ledgerAuditFindings: new Gauge({
      name: 'oneshot_ledger_audit_findings',
      help: 'Ledger audit findings by check (balanceDrift, doubleGrants, revokedNotNetZero, staleReservations); alert on any above zero.',
      labelNames: ['check'] as const,
      registers: [registry],
      async collect() {
        if (!sources?.ledgerAudit) return;
        if (!audited || Date.now() - audited.at > AUDIT_REUSE_MS) audited = { at: Date.now(), findings: auditFindings(await sources.ledgerAudit()) };
        for (const [check, count] of Object.entries(audited.findings)) this.set({ check }, count);
      },
    }),
  };
}

export type BillingWorkMetrics = ReturnType<typeof createBillingWorkMetrics>;
