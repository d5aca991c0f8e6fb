/**
 * Chaos run (prints figures; exits 1 when the money is wrong): N jobs submitted through the API, as the app does,
 * while an API process, an inference worker and an orchestrator are SIGKILLed and restarted (as a supervisor
 * would), the Temporal server is SIGKILLed and restarted, and an operator terminates some running jobs. Then it
 * waits until every job has ended and no credit is reserved, and audits the money: each job charged (completed)
 * or refunded (otherwise) exactly once, and the ledger audit (db/ledger-audit.ts: balance = Σ ledger, no double
 * grant, no reservation left open) finds nothing. Exits 1 as well when any submission made more than one job.
 *
 *   npm run stack:up && npx tsx bench/chaos.ts --jobs 60
 *   ONESHOT_TEMPORAL=server npm run stack:up && npx tsx bench/chaos.ts --jobs 60 --api-processes 2 --orchestrators 2 --inference-workers 2
 *
 * Each API process listens on its own port (as pods behind a Service); the client spreads submissions over them
 * and skips one that refuses connections, and retries a submission that failed with the same Idempotency-Key, as
 * the app does: a job the dead process had already created is answered again, never made twice (checked).
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { auditFindings, auditLedger } from '../db/ledger-audit.js';
import { createOrm } from '../db/orm.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { connectTemporalClient } from '../integrations/temporal.js';
import { createMigratedDatabase, readStackEnv, stackPids, stackScript } from '../scripts/stack/local-stack.js';
import { gradientPng } from '../fakes/images.js';
import { createApiClient } from './lib/api-client.js';
import { BENCH_PROCESS_ENV, startMain, stopMains, waitForHealth } from './lib/harness.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '60' },
    terminates: { type: 'string', default: '5' },
    'api-processes': { type: 'string', default: '1' },
    orchestrators: { type: 'string', default: '1' },
    'inference-workers': { type: 'string', default: '1' },
  },
});
const jobCount = Number(values.jobs);
const counts = { api: Number(values['api-processes']), orchestrator: Number(values.orchestrators), inference: Number(values['inference-workers']) };
const API_BASE_PORT = 3940;
const stackEnv = readStackEnv();
const suffix = randomUUID().slice(0, 8);
const env = {
  ...stackEnv,
  DATABASE_URL: await createMigratedDatabase(stackEnv.DATABASE_URL!, `oneshot_chaos_${suffix}`),
  JWT_SECRET: randomBytes(32).toString('hex'),
  TEMPORAL_TASK_QUEUE_ORCHESTRATOR: `chaos-orchestrator-${suffix}`,
  TEMPORAL_TASK_QUEUE_INFERENCE: `chaos-inference-${suffix}`,
  UPSCALE_DEFAULT_MODEL: 'esrgan-slim',
  JOB_RECONCILE_INTERVAL: '10s',
  JOB_RECONCILE_GRACE: '5s',
  LOG_LEVEL: 'warn',
  // enough credits for every job and its retries, and no per-user limit in the way
  DEFAULT_CREDITS: String(jobCount * 4),
  ...BENCH_PROCESS_ENV,
};
const config = loadConfig(orchestratorProcessSchema, env);
const orm = await createOrm(config);

// name → process; names are `api-0`, `orchestrator-1`, …
const services = new Map<string, ChildProcess>();
const apiBase = (index: number) => `http://127.0.0.1:${API_BASE_PORT + index}`;
const entry = (name: string) => (name.startsWith('api-') ? 'api/server.ts' : `workers/${name.slice(0, name.lastIndexOf('-'))}.ts`);
const start = (name: string) => {
  const index = Number(name.slice(name.lastIndexOf('-') + 1));
  services.set(name, startMain(entry(name), name.startsWith('api-') ? { ...env, API_PORT: String(API_BASE_PORT + index) } : env));
};
for (const [kind, count] of Object.entries(counts)) for (let index = 0; index < count; index++) start(`${kind}-${index}`);
await Promise.all(Array.from({ length: counts.api }, (_, index) => waitForHealth(apiBase(index))));

const kills: string[] = [];
const killAndRestart = async (name: string) => {
  services.get(name)!.kill('SIGKILL');
  kills.push(name);
  await sleep(1_000);
  start(name);
};

const api = createApiClient(Array.from({ length: counts.api }, (_, index) => apiBase(index)));
const token = await api.signUp(`chaos-${suffix}@example.test`);
const input = await api.upload(token, await gradientPng(384, 384));
const [user] = await orm.em.fork().execute<{ id: string }[]>(`select id from users where email = ?`, [`chaos-${suffix}@example.test`]);
const userId = user!.id;

/**
 * Submits until the API accepts (an API process or the Temporal server may be down meanwhile), as the app does: every
 * retry carries the submission's Idempotency-Key, so a retry of a request whose answer was lost makes no second job.
 */
const submitted: string[] = [];
let submissionRetries = 0;
async function submitOne(index: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      submitted.push(await api.submit(token, input, `chaos-${suffix}-${index}`));
      return;
    } catch (error) {
      if (attempt >= 60) throw error;
      submissionRetries++;
      await sleep(1_000);
    }
  }
}

const started = performance.now();
const submitting = (async () => {
  const queue = Array.from({ length: jobCount }, (_, index) => index);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) await submitOne(index);
    }),
  );
  console.log(`${jobCount} jobs admitted in ${((performance.now() - started) / 1000).toFixed(1)} s (${submissionRetries} submissions retried)`);
})();

// The faults, while jobs are submitted and run.
let client = await connectTemporalClient(config);
await sleep(1_500);
await killAndRestart('api-0');
await sleep(1_500);
await killAndRestart('inference-0');
// An operator terminates running jobs (the first ones found unfinished; a job may finish before the call lands).
const terminated = new Set<string>();
let terminateRefused = '';
for (let tries = 0; terminated.size < Number(values.terminates) && tries < 40; tries++) {
  const unfinished = await orm.em.fork().execute<{ id: string }[]>(`select id from jobs where user_id = ? and status in ('pending', 'processing')`, [userId]);
  for (const { id } of unfinished.filter((job) => !terminated.has(job.id)).slice(0, Number(values.terminates) - terminated.size)) {
    const terminatedNow = await client.workflow.getHandle(id).terminate('chaos: operator terminate').then(
      () => true,
      (error: unknown) => {
        terminateRefused = error instanceof Error ? error.message : String(error);
        return false;
      },
    );
    if (terminatedNow) terminated.add(id);
  }
  if (terminated.size < Number(values.terminates)) await sleep(250);
}
await sleep(2_000);
await killAndRestart('orchestrator-0');
await sleep(2_000);
const temporalDown = performance.now();
process.kill(stackPids().temporal!, 'SIGKILL');
kills.push('temporal');
await sleep(1_000);
execFileSync('bash', [stackScript, 'up', 'temporal'], { stdio: 'ignore' });
const temporalRestartSeconds = (performance.now() - temporalDown) / 1000;
await client.connection.close();
client = await connectTemporalClient(config);
await sleep(2_000);
await killAndRestart(`inference-${counts.inference - 1}`);
await submitting;

// Everything ends: completed, or failed/canceled and refunded (terminated jobs by the reconciler's pass).
const deadline = Date.now() + 10 * 60_000;
let open = jobCount;
while (Date.now() < deadline) {
  const [row] = await orm.em.fork().execute<{ open: number }[]>(
    `select count(*)::int as open from jobs where user_id = ? and (status in ('pending', 'processing') or credit_state = 'reserved')`,
    [userId],
  );
  open = row!.open;
  if (open === 0) break;
  await sleep(1_000);
}
const settledSeconds = (performance.now() - started) / 1000;

const outcomes = await orm.em.fork().execute<{ status: string; code: string | null; count: number }[]>(
  `select status, error_code as code, count(*)::int as count from jobs where user_id = ? group by 1, 2 order by 1, 2`,
  [userId],
);
const wrongMoney = await orm.em.fork().execute<{ id: string }[]>(
  `select j.id from jobs j where j.user_id = ? and (
     (select count(*) from credit_transactions t where t.reference = j.id::text and t.type = 'job_reserve') <> 1
     or (select count(*) from credit_transactions t where t.reference = j.id::text and t.type = 'job_refund') <> case when j.status = 'completed' then 0 else 1 end
     or j.credit_state <> case when j.status = 'completed' then 'charged' else 'refunded' end)`,
  [userId],
);
// every job has ended, so any reservation still open is one too many
const findings = auditFindings(await auditLedger(orm.em.fork(), { reservationMaxAgeMs: 0, userIds: [userId] }));
const [{ jobs } = { jobs: 0 }] = await orm.em.fork().execute<{ jobs: number }[]>(`select count(*)::int as jobs from jobs where user_id = ?`, [userId]);
console.log(`processes: ${counts.api} API, ${counts.orchestrator} orchestrator, ${counts.inference} inference; Temporal at ${config.TEMPORAL_ADDRESS}`);
console.log(`kills: ${kills.join(', ')} (Temporal back in ${temporalRestartSeconds.toFixed(1)} s); operator terminates: ${terminated.size}${terminateRefused ? ` (last refusal: ${terminateRefused})` : ''}`);
const oneJobPerSubmission = jobs === jobCount;
console.log(`jobs: ${jobs} rows for ${submitted.length} accepted submissions (${oneJobPerSubmission ? 'one each' : 'WRONG: a retry made a second job'}); outcomes: ${outcomes.map((o) => `${o.status}${o.code ? `/${o.code}` : ''} ${o.count}`).join(', ')}; still open: ${open}`);
console.log(`every job settled ${settledSeconds.toFixed(1)} s after the first submission`);
const exact = open === 0 && wrongMoney.length === 0 && Object.values(findings).every((count) => count === 0);
console.log(
  `jobs whose money is not exactly one charge or one refund: ${wrongMoney.length}; ledger audit: ` +
    `${Object.entries(findings)
      .map(([check, count]) => `${check} ${count}`)
      .join(', ')}; money ${exact ? 'EXACT' : 'WRONG'}`,
);

await stopMains([...services.values()]);
await client.connection.close();
await orm.close();
process.exitCode = exact && oneJobPerSubmission ? 0 : 1;
