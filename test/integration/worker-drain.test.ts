import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import protos from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import { createObjectStore, type ObjectStore } from '../../integrations/object-store.js';
import { startJobWorkflow } from '../../integrations/job-workflows.js';
import { codeBuildId } from '../../integrations/worker-deployment.js';
import type { processJobWorkflow } from '../../workflows/process-job.workflow.js';
import { createUser, expectLedgerConsistent } from '../helpers/db.js';
import { testConfig, testEnv } from '../helpers/env.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/processes.js';
import { balanceOf, jobInput, jobRow } from '../helpers/jobs.js';
import { gradientPng } from '../helpers/uploads.js';
import { integrationModelDir } from '../helpers/workers.js';

// A deploy or a scale-in SIGTERMs an inference worker while it runs a job: the worker stops taking work but lets
// the running job finish (its default WORKER_SHUTDOWN_GRACE is the longest job step), then exits. The job
// completes on that worker, in its first attempt, charged once. The workers run as the local stack and compose
// run them: versioned (a Worker Deployment of their own here), the orchestrator promoting its version.

let orm: MikroORM;
let objectStore: ObjectStore;
let client: Client;
let env: NodeJS.ProcessEnv;
const running: ServiceProcess[] = [];
const suffix = randomUUID().slice(0, 8);
const queues = { orchestrator: `drain-orchestrator-${suffix}`, inference: `drain-inference-${suffix}` };
const deploymentName = `drain-${suffix}`;
const EventType = protos.temporal.api.enums.v1.EventType;

function start(entry: 'workers/orchestrator.ts' | 'workers/inference.ts', extraEnv: NodeJS.ProcessEnv = {}): ServiceProcess {
  const service = startServiceProcess(entry, { ...env, ...extraEnv });
  running.push(service);
  return service;
}

beforeAll(async () => {
  env = {
    ...process.env,
    ...testEnv({
      LOG_LEVEL: 'info',
      MODEL_DIR: await integrationModelDir(),
      UPSCALE_TILE_SIZE: '64',
      TEMPORAL_TASK_QUEUE_ORCHESTRATOR: queues.orchestrator,
      TEMPORAL_TASK_QUEUE_INFERENCE: queues.inference,
      TEMPORAL_WORKER_VERSIONING: 'true',
      TEMPORAL_WORKER_SET_CURRENT: 'true',
      TEMPORAL_DEPLOYMENT_NAME: deploymentName,
    }),
  };
  // The deployed default, not a test's setting.
  delete env.WORKER_SHUTDOWN_GRACE;
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  objectStore = createObjectStore(config);
  client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }), namespace: config.TEMPORAL_NAMESPACE });
});
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
  await client?.connection.close();
  await orm?.close();
});

describe('inference worker drain', () => {
  it('a SIGTERMed inference worker finishes the job it runs (first attempt, charged once), then exits', async () => {
    const orchestrator = start('workers/orchestrator.ts', { ORCHESTRATOR_METRICS_PORT: '0', ORCHESTRATOR_TEMPORAL_METRICS_PORT: '0' });
    const inference = start('workers/inference.ts', { INFERENCE_METRICS_PORT: '0', INFERENCE_TEMPORAL_METRICS_PORT: '0' });
    await Promise.all([orchestrator.waitFor('worker version is now current'), inference.waitFor('inference worker running')]);

    const user = await createUser(orm, 10);
    const input = await jobInput({ orm, objectStore, inferenceTaskQueue: queues.inference }, user.id, { jobType: 'upscale', params: { scale_factor: 4, face_enhance: false } }, await gradientPng(512, 512));
    await startJobWorkflow(client, input, queues.orchestrator);
    const progress = async () => Number((await jobRow(orm, input.jobId))?.progress ?? 0);
    await expect.poll(progress, { timeout: 60_000, interval: 100 }).toBeGreaterThan(0.05);

    // The deploy's SIGTERM, mid-job; no other inference worker exists to take the job over.
    const exited = inference.stop('SIGTERM');
    const result = await client.workflow.getHandle<typeof processJobWorkflow>(input.jobId).result();
    expect(result).toMatchObject({ status: 'completed' });
    expect(await exited).toBe(0);
    expect(inference.output()).toContain('inference worker stopped');

    // One inference attempt, started and completed by the worker that was told to stop.
    const history = await client.workflow.getHandle(input.jobId).fetchHistory();
    const events = history.events ?? [];
    const started = events.filter((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
    expect(started.map((event) => event.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
    expect(events.some((event) => event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED || event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)).toBe(false);
    expect(started[0]?.activityTaskStartedEventAttributes?.identity).toContain(String(inference.child.pid));
    // Pinned to the version the workers registered, built from this code.
    const { raw } = await client.workflow.getHandle(input.jobId).describe();
    expect(raw.workflowExecutionInfo?.versioningInfo).toMatchObject({
      behavior: protos.temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED,
      deploymentVersion: { deploymentName, buildId: codeBuildId() },
    });

    expect(await jobRow(orm, input.jobId)).toMatchObject({ status: 'completed', credit_state: 'charged' });
    expect(await balanceOf(orm, user.id)).toBe(10 - input.creditsCost);
    await expectLedgerConsistent(orm.em.fork());

    expect(await orchestrator.stop('SIGTERM')).toBe(0);
  }, 240_000);
});
