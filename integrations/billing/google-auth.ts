import { gaxios, JWT, OAuth2Client } from 'google-auth-library';
import { z } from 'zod';

const ANDROID_PUBLISHER_SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
/** The token endpoint google-auth-library's service-account flow posts to; it has no option to change it. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

const serviceAccountSchema = z.object({ client_email: z.string().email(), private_key: z.string().min(1) });

/**
 * Service-account credentials for the Play Developer API (JWT bearer grant). Requests for Google's token
 * endpoint go to `tokenUrl` instead, so a local fake can stand in for Google in tests.
 */
export function serviceAccountAuth(serviceAccountJson: string, tokenUrl: string): JWT {
  const credentials = serviceAccountSchema.parse(JSON.parse(serviceAccountJson));
  const transporter = new gaxios.Gaxios();
  if (tokenUrl !== GOOGLE_TOKEN_URL) {
    transporter.interceptors.request.add({
      resolved: (config) => {
        if (config.url.href === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return Promise.resolve(config);
      },
    });
  }
  return new JWT({ email: credentials.client_email, key: credentials.private_key, scopes: [ANDROID_PUBLISHER_SCOPE], transporter });
}

export interface PushAuthOptions {
  audience: string;
  serviceAccountEmail: string;
  certsUrl: string;
}

/**
 * Authenticates a Pub/Sub push: the OIDC token Google attaches must be signed by Google (certs from
 * `certsUrl`), be meant for our audience, and name the service account configured on the subscription.
 * Returns false for anything else.
 */
export function pushAuthenticator(options: PushAuthOptions): (authorization: string | undefined) => Promise<boolean> {
  const client = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: options.certsUrl } });
  return async (authorization) => {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token) return false;
    try {
      const ticket = await client.verifyIdToken({ idToken: token, audience: options.audience });
      const claims = ticket.getPayload();
      return claims?.email === options.serviceAccountEmail && claims.email_verified === true;
    } catch {
      return false;
    }
  };
}
