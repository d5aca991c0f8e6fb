import { randomUUID } from 'node:crypto';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreEnvSchema } from '../../domain/config/core.js';
import { ensurePeriodicWorkflow } from '../../integrations/schedules.js';
import { connectTemporalClient } from '../../integrations/temporal.js';
import { testConfig } from '../helpers/env.js';

let client: Client;

beforeAll(async () => {
  client = await connectTemporalClient(testConfig(coreEnvSchema));
});

afterAll(async () => {
  await client.connection.close();
});

/** The workflows the Schedule started that are still running, with their task queues. */
async function runningRuns(scheduleId: string): Promise<{ workflowId: string; taskQueue: string; status: string }[]> {
  const { info } = await client.schedule.getHandle(scheduleId).describe();
  return Promise.all(
    info.runningActions.map(async ({ workflow }) => {
      const description = await client.workflow.getHandle(workflow.workflowId).describe();
      return { workflowId: workflow.workflowId, taskQueue: description.taskQueue, status: description.status.name };
    }),
  );
}

async function triggerAndWaitForRun(scheduleId: string): Promise<{ workflowId: string; taskQueue: string }> {
  // as the Schedule's own start would: SKIP (a trigger defaults to ALLOW_ALL, whose runs the Schedule does not track)
  await client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP);
  for (let tries = 0; tries < 100; tries++) {
    const [run] = await runningRuns(scheduleId);
    if (run) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the triggered run never showed up');
}

describe('periodic workflow schedules', () => {
  it('moving a schedule to another task queue ends the run it left on the old one, so the next start is not skipped', async () => {
    const scheduleId = `test-periodic-${randomUUID().slice(0, 8)}`;
    const periodic = { intervalMs: 3_600_000, workflowType: 'reconcileJobsWorkflow', args: [{}] };
    const [oldQueue, newQueue] = [`test-old-${scheduleId}`, `test-new-${scheduleId}`];
    await ensurePeriodicWorkflow(client, scheduleId, { ...periodic, taskQueue: oldQueue });
    const handle = client.schedule.getHandle(scheduleId);
    try {
      // nobody polls the old queue: this run would block every start (overlap SKIP) for three hours
      const stranded = await triggerAndWaitForRun(scheduleId);
      expect(stranded.taskQueue).toBe(oldQueue);

      expect(await ensurePeriodicWorkflow(client, scheduleId, { ...periodic, taskQueue: newQueue })).toBe('updated');
      const ended = await client.workflow.getHandle(stranded.workflowId).describe();
      expect(ended.status.name).toBe('TERMINATED');

      const next = await triggerAndWaitForRun(scheduleId);
      expect(next.taskQueue).toBe(newQueue);
      // an update that keeps the queue leaves its run alone
      expect(await ensurePeriodicWorkflow(client, scheduleId, { ...periodic, taskQueue: newQueue, intervalMs: 1_800_000 })).toBe('updated');
      expect(await runningRuns(scheduleId)).toEqual([{ ...next, status: 'RUNNING' }]);
      await client.workflow.getHandle(next.workflowId).terminate('test done');
    } finally {
      await handle.delete();
    }
  });
});
