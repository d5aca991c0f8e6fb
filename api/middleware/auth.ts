import { createSecretKey } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { z } from 'zod';
import { AccountErasure } from '../../db/account-erasure.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { ChangeInvalidatedCache } from '../../integrations/change-invalidated-cache.js';
import { ACCESS_TOKEN_ALGORITHM, type AccessTokenConfig } from '../services/access-tokens.js';
import type { AppState, AuthedState, AuthUser } from '../state.js';

const accessClaimsSchema = z.object({ sub: z.uuid(), email: z.string(), auth_time: z.int().optional() });

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
    // A key object made once: given a string, jsonwebtoken would first try (and fail) to parse it as a public key
    // on every request. koa-jwt hands it to jsonwebtoken unchanged; only its types predate key objects.
    secret: createSecretKey(Buffer.from(config.JWT_SECRET)) as unknown as Buffer,
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    key: 'accessClaims',
  });
  return async (ctx, next) => {
    await verifyToken(ctx, async () => {
      const claims = accessClaimsSchema.safeParse(ctx.state.accessClaims);
      if (!claims.success) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'Authentication Error');
      const { sub: id, email, auth_time: authTime } = claims.data;
      ctx.state.user = { id, email, ...(authTime === undefined ? {} : { authenticatedAt: new Date(authTime * 1000) }) };
      await next();
    });
  };
}

/**
 * Refuses the access tokens of closed accounts (401), which stay cryptographically valid until they expire:
 * deletion takes effect at once. The answer is cached per process until the account's change is announced.
 */
export function requireOpenAccount(orm: MikroORM, openAccounts: ChangeInvalidatedCache<boolean>): Middleware<AuthedState> {
  return async (ctx, next) => {
    const userId = ctx.state.user.id;
    if (!(await openAccounts.get(userId, () => new AccountErasure(orm.em.fork()).isOpen(userId)))) {
      throw new AppError(401, ErrorCode.UNAUTHORIZED, 'This account has been deleted.');
    }
    await next();
  };
}
