import { activityInfo } from '@temporalio/activity';

/** Reports which worker ran it: proves a workflow reached a given task queue and worker. */
export function createSystemActivities(deps: { workerRole: string }) {
  return {
    identify(): Promise<{ role: string; taskQueue: string; pid: number }> {
      return Promise.resolve({ role: deps.workerRole, taskQueue: activityInfo().taskQueue, pid: process.pid });
    },
  };
}

export type SystemActivities = ReturnType<typeof createSystemActivities>;
