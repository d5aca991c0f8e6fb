import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';

/** Workers polling an activity task queue, and the tasks waiting in it (approximate, as Temporal reports it). */
export async function activityQueueStats(client: Client, taskQueue: string): Promise<{ taskQueue: string; pollers: number; backlog: number }> {
  const { pollers, stats } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: protos.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportStats: true,
  });
  return { taskQueue, pollers: pollers?.length ?? 0, backlog: Number(stats?.approximateBacklogCount ?? 0) };
}
