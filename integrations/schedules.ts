import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/**
 * Creates a Temporal Schedule, or brings an existing one up to date with the given spec, action and policies
 * (so a change of configuration reaches it). Safe to call at every start of every worker.
 */
export async function ensureSchedule(client: Client, scheduleId: string, schedule: Omit<ScheduleOptions, 'scheduleId'>): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({ scheduleId, ...schedule });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...schedule }));
  return 'updated';
}
