import type { DevicePlatform } from '../../db/devices.js';

/** What a push about a finished job says; the app opens the job by its id. */
export interface JobPush {
  jobId: string;
  status: 'completed' | 'failed';
  title: string;
  body: string;
}

export function jobPush(jobId: string, status: JobPush['status']): JobPush {
  return status === 'completed'
    ? { jobId, status, title: 'Your photo is ready', body: 'Tap to see the result.' }
    : { jobId, status, title: 'Your photo could not be processed', body: 'No credits were charged. Tap for details.' };
}

/**
 * How a push service answered for one token: delivered, the token is dead (forget it), worth another try later
 * (throttled, unavailable, unreachable), or refused for a reason retrying will not fix (logged for operators).
 */
export type PushOutcome = 'sent' | 'unregistered' | 'retry' | 'rejected';

/** One push service (APNs or FCM). */
export interface PushTransport {
  send(device: { token: string; apnsEnvironment: 'sandbox' | 'production' | null }, push: JobPush): Promise<{ outcome: PushOutcome; reason?: string }>;
  close(): Promise<void>;
}

export type PushTransports = Partial<Record<DevicePlatform, PushTransport>>;
