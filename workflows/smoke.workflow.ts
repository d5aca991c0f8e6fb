import { proxyActivities } from '@temporalio/workflow';
import type { SystemActivities } from '../activities/system.activities.js';

const SMOKE_TIMEOUTS = { startToCloseTimeout: '10 seconds', scheduleToCloseTimeout: '1 minute' } as const;

/** Round trip through both workers: proves the stack is wired (used by the start script and tests). */
export async function smokeWorkflow(input: { inferenceTaskQueue: string }): Promise<{ role: string; taskQueue: string }[]> {
  const onOrchestrator = proxyActivities<SystemActivities>(SMOKE_TIMEOUTS);
  const onInference = proxyActivities<SystemActivities>({ ...SMOKE_TIMEOUTS, taskQueue: input.inferenceTaskQueue });
  const [orchestrator, inference] = await Promise.all([onOrchestrator.identify(), onInference.identify()]);
  return [orchestrator, inference].map(({ role, taskQueue }) => ({ role, taskQueue }));
}
