import jwt from 'jsonwebtoken';
import type { ApiConfig } from '../../domain/config/index.js';
import type { AuthUser } from '../state.js';

export type AccessTokenConfig = Pick<ApiConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_AUDIENCE' | 'JWT_EXPIRATION_HOURS'>;

/** Pinned on both sides: tokens are signed and accepted with this algorithm only. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

export interface AccessToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * `authenticatedAt` (the OIDC `auth_time` claim) is set when the user has just proven who they are (login,
 * registration), never on a refresh: sensitive actions such as account deletion accept a recent one.
 */
export function signAccessToken(config: AccessTokenConfig, user: Pick<AuthUser, 'id' | 'email'>, authenticatedAt?: Date): AccessToken {
  const expiresInSeconds = Math.round(config.JWT_EXPIRATION_HOURS * 3600);
  const claims = { email: user.email, ...(authenticatedAt ? { auth_time: Math.floor(authenticatedAt.getTime() / 1000) } : {}) };
  const token = jwt.sign(claims, config.JWT_SECRET, {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    subject: user.id,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: expiresInSeconds,
  });
  return { token, expiresInSeconds };
}
