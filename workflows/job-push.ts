import { log, patched, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { PushActivities } from '../activities/push.activities.js';

/** One attempt's own retries cover database hiccups; throttled devices are retried by the workflow below. */
const PUSH = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
/** Waits before re-sending to devices a push service throttled or could not reach. */
const RETRY_DELAYS = ['5 seconds', '30 seconds', '2 minutes'] as const;

// A local activity: no task-queue round trip per job, and nothing at all when pushes are not configured.
const push = proxyLocalActivities<PushActivities>(PUSH);

/**
 * Tells the job's owner how it ended, after the money is settled. A push never changes the job or its money:
 * failures are logged and swallowed; only throttled devices are tried again, so others get one push.
 */
export async function notifyJobOutcome(userId: string, jobId: string, status: 'completed' | 'failed'): Promise<void> {
  // Histories recorded before jobs pushed replay without it.
  if (!patched('job-outcome-push')) return;
  let deviceIds: string[] | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const { retryDeviceIds } = await push.notifyJobOutcome({ userId, jobId, status, deviceIds });
      if (retryDeviceIds.length === 0) return;
      deviceIds = retryDeviceIds;
    } catch (error) {
      log.warn('job push failed', { jobId, error: String(error) });
      return;
    }
    const delay = RETRY_DELAYS[attempt];
    if (!delay) {
      log.warn('job push gave up on throttled devices', { jobId, devices: deviceIds.length });
      return;
    }
    await sleep(delay);
  }
}
