import { OAuth2Client } from 'google-auth-library';
import { invalidToken, keysUnavailable, type IdentityTokenVerifier, type VerifiedIdentity } from './identity-token.js';

const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

/**
 * Google ID tokens verified by google-auth-library against Google's published certificates (signature, issuer,
 * audience = one of the app's OAuth client ids, expiry); the nonce claim is returned for the caller to check. The
 * library caches the certificates for as long as Google says; a token signed with a key it does not have starts a
 * fresh client (a refetch), at most once per cooldown.
 */
export class GoogleIdentityTokens implements IdentityTokenVerifier {
  private client: OAuth2Client;
  private lastRefetch = 0;

  constructor(private readonly options: { clientIds: string[]; certsUrl: string; refetchCooldownMs: number }) {
    this.client = this.newClient();
  }

  async verify(idToken: string): Promise<VerifiedIdentity> {
    let claims;
    try {
      claims = await this.verifyWithRefetch(idToken);
    } catch (error) {
      throw error instanceof Error && /Failed to retrieve verification certificates/.test(error.message) ? keysUnavailable() : invalidToken();
    }
    if (!claims?.sub || !GOOGLE_ISSUERS.includes(claims.iss)) throw invalidToken();
    return { provider: 'google', subject: claims.sub, email: claims.email ?? null, emailVerified: claims.email_verified === true, nonce: claims.nonce ?? null };
  }

  private async verifyWithRefetch(idToken: string) {
    try {
      return (await this.client.verifyIdToken({ idToken, audience: this.options.clientIds })).getPayload();
    } catch (error) {
      const unknownKey = error instanceof Error && /No pem found for envelope/.test(error.message);
      if (!unknownKey || Date.now() - this.lastRefetch < this.options.refetchCooldownMs) throw error;
      this.lastRefetch = Date.now();
      this.client = this.newClient();
      return (await this.client.verifyIdToken({ idToken, audience: this.options.clientIds })).getPayload();
    }
  }

  private newClient(): OAuth2Client {
    return new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: this.options.certsUrl } });
  }
}
