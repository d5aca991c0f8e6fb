import { z } from 'zod';
import { UserIdentities } from '../../db/identities.js';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import { describePeriod } from '../../domain/lifecycle/retention.js';
import type { VerifiedIdentity } from '../../integrations/identity/identity-token.js';
import { createIdentityVerifiers } from '../../integrations/identity/providers.js';
import { consumePoint } from '../middleware/rate-limit.js';
import type { ApiRoutes } from '../routing.js';
import type { Accounts, Session } from '../services/accounts.js';
import { issueSignInNonce, spendSignInNonce } from '../services/identity-nonces.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { reauthenticationGuards, requireReauthentication } from '../services/reauthentication.js';
import { sessionBody, sessionSchema, type AuthRouteDeps } from './auth.js';

const providerSchema = z.enum(['apple', 'google']);

const nonceSchema = z
  .object({
    nonce: z.string().meta({ description: 'Send it back with the provider token (POST /auth/identity or /auth/identity/link).' }),
    provider_nonce: z.string().meta({ description: "Its SHA-256 (hex): hand this to Apple / Google as the sign-in's nonce." }),
    expires_in: z.int().meta({ description: 'Seconds the nonce stays valid; it signs in once.' }),
  })
  .meta({ id: 'SignInNonce' });

const identityTokenSchema = z
  .object({
    provider: providerSchema,
    id_token: z.string().min(1).max(8_192).meta({ description: "The provider's identity token (a JWT)." }),
    nonce: z.string().min(1).max(512).meta({
      description: 'The nonce from POST /auth/identity/nonce; the token must carry its SHA-256 (hex). Each nonce signs in once.',
    }),
  })
  .meta({ id: 'IdentityTokenRequest' });

const reauthenticationFields = {
  password: z.string().min(1).max(256).optional().meta({ description: 'Required unless the access token comes from a recent sign-in.' }),
};

const linkRequestSchema = identityTokenSchema.extend(reauthenticationFields).meta({ id: 'LinkIdentityRequest' });
const unlinkRequestSchema = z.object(reauthenticationFields).meta({ id: 'UnlinkIdentityRequest' });

const linkedSchema = z.object({ provider: providerSchema, linked: z.literal(true) }).meta({ id: 'LinkedIdentity' });

export type IdentityRouteDeps = Pick<AuthRouteDeps, 'orm' | 'rateLimiters'> & {
  config: Pick<ApiConfig, 'ACCOUNT_DELETION_REAUTH_WINDOW' | 'IDENTITY_NONCE_TTL' | 'PASSWORD_HASH_QUEUE' | 'PASSWORD_HASH_WAIT_MS'> &
    Parameters<typeof createIdentityVerifiers>[0];
  accounts: Accounts;
};

/** Sign in with Apple / Google, and linking one to (or unlinking one from) a signed-in account. */
export function identityRoutes(routes: ApiRoutes, deps: IdentityRouteDeps): void {
  const verifiers = createIdentityVerifiers(deps.config);
  const { accounts } = deps;
  const { ACCOUNT_DELETION_REAUTH_WINDOW: windowMs, PASSWORD_HASH_QUEUE: queue, PASSWORD_HASH_WAIT_MS: waitMs } = deps.config;
  const guards = reauthenticationGuards(new LoginThrottle(deps.rateLimiters), { queue, waitMs });
  const tags = ['auth'];
  const recentSignIn = `a password, or an access token from a sign-in (not a refresh) less than ${describePeriod(windowMs)} old`;
  /** The identity a token proves, once: signature, issuer, audience, expiry, then its server-issued nonce is spent. */
  const verify = async (body: z.infer<typeof identityTokenSchema>) => {
    const identity = await verifiers(body.provider).verify(body.id_token);
    await spendSignInNonce(deps.orm.em, identity, body.nonce);
    return identity;
  };

  routes.public({
    method: 'post',
    path: '/auth/identity/nonce',
    summary: 'Start a sign-in with Apple or Google',
    description:
      `A single-use nonce, valid for ${describePeriod(deps.config.IDENTITY_NONCE_TTL)}: hand \`provider_nonce\` (its SHA-256) to ` +
      'Apple / Google, then send the token with `nonce` to POST /auth/identity (or /auth/identity/link). Spends from the ' +
      "client IP's login budget.",
    tags,
    responses: { 201: { description: 'Issued.', schema: nonceSchema } },
    errors: { 429: [ErrorCode.RATE_LIMITED] },
    handler: async (ctx) => {
      await consumePoint(deps.rateLimiters.loginByIp, ctx.ip);
      const issued = await issueSignInNonce(deps.orm.em, deps.config.IDENTITY_NONCE_TTL);
      ctx.status = 201;
      ctx.body = { nonce: issued.nonce, provider_nonce: issued.providerNonce, expires_in: issued.expiresInSeconds } satisfies z.infer<typeof nonceSchema>;
    },
  });

  routes.public({
    method: 'post',
    path: '/auth/identity',
    summary: 'Sign in with Apple or Google',
    description:
      "Verifies the provider's identity token (signature against the provider's published keys, issuer, audience = " +
      'the app, expiry) and spends its nonce: the token must carry the SHA-256 of a nonce from POST /auth/identity/nonce, ' +
      'unused and unexpired (401 IDENTITY_NONCE_INVALID otherwise, also for a token without a nonce), so a token signs in ' +
      'once. A known identity signs in (200). A new one creates an account (201) with the signup ' +
      'credits, under the same sign-up budgets as /auth/register. An identity whose email belongs to an existing ' +
      'account is not merged: 409 IDENTITY_EMAIL_IN_USE — sign in to that account and link the provider with ' +
      'POST /auth/identity/link. A closed account gets no session (401 ACCOUNT_CLOSED). A provider the server does not ' +
      'accept answers 503 IDENTITY_PROVIDER_NOT_CONFIGURED.',
    tags,
    request: { body: identityTokenSchema },
    responses: { 200: { description: 'Signed in.', schema: sessionSchema }, 201: { description: 'Account created and signed in.', schema: sessionSchema } },
    errors: {
      401: [ErrorCode.IDENTITY_TOKEN_INVALID, ErrorCode.IDENTITY_NONCE_INVALID, ErrorCode.ACCOUNT_CLOSED],
      409: [ErrorCode.IDENTITY_EMAIL_IN_USE, ErrorCode.CONFLICT],
      429: [ErrorCode.RATE_LIMITED],
      503: [ErrorCode.IDENTITY_PROVIDER_NOT_CONFIGURED, ErrorCode.SERVICE_UNAVAILABLE],
    },
    handler: async (ctx) => {
      const identity = await verify(ctx.state.input.body);
      const owner = await new UserIdentities(deps.orm.em).owner(identity.provider, identity.subject);
      if (owner) {
        ctx.body = sessionBody(await accounts.signInAs(deps.orm.em, owner));
        return;
      }
      ctx.status = 201;
      ctx.body = sessionBody(await signUp(identity, ctx.ip));
    },
  });

  routes.authenticated({
    method: 'post',
    path: '/auth/identity/link',
    summary: 'Link Sign in with Apple or Google to your account',
    description:
      `Needs ${recentSignIn} (401 REAUTHENTICATION_REQUIRED otherwise), and a token with a fresh nonce as for ` +
      'POST /auth/identity. After linking, the provider signs in to this account. 409 IDENTITY_ALREADY_LINKED when the ' +
      'identity belongs to another account or this account already has another identity of that provider.',
    tags,
    request: { body: linkRequestSchema },
    responses: { 200: { description: 'Linked (also when it already was).', schema: linkedSchema } },
    errors: {
      401: [ErrorCode.REAUTHENTICATION_REQUIRED, ErrorCode.IDENTITY_TOKEN_INVALID, ErrorCode.IDENTITY_NONCE_INVALID],
      409: [ErrorCode.IDENTITY_ALREADY_LINKED],
      503: [ErrorCode.IDENTITY_PROVIDER_NOT_CONFIGURED, ErrorCode.SERVICE_UNAVAILABLE],
    },
    handler: async (ctx) => {
      const { password, ...token } = ctx.state.input.body;
      await requireReauthentication(deps.orm.em, guards, ctx.state.user, { password, clientIp: ctx.ip, windowMs });
      const identity = await verify(token);
      const identities = new UserIdentities(deps.orm.em);
      const linked = (await identities.link(ctx.state.user.id, identity)) || (await identities.owner(identity.provider, identity.subject)) === ctx.state.user.id;
      if (!linked) throw new AppError(409, ErrorCode.IDENTITY_ALREADY_LINKED, `This ${identity.provider} identity cannot be linked to this account.`);
      ctx.body = { provider: identity.provider, linked: true } satisfies z.infer<typeof linkedSchema>;
    },
  });

  routes.authenticated({
    method: 'delete',
    path: '/auth/identity/:provider',
    summary: 'Unlink Sign in with Apple or Google from your account',
    description:
      `Needs ${recentSignIn} (401 REAUTHENTICATION_REQUIRED otherwise). Idempotent. 409 IDENTITY_LAST_SIGN_IN_METHOD ` +
      'when it is the only way an account without a password signs in.',
    tags,
    request: { params: z.object({ provider: providerSchema }), body: unlinkRequestSchema },
    responses: { 204: { description: 'Unlinked (also when it was not linked).' } },
    errors: { 401: [ErrorCode.REAUTHENTICATION_REQUIRED], 409: [ErrorCode.IDENTITY_LAST_SIGN_IN_METHOD] },
    handler: async (ctx) => {
      await requireReauthentication(deps.orm.em, guards, ctx.state.user, { password: ctx.state.input.body.password, clientIp: ctx.ip, windowMs });
      const provider = ctx.state.input.params.provider;
      if ((await new UserIdentities(deps.orm.em).unlink(ctx.state.user.id, provider)) === 'last') {
        throw new AppError(409, ErrorCode.IDENTITY_LAST_SIGN_IN_METHOD, `Sign in with ${provider} is this account's only sign-in method.`);
      }
      ctx.status = 204;
    },
  });

  /** A new account for a first sign-in; a verified email already in use is never merged silently. */
  async function signUp(identity: VerifiedIdentity, clientIp: string): Promise<Session> {
    const identities = new UserIdentities(deps.orm.em);
    const email = identity.email && identity.emailVerified ? identity.email : placeholderEmail(identity);
    if (await identities.emailInUse(email)) {
      throw new AppError(409, ErrorCode.IDENTITY_EMAIL_IN_USE, 'An account with this email exists: sign in to it and link this provider.');
    }
    try {
      return await accounts.registerWithIdentity(deps.orm.em, email, clientIp, async (tx, userId) => {
        if (!(await new UserIdentities(tx).link(userId, identity))) throw new AppError(409, ErrorCode.CONFLICT, 'This identity was just registered; try again.');
      });
    } catch (error) {
      // A concurrent sign-up took the email between the check and the insert.
      if (error instanceof AppError && error.code === ErrorCode.EMAIL_TAKEN) {
        throw new AppError(409, ErrorCode.IDENTITY_EMAIL_IN_USE, 'An account with this email exists: sign in to it and link this provider.');
      }
      throw error;
    }
  }
}

/** Accounts need an email; without a verified one the identity gets an address that can never receive mail. */
function placeholderEmail(identity: VerifiedIdentity): string {
  return `${identity.provider}-${identity.subject.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}@identity.invalid`;
}
