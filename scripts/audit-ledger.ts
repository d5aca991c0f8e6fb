// Checks the credit ledger's invariants over the whole database and prints what drifted: `npm run audit:ledger`
// (needs DATABASE_URL; JOB_LIFETIME and JOB_RECONCILE_GRACE bound how old an open reservation may be). Exits 1 when
// anything drifted, so it can gate a deploy or page someone from cron.
import { createOrm } from '../db/orm.js';
import { auditFindings, auditLedger } from '../db/ledger-audit.js';
import { coreEnvSchema } from '../domain/config/core.js';
import { loadConfig } from '../domain/config/index.js';
import { jobsEnvSchema, reconcilerEnvSchema } from '../domain/config/jobs.js';

const config = loadConfig(
  coreEnvSchema
    .pick({ DATABASE_URL: true })
    .extend(jobsEnvSchema.pick({ JOB_LIFETIME: true }).shape)
    .extend(reconcilerEnvSchema.pick({ JOB_RECONCILE_GRACE: true }).shape),
);
const orm = await createOrm({ DATABASE_URL: config.DATABASE_URL, DATABASE_POOL_MAX: 2 });
try {
  const report = await auditLedger(orm.em.fork(), { reservationMaxAgeMs: config.JOB_LIFETIME + config.JOB_RECONCILE_GRACE });
  const findings = auditFindings(report);
  const drifted = Object.values(findings).some((count) => count > 0);
  console.log(`ledger audit over ${report.users} users: ${drifted ? 'DRIFT' : 'ok'}`);
  for (const [check, count] of Object.entries(findings)) {
    console.log(`  ${check}: ${count}`);
    for (const finding of report[check as keyof typeof findings].slice(0, 20)) console.log(`    ${JSON.stringify(finding)}`);
  }
  if (drifted) process.exitCode = 1;
} finally {
  await orm.close();
}
