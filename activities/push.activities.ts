import type { MikroORM } from '@mikro-orm/postgresql';
import { Devices } from '../db/devices.js';
import type { Logger } from '../integrations/logger.js';
import { jobPush, type JobPush, type PushTransports } from '../integrations/push/message.js';

export interface NotifyJobOutcomeInput {
  userId: string;
  jobId: string;
  status: JobPush['status'];
  /** Only these devices: the ones a previous call asked to retry. */
  deviceIds?: string[] | undefined;
}

export interface NotifyJobOutcomeResult {
  sent: number;
  removed: number;
  /** Devices the push service throttled or could not reach: worth another call later. */
  retryDeviceIds: string[];
}

/** Pushes "your photo is ready / failed" to the job owner's devices; tokens the services call dead are forgotten. */
export function createPushActivities(deps: { orm: MikroORM; transports: PushTransports; logger: Logger }) {
  return {
    async notifyJobOutcome(input: NotifyJobOutcomeInput): Promise<NotifyJobOutcomeResult> {
      const result: NotifyJobOutcomeResult = { sent: 0, removed: 0, retryDeviceIds: [] };
      if (!deps.transports.ios && !deps.transports.android) return result;
      const devices = new Devices(deps.orm.em.fork());
      const push = jobPush(input.jobId, input.status);
      for (const device of await devices.listOwn(input.userId)) {
        const transport = deps.transports[device.platform];
        if (!transport || (input.deviceIds && !input.deviceIds.includes(device.id))) continue;
        const { outcome, reason } = await transport.send(device, push);
        if (outcome === 'sent') {
          result.sent++;
        } else if (outcome === 'unregistered') {
          await devices.removeToken(device.platform, device.token);
          result.removed++;
        } else if (outcome === 'retry') {
          result.retryDeviceIds.push(device.id);
        } else {
          deps.logger.error({ jobId: input.jobId, deviceId: device.id, platform: device.platform, reason }, 'push refused; check the push configuration');
        }
      }
      return result;
    },
  };
}

export type PushActivities = ReturnType<typeof createPushActivities>;
