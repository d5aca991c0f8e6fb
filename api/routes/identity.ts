import { z } from 'zod';
import { UserIdentities } from '../../db/identities.js';
import type { IdentityEnv } from '../../domain/config/identity.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { VerifiedIdentity } from '../../integrations/identity/identity-token.js';
import { createIdentityVerifiers } from '../../integrations/identity/providers.js';
import type { ApiRoutes } from '../routing.js';
import type { Accounts, Session } from '../services/accounts.js';
import { sessionBody, sessionSchema, type AuthRouteDeps } from './auth.js';

const identityTokenSchema = z
  .object({
    provider: z.enum(['apple', 'google']),
    id_token: z.string().min(1).max(8_192).meta({ description: "The provider's identity token (a JWT)." }),
    nonce: z.string().min(1).max(512).optional().meta({
      description: 'The raw nonce the app generated for this sign-in; the token must carry it or its SHA-256 (hex).',
    }),
  })
  .meta({ id: 'IdentityTokenRequest' });

const linkedSchema = z.object({ provider: z.enum(['apple', 'google']), linked: z.literal(true) }).meta({ id: 'LinkedIdentity' });

/** Sign in with Apple / Google, and linking one to a signed-in account. */
export function identityRoutes(routes: ApiRoutes, deps: Pick<AuthRouteDeps, 'orm'> & { config: IdentityEnv; accounts: Accounts }): void {
  const verifiers = createIdentityVerifiers(deps.config);
  const { accounts } = deps;
  const tags = ['auth'];
  const verify = (body: z.infer<typeof identityTokenSchema>) => verifiers(body.provider).verify(body.id_token, body.nonce);

  routes.public({
    method: 'post',
    path: '/auth/identity',
    summary: 'Sign in with Apple or Google',
    description:
      "Verifies the provider's identity token (signature against the provider's published keys, issuer, audience = " +
      'the app, expiry, nonce). A known identity signs in (200). A new one creates an account (201) with the signup ' +
      'credits, under the same sign-up budgets as /auth/register. An identity whose email belongs to an existing ' +
      'account is not merged: 409 IDENTITY_EMAIL_IN_USE — sign in to that account and link the provider with ' +
      'POST /auth/identity/link. A provider the server does not accept answers 503 IDENTITY_PROVIDER_NOT_CONFIGURED.',
    tags,
    request: { body: identityTokenSchema },
    responses: { 200: { description: 'Signed in.', schema: sessionSchema }, 201: { description: 'Account created and signed in.', schema: sessionSchema } },
    errors: {
      401: [ErrorCode.IDENTITY_TOKEN_INVALID],
      409: [ErrorCode.IDENTITY_EMAIL_IN_USE],
      429: [ErrorCode.RATE_LIMITED],
      503: [ErrorCode.IDENTITY_PROVIDER_NOT_CONFIGURED, ErrorCode.SERVICE_UNAVAILABLE],
    },
    handler: async (ctx) => {
      const identity = await verify(ctx.state.input.body);
      const identities = new UserIdentities(deps.orm.em);
      const owner = await identities.owner(identity.provider, identity.subject);
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
      'After linking, the provider signs in to this account. 409 IDENTITY_ALREADY_LINKED when the identity belongs ' +
      'to another account or this account already has another identity of that provider.',
    tags,
    request: { body: identityTokenSchema },
    responses: { 200: { description: 'Linked (also when it already was).', schema: linkedSchema } },
    errors: { 401: [ErrorCode.IDENTITY_TOKEN_INVALID], 409: [ErrorCode.IDENTITY_ALREADY_LINKED], 503: [ErrorCode.IDENTITY_PROVIDER_NOT_CONFIGURED, ErrorCode.SERVICE_UNAVAILABLE] },
    handler: async (ctx) => {
      const identity = await verify(ctx.state.input.body);
      const identities = new UserIdentities(deps.orm.em);
      const linked = (await identities.link(ctx.state.user.id, identity)) || (await identities.owner(identity.provider, identity.subject)) === ctx.state.user.id;
      if (!linked) throw new AppError(409, ErrorCode.IDENTITY_ALREADY_LINKED, `This ${identity.provider} identity cannot be linked to this account.`);
      ctx.body = { provider: identity.provider, linked: true } satisfies z.infer<typeof linkedSchema>;
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
