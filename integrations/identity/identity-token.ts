import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../domain/errors.js';

export type IdentityProvider = 'apple' | 'google';

/** Who a provider says signed in, after the token verified. */
export interface VerifiedIdentity {
  provider: IdentityProvider;
  /** The provider's stable user id (`sub`). */
  subject: string;
  email: string | null;
  /** Only a verified email may name an account. */
  emailVerified: boolean;
  /** The token's `nonce` claim; the caller checks it against a nonce the server issued (see IdentityNonces). */
  nonce: string | null;
}

export interface IdentityTokenVerifier {
  verify(idToken: string): Promise<VerifiedIdentity>;
}

/** The provider's keys could not be fetched: the client may retry. */
export function keysUnavailable(): AppError {
  return new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The sign-in provider could not be reached; try again.');
}

export function invalidToken(message = 'The identity token is not valid.'): AppError {
  return new AppError(401, ErrorCode.IDENTITY_TOKEN_INVALID, message);
}

/**
 * What the app hands the provider for a server-issued nonce, hence what the token's `nonce` claim holds: the
 * nonce's SHA-256 (hex), as Sign in with Apple recommends, so the token never reveals the nonce itself.
 */
export function nonceClaimOf(nonce: string): string {
  return createHash('sha256').update(nonce).digest('hex');
}

/** Apple sends `email_verified` as a boolean or as the string "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
