import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError, type Client, type ScheduleHandle, type ScheduleOptions } from '@temporalio/client';

/** A workflow a Temporal Schedule starts every `intervalMs` (sweeps and passes that are safe to repeat). */
export interface PeriodicWorkflow {
  intervalMs: number;
  workflowType: string;
  taskQueue: string;
  args: unknown[];
}

/** A run may last this many intervals; one that could never finish (e.g. left on a task queue nobody polls any more) then times out. */
const RUN_TIMEOUT_INTERVALS = 3;
const SHORTEST_RUN_TIMEOUT_MS = 60_000;

/**
 * Creates the Schedule that starts a periodic workflow, or brings an existing one up to date with the given
 * interval, task queue and arguments (so a change of configuration reaches it). Safe to call at every start of
 * every worker. A run still going when the next is due makes that one pointless, so it is skipped; each run is
 * bounded, so a stuck one cannot make the Schedule skip for ever. When the task queue changes, the runs the Schedule
 * left on the old queue are terminated: nobody may poll it any more, and until they timed out (three old intervals)
 * every start on the new queue would be skipped. The periodic workflows are passes that are safe to cut short.
 */
export async function ensurePeriodicWorkflow(client: Client, scheduleId: string, periodic: PeriodicWorkflow): Promise<'created' | 'updated'> {
  const schedule = {
    spec: { intervals: [{ every: periodic.intervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: periodic.workflowType,
      // The Schedule's own id; Temporal appends each start's time to it.
      workflowId: scheduleId,
      taskQueue: periodic.taskQueue,
      args: periodic.args,
      workflowRunTimeout: Math.max(RUN_TIMEOUT_INTERVALS * periodic.intervalMs, SHORTEST_RUN_TIMEOUT_MS),
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' },
  } satisfies Omit<ScheduleOptions, 'scheduleId'>;
  try {
    await client.schedule.create({ scheduleId, ...schedule });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  let previousQueue: string | undefined;
  await handle.update((previous) => {
    if (previous.action.type === 'startWorkflow') previousQueue = previous.action.taskQueue;
    return { ...previous, ...schedule };
  });
  if (previousQueue !== undefined && previousQueue !== periodic.taskQueue) await terminateRunsLeftOn(client, handle, previousQueue);
  return 'updated';
}

async function terminateRunsLeftOn(client: Client, schedule: ScheduleHandle, taskQueue: string): Promise<void> {
  const { info } = await schedule.describe();
  for (const running of info.runningActions) {
    const run = client.workflow.getHandle(running.workflow.workflowId, undefined, { firstExecutionRunId: running.workflow.firstExecutionRunId });
    try {
      if ((await run.describe()).taskQueue !== taskQueue) continue;
      await run.terminate(`the schedule ${schedule.scheduleId} moved off task queue ${taskQueue}`);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error; // it ended meanwhile
    }
  }
}
