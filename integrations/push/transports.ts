import type { PushConfig } from '../../domain/config/push.js';
import { createApnsTransport } from './apns.js';
import { createFcmTransport } from './fcm.js';
import type { PushTransports } from './message.js';

/** The push services whose settings are present; none configured means pushes are off. */
export function createPushTransports(config: PushConfig): PushTransports {
  const { APNS_KEY_ID, APNS_TEAM_ID, APNS_PRIVATE_KEY, APNS_TOPIC, FCM_SERVICE_ACCOUNT_JSON } = config;
  return {
    ...(APNS_KEY_ID && APNS_TEAM_ID && APNS_PRIVATE_KEY && APNS_TOPIC
      ? { ios: createApnsTransport({ ...config, APNS_KEY_ID, APNS_TEAM_ID, APNS_PRIVATE_KEY, APNS_TOPIC }) }
      : {}),
    ...(FCM_SERVICE_ACCOUNT_JSON ? { android: createFcmTransport({ ...config, FCM_SERVICE_ACCOUNT_JSON }) } : {}),
  };
}
