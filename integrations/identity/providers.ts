import type { IdentityEnv } from '../../domain/config/identity.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { AppleIdentityTokens } from './apple.js';
import { GoogleIdentityTokens } from './google.js';
import type { IdentityProvider, IdentityTokenVerifier } from './identity-token.js';

export type IdentityVerifiers = (provider: IdentityProvider) => IdentityTokenVerifier;

/** The sign-in providers the configuration enables; asking for another answers 503 IDENTITY_PROVIDER_NOT_CONFIGURED. */
export function createIdentityVerifiers(config: IdentityEnv): IdentityVerifiers {
  const verifiers: Partial<Record<IdentityProvider, IdentityTokenVerifier>> = {};
  const refetchCooldownMs = config.IDENTITY_KEYS_REFETCH_COOLDOWN;
  if (config.APPLE_SIGN_IN_AUDIENCES.length > 0) {
    verifiers.apple = new AppleIdentityTokens({ audiences: config.APPLE_SIGN_IN_AUDIENCES, jwksUrl: config.APPLE_SIGN_IN_JWKS_URL, refetchCooldownMs });
  }
  if (config.GOOGLE_SIGN_IN_CLIENT_IDS.length > 0) {
    verifiers.google = new GoogleIdentityTokens({ clientIds: config.GOOGLE_SIGN_IN_CLIENT_IDS, certsUrl: config.GOOGLE_SIGN_IN_CERTS_URL, refetchCooldownMs });
  }
  return (provider) => {
    const verifier = verifiers[provider];
    if (!verifier) throw new AppError(503, ErrorCode.IDENTITY_PROVIDER_NOT_CONFIGURED, `Sign in with ${provider} is not configured.`);
    return verifier;
  };
}
