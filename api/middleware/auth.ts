import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { z } from 'zod';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { ACCESS_TOKEN_ALGORITHM, type AccessTokenConfig } from '../services/access-tokens.js';
import type { AppState, AuthUser } from '../state.js';

const accessClaimsSchema = z.object({ sub: z.uuid(), email: z.string() });

interface TokenState extends AppState {
  accessClaims?: unknown;
  user?: AuthUser;
}

/**
 * Requires `Authorization: Bearer <access token>`: HS256 only (no `none`, no RS/HS confusion), our issuer and
 * audience, not expired. Puts `{ id, email }` on `ctx.state.user`; anything else is 401 UNAUTHORIZED.
 */
export function requireUser(config: AccessTokenConfig): Middleware<TokenState> {
  const verifyToken = koaJwt({
    secret: config.JWT_SECRET,
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    key: 'accessClaims',
  });
  return async (ctx, next) => {
    await verifyToken(ctx, async () => {
      const claims = accessClaimsSchema.safeParse(ctx.state.accessClaims);
      if (!claims.success) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'Authentication Error');
      ctx.state.user = { id: claims.data.sub, email: claims.data.email };
      await next();
    });
  };
}
