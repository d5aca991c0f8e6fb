/**
 * Chaos run (prints figures; not a test): N jobs while the inference worker and the orchestrator are SIGKILLed and
 * restarted (as a supervisor would), the Temporal server is SIGKILLed and restarted, and an operator terminates
 * some running jobs. Then it waits until every job has ended and no credit is reserved, and audits the money:
 * each job charged (completed) or refunded (otherwise) exactly once, balance = Σ ledger.
 *
 *   npm run stack:up && npx tsx bench/chaos.ts --jobs 60
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Ledger } from '../db/ledger.js';
import { createOrm } from '../db/orm.js';
import { Uploads } from '../db/uploads.js';
import { loadConfig, orchestratorProcessSchema } from '../domain/config/index.js';
import { DEFAULT_JOB_DEADLINES } from '../domain/jobs/contract.js';
import { parseJobSpec } from '../domain/jobs/parameters.js';
import { creditsCost, planJob } from '../domain/jobs/plan.js';
import { startJobWorkflow } from '../integrations/job-workflows.js';
import { createObjectStore } from '../integrations/object-store.js';
import { connectTemporalClient } from '../integrations/temporal.js';
import { createMigratedDatabase, readStackEnv, stackScript } from '../scripts/stack/local-stack.js';
import { gradientPng } from '../fakes/images.js';
import { startMain, stopMains } from './lib/harness.js';

const { values } = parseArgs({ options: { jobs: { type: 'string', default: '60' }, terminates: { type: 'string', default: '5' } } });
const jobCount = Number(values.jobs);
const stackEnv = readStackEnv();
const suffix = randomUUID().slice(0, 8);
const env = {
  ...stackEnv,
  DATABASE_URL: await createMigratedDatabase(stackEnv.DATABASE_URL!, `oneshot_chaos_${suffix}`),
  TEMPORAL_TASK_QUEUE_ORCHESTRATOR: `chaos-orchestrator-${suffix}`,
  TEMPORAL_TASK_QUEUE_INFERENCE: `chaos-inference-${suffix}`,
  UPSCALE_DEFAULT_MODEL: 'esrgan-slim',
  JOB_RECONCILE_INTERVAL: '10s',
  JOB_RECONCILE_GRACE: '5s',
  LOG_LEVEL: 'warn',
};
const config = loadConfig(orchestratorProcessSchema, env);
const orm = await createOrm(config);
const objectStore = createObjectStore(config);

const userId = randomUUID();
await orm.em.fork().execute(`insert into users (id, email, password_hash, credits) values (?, ?, 'x', 0)`, [userId, `chaos-${userId}@example.test`]);
await new Ledger(orm.em.fork()).grant(userId, jobCount * 2, 'signup_bonus', userId);

const services: Record<string, ChildProcess> = {};
const start = (name: string) => (services[name] = startMain(`workers/${name}.ts`, env));
start('orchestrator');
start('inference');
const kills: string[] = [];
const killAndRestart = async (name: string) => {
  services[name]!.kill('SIGKILL');
  kills.push(name);
  await sleep(1_000);
  start(name);
};

let client = await connectTemporalClient(config);
const image = await gradientPng(384, 384);
const started = performance.now();
const jobIds: string[] = [];
for (let index = 0; index < jobCount; index++) {
  const uploadId = randomUUID();
  const key = `uploads/${userId}/${uploadId}`;
  await objectStore.put(key, image, 'image/png');
  await new Uploads(orm.em.fork()).insert({ id: uploadId, userId, objectKey: key, filename: 'chaos.png', contentType: 'image/png', declaredSize: image.length }, new Date(Date.now() + 3_600_000));
  const spec = parseJobSpec('upscale', { scale_factor: index % 2 ? 4 : 2 });
  const jobId = randomUUID();
  jobIds.push(jobId);
  await startJobWorkflow(
    client,
    { ...spec, jobId, userId, creditsCost: creditsCost(planJob(spec)), inputUploadId: uploadId, inputKey: key, inferenceTaskQueue: env.TEMPORAL_TASK_QUEUE_INFERENCE, deadlines: DEFAULT_JOB_DEADLINES },
    env.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
  );
}
console.log(`${jobCount} jobs admitted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// The faults, while the jobs run.
await sleep(2_000);
await killAndRestart('inference');
const running = await orm.em.fork().execute<{ id: string }[]>(`select id from jobs where user_id = ? and status in ('pending', 'processing') limit ?`, [userId, Number(values.terminates)]);
for (const { id } of running) await client.workflow.getHandle(id).terminate('chaos: operator terminate');
await sleep(2_000);
await killAndRestart('orchestrator');
await sleep(2_000);
const temporalPid = Number(readFileSync(path.resolve('.local/temporal/temporal.pid'), 'utf8'));
process.kill(temporalPid, 'SIGKILL');
kills.push('temporal');
await sleep(1_000);
execFileSync('bash', [stackScript, 'up'], { stdio: 'ignore' });
await client.connection.close();
client = await connectTemporalClient(config);
await sleep(2_000);
await killAndRestart('inference');

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
const [balance] = await orm.em.fork().execute<{ credits: number; ledger: number }[]>(
  `select u.credits, (select coalesce(sum(amount), 0)::int from credit_transactions where user_id = u.id) as ledger from users u where u.id = ?`,
  [userId],
);
console.log(`kills: ${kills.join(', ')}; operator terminates: ${running.length}`);
console.log(`outcomes: ${outcomes.map((o) => `${o.status}${o.code ? `/${o.code}` : ''} ${o.count}`).join(', ')}; still open: ${open}`);
console.log(`every job settled ${settledSeconds.toFixed(1)} s after the first submission`);
console.log(`jobs whose money is not exactly one charge or one refund: ${wrongMoney.length}; balance ${balance!.credits} = Σ ledger ${balance!.ledger}: ${balance!.credits === balance!.ledger}`);

await stopMains(Object.values(services));
await client.connection.close();
await orm.close();
