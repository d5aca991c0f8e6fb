import apn from '@parse/node-apn';
import type { PushConfig } from '../../domain/config/push.js';
import type { PushOutcome, PushTransport } from './message.js';

export type ApnsConfig = Required<Pick<PushConfig, 'APNS_KEY_ID' | 'APNS_TEAM_ID' | 'APNS_PRIVATE_KEY' | 'APNS_TOPIC'>> &
  Pick<PushConfig, 'APNS_URL_PRODUCTION' | 'APNS_URL_SANDBOX' | 'APNS_CA'>;

/** Reasons meaning the token will never work again (Apple: stop sending to it). */
const DEAD_TOKEN_REASONS = new Set(['Unregistered', 'BadDeviceToken', 'DeviceTokenNotForTopic']);
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * APNs over HTTP/2 with token-based (ES256 .p8) authentication, through @parse/node-apn: it keeps one HTTP/2
 * session per environment, signs and rotates the provider token, and honours Retry-After. One provider per
 * environment, since a token belongs to the sandbox or to production.
 */
export function createApnsTransport(config: ApnsConfig): PushTransport {
  const providers = new Map<'sandbox' | 'production', apn.Provider>();
  const provider = (environment: 'sandbox' | 'production') => {
    let existing = providers.get(environment);
    if (!existing) {
      const url = new URL(environment === 'production' ? config.APNS_URL_PRODUCTION : config.APNS_URL_SANDBOX);
      existing = new apn.Provider({
        token: { key: config.APNS_PRIVATE_KEY, keyId: config.APNS_KEY_ID, teamId: config.APNS_TEAM_ID },
        production: environment === 'production',
        address: url.hostname,
        port: Number(url.port || 443),
        ...(config.APNS_CA ? { ca: [config.APNS_CA] } : {}),
        // One quick retry inside the library; longer backoff belongs to the workflow.
        connectionRetryLimit: 1,
      });
      providers.set(environment, existing);
    }
    return existing;
  };

  return {
    async send(device, push) {
      const notification = new apn.Notification();
      notification.topic = config.APNS_TOPIC;
      notification.pushType = 'alert';
      notification.alert = { title: push.title, body: push.body };
      notification.payload = { job_id: push.jobId, status: push.status };
      // A repeated push for the same job replaces the earlier one on the device.
      notification.collapseId = push.jobId;
      const result = await provider(device.apnsEnvironment ?? 'production').send(notification, device.token);
      const failure = result.failed[0];
      if (!failure) return { outcome: 'sent' };
      const reason = failure.response?.reason ?? failure.error?.message ?? 'unknown';
      return { outcome: apnsOutcome(Number(failure.status), reason), reason };
    },
    async close() {
      await Promise.all([...providers.values()].map((each) => each.shutdown()));
    },
  };
}

function apnsOutcome(status: number, reason: string): PushOutcome {
  if (status === 410 || DEAD_TOKEN_REASONS.has(reason)) return 'unregistered';
  // No HTTP status: the connection failed or timed out.
  if (!Number.isFinite(status) || RETRY_STATUSES.has(status) || reason === 'ExpiredProviderToken') return 'retry';
  return 'rejected';
}
