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
}

export interface IdentityTokenVerifier {
  verify(idToken: string, nonce: string | undefined): Promise<VerifiedIdentity>;
}

/** The provider's keys could not be fetched: the client may retry. */
export function keysUnavailable(): AppError {
  return new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The sign-in provider could not be reached; try again.');
}

export function invalidToken(message = 'The identity token is not valid.'): AppError {
  return new AppError(401, ErrorCode.IDENTITY_TOKEN_INVALID, message);
}

/**
 * The token's `nonce` claim against the raw nonce the app generated: apps hand the provider its SHA-256 (hex), as
 * Sign in with Apple recommends, or the nonce itself. A token with a nonce needs the matching one, and a nonce
 * sent with a token that carries none fails, so a token taken from one sign-in cannot be replayed into another.
 */
export function checkNonce(claim: unknown, nonce: string | undefined): void {
  if (claim === undefined && nonce === undefined) return;
  if (typeof claim !== 'string' || nonce === undefined) throw invalidToken('The identity token nonce does not match.');
  if (claim !== nonce && claim !== createHash('sha256').update(nonce).digest('hex')) throw invalidToken('The identity token nonce does not match.');
}

/** Apple sends `email_verified` as a boolean or as the string "true". */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
