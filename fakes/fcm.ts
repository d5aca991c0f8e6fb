import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { grantServiceAccountToken } from './google-oauth.js';
import { json, listen } from './http.js';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FcmDelivery {
  token: string;
  notification?: { title?: string; body?: string };
  data?: Record<string, string>;
  android?: { collapse_key?: string };
}

/**
 * A local FCM HTTP v1: the OAuth token endpoint (JWT-bearer grant signed by the service account it hands out),
 * `POST /v1/projects/<id>/messages:send` with the bearer token, and FCM's answers: 200, 404 UNREGISTERED,
 * 429 QUOTA_EXCEEDED.
 */
export class FakeFcm {
  readonly projectId = 'oneshot-test';
  readonly delivered: FcmDelivery[] = [];
  /** Tokens answered 404 UNREGISTERED. */
  readonly unregistered = new Set<string>();
  /** Token → how many more sends answer 429 QUOTA_EXCEEDED. */
  readonly throttled = new Map<string, number>();
  private readonly account: { client_email: string; private_key: string; public_key: string };
  private readonly accessTokens = new Set<string>();
  private server?: { url: string; close: () => Promise<void> };

  constructor() {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.account = {
      client_email: 'fcm-sender@oneshot-test.iam.gserviceaccount.com',
      private_key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      public_key: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  /** The service account key file the backend is configured with. */
  get serviceAccountJson(): string {
    return JSON.stringify({ type: 'service_account', project_id: this.projectId, client_email: this.account.client_email, private_key: this.account.private_key });
  }

  async start(): Promise<this> {
    this.server = await listen((request, body, response) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      if (request.method === 'POST' && url.pathname === '/token') return this.token(body, response);
      if (request.method === 'POST' && url.pathname === `/v1/projects/${this.projectId}/messages:send`) {
        const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (!bearer || !this.accessTokens.has(bearer)) return json(response, 401, fcmError(401, 'UNAUTHENTICATED'));
        return this.send(JSON.parse(body.toString()).message as FcmDelivery, response);
      }
      return json(response, 404, fcmError(404, 'NOT_FOUND'));
    });
    return this;
  }

  get url(): string {
    return this.server!.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private send(message: FcmDelivery, response: ServerResponse): void {
    if (this.unregistered.has(message.token)) return json(response, 404, fcmError(404, 'NOT_FOUND', 'UNREGISTERED'));
    const throttles = this.throttled.get(message.token) ?? 0;
    if (throttles > 0) {
      this.throttled.set(message.token, throttles - 1);
      return json(response, 429, fcmError(429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED'));
    }
    this.delivered.push(message);
    json(response, 200, { name: `projects/${this.projectId}/messages/${randomBytes(8).toString('hex')}` });
  }

  private token(body: Buffer, response: ServerResponse): void {
    grantServiceAccountToken(body, response, { publicKey: this.account.public_key, clientEmail: this.account.client_email, scope: SCOPE }, this.accessTokens);
  }

}

function fcmError(code: number, status: string, errorCode?: string) {
  return {
    error: {
      code,
      message: status,
      status,
      ...(errorCode ? { details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } : {}),
    },
  };
}
