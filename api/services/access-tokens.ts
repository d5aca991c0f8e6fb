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

export function signAccessToken(config: AccessTokenConfig, user: AuthUser): AccessToken {
  const expiresInSeconds = Math.round(config.JWT_EXPIRATION_HOURS * 3600);
  const token = jwt.sign({ email: user.email }, config.JWT_SECRET, {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    subject: user.id,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: expiresInSeconds,
  });
  return { token, expiresInSeconds };
}
