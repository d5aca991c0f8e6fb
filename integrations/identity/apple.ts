import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { invalidToken, isTrue, keysUnavailable, type IdentityTokenVerifier, type VerifiedIdentity } from './identity-token.js';

export const APPLE_ISSUER = 'https://appleid.apple.com';

/**
 * Sign in with Apple identity tokens, verified against Apple's published keys (JWKS): signature, issuer, audience
 * (the bundle id) and expiry; the nonce claim is returned for the caller to check. The key set is cached; a token
 * signed with an unknown key id refetches it, at most once per cooldown, which is how Apple's key rotation reaches us.
 */
export class AppleIdentityTokens implements IdentityTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: { audiences: string[]; jwksUrl: string; refetchCooldownMs: number }) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: options.refetchCooldownMs });
  }

  async verify(idToken: string): Promise<VerifiedIdentity> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(idToken, this.keys, { issuer: APPLE_ISSUER, audience: this.options.audiences, algorithms: ['RS256'] }));
    } catch (error) {
      // A failed key fetch surfaces as a timeout or a non-JOSE (network) error.
      throw error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout) ? invalidToken() : keysUnavailable();
    }
    if (!claims.sub) throw invalidToken();
    return {
      provider: 'apple',
      subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      emailVerified: isTrue(claims.email_verified),
      nonce: typeof claims.nonce === 'string' ? claims.nonce : null,
    };
  }
}
