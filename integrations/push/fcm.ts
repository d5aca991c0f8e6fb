import { gaxios, JWT } from 'google-auth-library';
import { z } from 'zod';
import type { PushConfig } from '../../domain/config/push.js';
import type { PushOutcome, PushTransport } from './message.js';

export type FcmConfig = Required<Pick<PushConfig, 'FCM_SERVICE_ACCOUNT_JSON'>> & Pick<PushConfig, 'FCM_API_URL' | 'FCM_OAUTH_TOKEN_URL'>;

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** The token endpoint google-auth-library's service-account flow posts to; it has no option to change it. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

const serviceAccountSchema = z.object({ project_id: z.string().min(1), client_email: z.email(), private_key: z.string().min(1) });
const fcmErrorSchema = z.object({
  error: z.object({ status: z.string().optional(), details: z.array(z.object({ errorCode: z.string().optional() }).loose()).optional() }),
});

/**
 * FCM HTTP v1 (`projects/{id}/messages:send`) with a service account. google-auth-library (Google's own, already
 * used for Google Play) signs the JWT grant and caches the access token; the send itself is one JSON POST.
 * firebase-admin would add a large dependency tree and cannot be pointed at a local fake.
 */
export function createFcmTransport(config: FcmConfig): PushTransport {
  const account = serviceAccountSchema.parse(JSON.parse(config.FCM_SERVICE_ACCOUNT_JSON));
  const transporter = new gaxios.Gaxios();
  if (config.FCM_OAUTH_TOKEN_URL !== GOOGLE_TOKEN_URL) {
    transporter.interceptors.request.add({
      resolved: (request) => {
        if (request.url.href === GOOGLE_TOKEN_URL) request.url = new URL(config.FCM_OAUTH_TOKEN_URL);
        return Promise.resolve(request);
      },
    });
  }
  const auth = new JWT({ email: account.client_email, key: account.private_key, scopes: [FCM_SCOPE], transporter });
  const endpoint = new URL(`/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`, config.FCM_API_URL);

  return {
    async send(device, push) {
      const { token } = await auth.getAccessToken();
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            message: {
              token: device.token,
              notification: { title: push.title, body: push.body },
              data: { job_id: push.jobId, status: push.status },
              // A repeated push for the same job replaces the earlier one on the device.
              android: { collapse_key: push.jobId, notification: { tag: push.jobId } },
            },
          }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        return { outcome: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
      if (response.ok) return { outcome: 'sent' };
      const parsed = fcmErrorSchema.safeParse(await response.json().catch(() => null));
      const reason = parsed.data?.error.details?.find((detail) => detail.errorCode)?.errorCode ?? parsed.data?.error.status ?? `HTTP ${response.status}`;
      return { outcome: fcmOutcome(response.status, reason), reason };
    },
    close: () => Promise.resolve(),
  };
}

function fcmOutcome(status: number, reason: string): PushOutcome {
  if (reason === 'UNREGISTERED') return 'unregistered';
  if (RETRY_STATUSES.has(status)) return 'retry';
  return 'rejected';
}
