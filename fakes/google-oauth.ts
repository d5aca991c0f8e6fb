import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import { json } from './http.js';

const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';

/**
 * Google's OAuth token endpoint for a service account (the JWT-bearer grant google-auth-library sends): checks
 * the assertion's signature, issuer, audience and scope, answers an access token and records it in `issued`.
 */
export function grantServiceAccountToken(
  body: Buffer,
  response: ServerResponse,
  account: { publicKey: string; clientEmail: string; scope: string },
  issued: Set<string>,
): void {
  const form = new URLSearchParams(body.toString());
  try {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('unsupported grant');
    const claims = jwt.verify(form.get('assertion') ?? '', account.publicKey, {
      algorithms: ['RS256'],
      audience: TOKEN_AUDIENCE,
      issuer: account.clientEmail,
    }) as { scope?: string };
    if (!claims.scope?.split(' ').includes(account.scope)) throw new Error('scope');
  } catch {
    return json(response, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  }
  const accessToken = `ya29.${randomBytes(24).toString('hex')}`;
  issued.add(accessToken);
  json(response, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
}
