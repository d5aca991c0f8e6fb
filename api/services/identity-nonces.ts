import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { IdentityNonces } from '../../db/identity-nonces.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { nonceClaimOf, type VerifiedIdentity } from '../../integrations/identity/identity-token.js';

export interface IssuedNonce {
  /** Sent back with the provider's token. */
  nonce: string;
  /** SHA-256 (hex) of `nonce`: what the app hands Apple / Google, so the token's `nonce` claim holds it. */
  providerNonce: string;
  expiresInSeconds: number;
}

/** A fresh single-use sign-in nonce (256 random bits), valid for `ttlMs`. */
export async function issueSignInNonce(em: EntityManager, ttlMs: number): Promise<IssuedNonce> {
  const nonce = randomBytes(32).toString('base64url');
  const providerNonce = nonceClaimOf(nonce);
  await new IdentityNonces(em).issue(providerNonce, ttlMs);
  return { nonce, providerNonce, expiresInSeconds: Math.floor(ttlMs / 1000) };
}

/**
 * A provider token signs in once, and only for the sign-in the server started: its `nonce` claim must be the
 * SHA-256 of `nonce`, a nonce this server issued, unexpired and unspent; checking spends it (atomically, so of
 * two concurrent uses one wins). Anything else is 401 IDENTITY_NONCE_INVALID, including a token without a nonce.
 */
export async function spendSignInNonce(em: EntityManager, identity: VerifiedIdentity, nonce: string): Promise<void> {
  const claim = nonceClaimOf(nonce);
  if (identity.nonce !== claim || !(await new IdentityNonces(em).consume(claim))) {
    throw new AppError(401, ErrorCode.IDENTITY_NONCE_INVALID, 'The sign-in nonce is unknown, used or expired: request a new one and sign in again.');
  }
}
