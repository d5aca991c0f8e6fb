import { z } from 'zod';
import { csv, durationMs } from './env-values.js';

/**
 * Sign in with Apple / Google. Each provider is enabled by its audiences; without them its sign-in answers 503
 * IDENTITY_PROVIDER_NOT_CONFIGURED. Key URLs are configurable so tests (and staging) can run local key servers.
 */
export const identityEnvSchema = z.object({
  /** Accepted `aud` of Apple identity tokens: the app's bundle id (and a Services ID for web sign-in), comma-separated. */
  APPLE_SIGN_IN_AUDIENCES: csv.default([]),
  APPLE_SIGN_IN_JWKS_URL: z.string().url().default('https://appleid.apple.com/auth/keys'),
  /** Accepted `aud` of Google ID tokens: the OAuth client ids of the iOS, Android and web apps, comma-separated. */
  GOOGLE_SIGN_IN_CLIENT_IDS: csv.default([]),
  GOOGLE_SIGN_IN_CERTS_URL: z.string().url().default('https://www.googleapis.com/oauth2/v1/certs'),
  /** A token signed with a key id not in the cached key set refetches the keys at most once per this interval. */
  IDENTITY_KEYS_REFETCH_COOLDOWN: durationMs.default(30_000),
  /** A sign-in nonce (POST /auth/identity/nonce) must be spent within this; each signs in once. */
  IDENTITY_NONCE_TTL: durationMs.default(600_000),
});

export type IdentityEnv = z.infer<typeof identityEnvSchema>;
