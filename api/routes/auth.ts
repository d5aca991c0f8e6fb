import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { RateLimiters } from '../middleware/rate-limit.js';
import type { ApiRoutes } from '../routing.js';
import { Accounts, type AccountConfig, type Session } from '../services/accounts.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { PasswordHasher } from '../services/passwords.js';
import { RegistrationThrottle } from '../services/registration-throttle.js';

const credentialsSchema = z
  .object({
    // The spec states exactly what is enforced: zod's email pattern and the length. (`format: email` would be a
    // different rule: JSON Schema's email format refuses addresses the pattern admits, e.g. a 65-character local part.)
    email: z.string().max(254).regex(z.regexes.email, 'Invalid email address').meta({ example: 'user@example.com' }),
    password: z.string().min(8).max(256),
  })
  .meta({ id: 'Credentials' });

const loginSchema = credentialsSchema
  .extend({ password: z.string().min(1).max(256) })
  .meta({ id: 'LoginRequest' });

const refreshTokenSchema = z
  .object({ refresh_token: z.string().min(1).max(512) })
  .meta({ id: 'RefreshTokenRequest' });

const userSummarySchema = z
  .object({ id: z.uuid(), email: z.string(), credits: z.int() })
  .meta({ id: 'UserSummary' });

export const sessionSchema = z
  .object({
    access_token: z.string().meta({ description: 'Send as `Authorization: Bearer <token>`.' }),
    token_type: z.literal('bearer'),
    expires_in: z.int().meta({ description: 'Access token lifetime in seconds.' }),
    refresh_token: z.string().meta({ description: 'Single use: POST it to /auth/refresh for a new pair.' }),
    user: userSummarySchema,
  })
  .meta({ id: 'AuthSession' });

const meSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    credits: z.int(),
    subscription_status: z.enum(['inactive', 'active', 'grace_period', 'billing_retry', 'expired', 'revoked']),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Me' });

export interface AuthRouteDeps {
  config: AccountConfig & Pick<ApiConfig, 'PASSWORD_HASH_CONCURRENCY' | 'PASSWORD_HASH_QUEUE' | 'PASSWORD_HASH_WAIT_MS'>;
  orm: MikroORM;
  rateLimiters: RateLimiters;
}

/** The account service with its sign-up and login budgets and the password hashing gate. */
export function createAccounts(deps: AuthRouteDeps): Accounts {
  const { PASSWORD_HASH_CONCURRENCY: concurrency, PASSWORD_HASH_QUEUE: queue, PASSWORD_HASH_WAIT_MS: waitMs } = deps.config;
  return new Accounts(deps.config, {
    login: new LoginThrottle(deps.rateLimiters),
    registration: new RegistrationThrottle(deps.rateLimiters),
    passwords: new PasswordHasher({ concurrency, queue, waitMs }),
  });
}

/** Register, login, me, refresh, logout. */
export function authRoutes(routes: ApiRoutes, deps: { orm: MikroORM; accounts: Accounts }): void {
  const { accounts } = deps;
  const tags = ['auth'];

  routes.public({
    method: 'post',
    path: '/auth/register',
    summary: 'Create an account',
    description:
      'New accounts start with the configured signup credits. Sign-ups are budgeted per client IP and overall ' +
      '(429 with Retry-After beyond); when the server is busy hashing passwords it answers 503 with Retry-After.',
    tags,
    request: { body: credentialsSchema },
    responses: { 201: { description: 'Signed in.', schema: sessionSchema } },
    errors: { 409: [ErrorCode.EMAIL_TAKEN], 429: [ErrorCode.RATE_LIMITED], 503: [ErrorCode.SERVICE_UNAVAILABLE] },
    handler: async (ctx) => {
      ctx.status = 201;
      ctx.body = sessionBody(await accounts.register(deps.orm.em, ctx.state.input.body, ctx.ip));
    },
  });

  routes.public({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in with email and password',
    description: 'Throttled per client IP and per account; a locked account answers 429 until its window passes.',
    tags,
    request: { body: loginSchema },
    responses: { 200: { description: 'Signed in.', schema: sessionSchema } },
    errors: { 401: [ErrorCode.INVALID_CREDENTIALS], 429: [ErrorCode.RATE_LIMITED], 503: [ErrorCode.SERVICE_UNAVAILABLE] },
    handler: async (ctx) => {
      ctx.body = sessionBody(await accounts.login(deps.orm.em, ctx.state.input.body, ctx.ip));
    },
  });

  routes.public({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Exchange a refresh token for a new token pair',
    description:
      'Refresh tokens are single use. Presenting a spent one again revokes every token descended from the same login.',
    tags,
    request: { body: refreshTokenSchema },
    responses: { 200: { description: 'A new pair.', schema: sessionSchema } },
    errors: { 401: [ErrorCode.INVALID_REFRESH_TOKEN] },
    handler: async (ctx) => {
      ctx.body = sessionBody(await accounts.refresh(deps.orm.em, ctx.state.input.body.refresh_token, ctx.state.logger));
    },
  });

  routes.public({
    method: 'post',
    path: '/auth/logout',
    summary: 'Revoke a refresh token and its whole family',
    description: 'Idempotent. Access tokens already issued stay valid until they expire.',
    tags,
    request: { body: refreshTokenSchema },
    responses: { 204: { description: 'Signed out.' } },
    handler: async (ctx) => {
      await accounts.logout(deps.orm.em, ctx.state.input.body.refresh_token);
      ctx.status = 204;
    },
  });

  routes.authenticated({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in user',
    tags,
    responses: { 200: { description: 'The caller.', schema: meSchema } },
    handler: async (ctx) => {
      const user = await accounts.profile(deps.orm.em, ctx.state.user.id);
      if (!user) throw new AppError(401, ErrorCode.UNAUTHORIZED, 'This account no longer exists.');
      ctx.body = {
        id: user.id,
        email: user.email,
        credits: user.credits,
        subscription_status: user.subscriptionStatus,
        created_at: user.createdAt.toISOString(),
      } satisfies z.infer<typeof meSchema>;
    },
  });
}

export function sessionBody(session: Session): z.infer<typeof sessionSchema> {
  return {
    access_token: session.accessToken.token,
    token_type: 'bearer',
    expires_in: session.accessToken.expiresInSeconds,
    refresh_token: session.refreshToken,
    user: session.user,
  };
}
