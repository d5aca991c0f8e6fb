import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

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
 * bounded, so a stuck one cannot make the Schedule skip for ever.
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
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...schedule }));
  return 'updated';
}
