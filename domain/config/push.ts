import { z } from 'zod';
import { pem } from './env-values.js';

/**
 * Push notifications when a job ends (orchestrator). Each service is off until its settings are present:
 * APNs needs the key id, team id, private key and topic; FCM the service account JSON.
 */
export const pushEnvSchema = z.object({
  /** APNs token authentication: the .p8 key (PKCS#8 PEM, `\n` escapes allowed), its key id and the team id. */
  APNS_KEY_ID: z.string().min(1).optional(),
  APNS_TEAM_ID: z.string().min(1).optional(),
  APNS_PRIVATE_KEY: pem.optional(),
  /** The app's bundle id (the `apns-topic`). */
  APNS_TOPIC: z.string().min(1).optional(),
  /** APNs endpoints per environment (tests point them at a local fake). */
  APNS_URL_PRODUCTION: z.url().default('https://api.push.apple.com'),
  APNS_URL_SANDBOX: z.url().default('https://api.sandbox.push.apple.com'),
  /** Extra trusted CA certificate (PEM) for the APNs endpoints; only for a local fake. */
  APNS_CA: pem.optional(),
  /** FCM HTTP v1: a service account JSON key with the Firebase Cloud Messaging API; its project_id is the target. */
  FCM_SERVICE_ACCOUNT_JSON: z.string().min(1).optional(),
  FCM_API_URL: z.url().default('https://fcm.googleapis.com'),
  FCM_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
});

export type PushConfig = z.infer<typeof pushEnvSchema>;
