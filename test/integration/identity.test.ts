import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeIdentityKeys } from '../../fakes/identity-keys.js';
import { APPLE_ISSUER } from '../../integrations/identity/apple.js';
import { startApi, uniqueEmail, uniqueIp, type TestApi } from '../helpers/api.js';
import { expectLedgerConsistent } from '../helpers/db.js';

const BUNDLE_ID = 'com.oneshot.app';
const GOOGLE_CLIENT_ID = 'ios-client.apps.googleusercontent.com';
const COOLDOWN_MS = 300;
const PASSWORD = 'correct horse battery';

let keys: FakeIdentityKeys;
let api: TestApi;

beforeAll(async () => {
  keys = await new FakeIdentityKeys().start();
  api = await startApi({
    DEFAULT_CREDITS: '5',
    APPLE_SIGN_IN_AUDIENCES: BUNDLE_ID,
    APPLE_SIGN_IN_JWKS_URL: keys.jwksUrl,
    GOOGLE_SIGN_IN_CLIENT_IDS: GOOGLE_CLIENT_ID,
    GOOGLE_SIGN_IN_CERTS_URL: keys.certsUrl,
    IDENTITY_KEYS_REFETCH_COOLDOWN: `${COOLDOWN_MS}ms`,
  });
});
afterEach(async () => expectLedgerConsistent(api.orm.em.fork()));
afterAll(async () => {
  await api?.close();
  await keys?.stop();
});

const appleClaims = (claims: Record<string, unknown> = {}) => ({
  iss: APPLE_ISSUER,
  aud: BUNDLE_ID,
  sub: `001234.${randomUUID()}`,
  email: `${randomUUID()}@privaterelay.appleid.com`,
  email_verified: 'true',
  ...claims,
});
const googleClaims = (claims: Record<string, unknown> = {}) => ({
  iss: 'https://accounts.google.com',
  aud: GOOGLE_CLIENT_ID,
  sub: String(Date.now()) + Math.floor(Math.random() * 1e6),
  email: uniqueEmail(),
  email_verified: true,
  ...claims,
});

/** What the app does: ask the API for a nonce, hand the provider its SHA-256, get a token carrying it. */
async function providerToken(claims: Record<string, unknown>): Promise<{ id_token: string; nonce: string }> {
  const issued = await api.request('POST', '/auth/identity/nonce', { headers: { 'x-forwarded-for': uniqueIp() } });
  expect(issued.status).toBe(201);
  expect(issued.body.provider_nonce).toBe(createHash('sha256').update(issued.body.nonce).digest('hex'));
  return { id_token: await keys.sign({ nonce: issued.body.provider_nonce, ...claims }), nonce: issued.body.nonce };
}
const appleToken = (claims: Record<string, unknown> = {}) => providerToken(appleClaims(claims));
const googleToken = (claims: Record<string, unknown> = {}) => providerToken(googleClaims(claims));

function signIn(provider: 'apple' | 'google', token: { id_token: string; nonce: string }, target = api) {
  return target.request('POST', '/auth/identity', { body: { provider, ...token }, headers: { 'x-forwarded-for': uniqueIp() } });
}

function expectInvalid(response: { status: number; body: { error: { code: string } } }, code = 'IDENTITY_TOKEN_INVALID') {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe(code);
}

/** A token of a key that is never published, with a nonce of its own (the key is what fails). */
async function strangerToken(claims: Record<string, unknown>, key: Awaited<ReturnType<FakeIdentityKeys['unpublished']>>) {
  const { nonce } = await providerToken({});
  return { id_token: await keys.sign({ ...claims, nonce: createHash('sha256').update(nonce).digest('hex') }, key), nonce };
}

describe('Sign in with Apple', () => {
  it('creates the account on first sign-in with the signup bonus, then signs in to it with a new nonce', async () => {
    const sub = `001234.${randomUUID()}`;
    const first = await signIn('apple', await appleToken({ sub }));
    expect(first.status).toBe(201);
    expect(first.body.user.credits).toBe(5);
    const again = await signIn('apple', await appleToken({ sub }));
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    const me = await api.request('GET', '/auth/me', { token: again.body.access_token });
    expect(me.body.credits).toBe(5);
  });

  it('a token signs in once: the same token and nonce again, or its own nonce claim as the nonce, answer 401', async () => {
    const token = await appleToken();
    expect((await signIn('apple', token)).status).toBe(201);
    expectInvalid(await signIn('apple', token), 'IDENTITY_NONCE_INVALID');
    const [, payload] = token.id_token.split('.');
    const claim = JSON.parse(Buffer.from(payload!, 'base64url').toString()).nonce as string;
    expectInvalid(await signIn('apple', { id_token: token.id_token, nonce: claim }), 'IDENTITY_NONCE_INVALID');
  });

  it('of two concurrent sign-ins with one token, exactly one gets a session', async () => {
    const token = await appleToken();
    const both = await Promise.all([signIn('apple', token), signIn('apple', token)]);
    expect(both.map((response) => response.status).sort()).toEqual([201, 401]);
  });

  it('refuses a token without a nonce, with a nonce the server never issued, or with an expired one', async () => {
    const { nonce } = await providerToken({});
    expectInvalid(await signIn('apple', { id_token: await keys.sign(appleClaims()), nonce }), 'IDENTITY_NONCE_INVALID');
    const invented = randomUUID();
    const unissued = await keys.sign(appleClaims({ nonce: createHash('sha256').update(invented).digest('hex') }));
    expectInvalid(await signIn('apple', { id_token: unissued, nonce: invented }), 'IDENTITY_NONCE_INVALID');
    const expiring = await appleToken();
    await api.orm.em.fork().execute(`update identity_nonces set expires_at = now() - interval '1 second' where nonce_hash = ?`, [
      createHash('sha256').update(expiring.nonce).digest('hex'),
    ]);
    expectInvalid(await signIn('apple', expiring), 'IDENTITY_NONCE_INVALID');
  });

  it('refuses a wrong nonce, another audience, another issuer, an expired token and an unknown key', async () => {
    const token = await appleToken();
    expectInvalid(await signIn('apple', { ...token, nonce: 'wrong' }), 'IDENTITY_NONCE_INVALID');
    expectInvalid(await signIn('apple', await appleToken({ aud: 'com.someone.else' })));
    expectInvalid(await signIn('apple', await appleToken({ iss: 'https://evil.example' })));
    expectInvalid(await signIn('apple', await appleToken({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })));
    expectInvalid(await signIn('apple', await strangerToken(appleClaims(), await keys.unpublished())));
  });

  it('follows key rotation: a new key id refetches the keys, unknown ones refetch at most once per cooldown', async () => {
    await signIn('apple', await appleToken());
    await sleep(COOLDOWN_MS + 50);
    await keys.rotate();
    expect((await signIn('apple', await appleToken())).status).toBe(201);

    await sleep(COOLDOWN_MS + 50);
    const stranger = await keys.unpublished();
    const tokens = await Promise.all(Array.from({ length: 6 }, () => strangerToken(appleClaims({ sub: 'x' }), stranger)));
    const before = keys.fetches;
    const attempts = await Promise.all(tokens.map((token) => signIn('apple', token)));
    attempts.forEach((attempt) => expectInvalid(attempt));
    expect(keys.fetches - before).toBeLessThanOrEqual(1);
  });
});

describe('Sign in with Google', () => {
  it('creates the account, signs in, and refuses another audience', async () => {
    const sub = String(Date.now());
    const first = await signIn('google', await googleToken({ sub }));
    expect(first.status).toBe(201);
    expect((await signIn('google', await googleToken({ sub }))).body.user.id).toBe(first.body.user.id);
    expectInvalid(await signIn('google', await googleToken({ aud: 'another-client' })));
    expectInvalid(await signIn('google', await googleToken({ iss: 'https://evil.example' })));
  });

  it('refuses a replayed token and a token without a nonce', async () => {
    const token = await googleToken();
    expect((await signIn('google', token)).status).toBe(201);
    expectInvalid(await signIn('google', token), 'IDENTITY_NONCE_INVALID');
    const { nonce } = await providerToken({});
    expectInvalid(await signIn('google', { id_token: await keys.sign(googleClaims()), nonce }), 'IDENTITY_NONCE_INVALID');
  });

  it('refetches the certificates for a rotated key, at most once per cooldown for unknown ones', async () => {
    await signIn('google', await googleToken());
    await sleep(COOLDOWN_MS + 50);
    await keys.rotate();
    expect((await signIn('google', await googleToken())).status).toBe(201);
    const stranger = await keys.unpublished();
    const tokens = await Promise.all(Array.from({ length: 4 }, () => strangerToken(googleClaims({ sub: 'x' }), stranger)));
    const before = keys.fetches;
    for (const token of tokens) expectInvalid(await signIn('google', token));
    expect(keys.fetches - before).toBeLessThanOrEqual(1);
  });
});

async function registerWithPassword(email = uniqueEmail()) {
  const registered = await api.request('POST', '/auth/register', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': uniqueIp() } });
  expect(registered.status).toBe(201);
  return registered.body as { access_token: string; refresh_token: string; user: { id: string } };
}

/** An access token the refresh token gave: proves nothing about a recent sign-in. */
async function refreshedToken(refreshToken: string): Promise<string> {
  const refreshed = await api.request('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
  expect(refreshed.status).toBe(200);
  return refreshed.body.access_token;
}

const link = (accessToken: string, body: object) => api.request('POST', '/auth/identity/link', { token: accessToken, body, headers: { 'x-forwarded-for': uniqueIp() } });
const unlink = (accessToken: string, provider: string, body: object = {}) =>
  api.request('DELETE', `/auth/identity/${provider}`, { token: accessToken, body, headers: { 'x-forwarded-for': uniqueIp() } });

describe('accounts and providers', () => {
  it('never merges into a password account by email; the freshly signed-in owner links the provider instead', async () => {
    const email = uniqueEmail();
    const registered = await registerWithPassword(email);
    const claims = { email: email.toUpperCase(), sub: `g-${randomUUID()}` };
    const refused = await signIn('google', await googleToken(claims));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('IDENTITY_EMAIL_IN_USE');

    expect((await link(registered.access_token, { provider: 'google', ...(await googleToken(claims)) })).body).toEqual({ provider: 'google', linked: true });
    expect((await link(registered.access_token, { provider: 'google', ...(await googleToken(claims)) })).status).toBe(200);
    const signedIn = await signIn('google', await googleToken(claims));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(registered.user.id);
  });

  it('linking needs a recent sign-in: a refreshed token gets 401 REAUTHENTICATION_REQUIRED, the password lets it through', async () => {
    const registered = await registerWithPassword();
    const stale = await refreshedToken(registered.refresh_token);
    const claims = { sub: `a-${randomUUID()}` };
    const refused = await link(stale, { provider: 'apple', ...(await appleToken(claims)) });
    expectInvalid(refused, 'REAUTHENTICATION_REQUIRED');
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_user_authentication');
    expectInvalid(await link(stale, { provider: 'apple', ...(await appleToken(claims)), password: 'not the password' }), 'REAUTHENTICATION_REQUIRED');
    // Nothing was linked: the identity is a stranger's, and creates its own account.
    const linked = await link(stale, { provider: 'apple', ...(await appleToken(claims)), password: PASSWORD });
    expect(linked.body).toEqual({ provider: 'apple', linked: true });
    expect((await signIn('apple', await appleToken(claims))).body.user.id).toBe(registered.user.id);
  });

  it('unlinking needs a recent sign-in too, and never removes the only way an account signs in', async () => {
    const registered = await registerWithPassword();
    const claims = { sub: `a-${randomUUID()}` };
    await link(registered.access_token, { provider: 'apple', ...(await appleToken(claims)) });
    expectInvalid(await unlink(await refreshedToken(registered.refresh_token), 'apple'), 'REAUTHENTICATION_REQUIRED');
    expect((await unlink(registered.access_token, 'apple')).status).toBe(204);
    expect((await unlink(registered.access_token, 'apple')).status).toBe(204);
    expect((await signIn('apple', await appleToken(claims))).body.user.id).not.toBe(registered.user.id);

    const providerOnly = await signIn('google', await googleToken());
    const last = await unlink(providerOnly.body.access_token, 'google');
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('IDENTITY_LAST_SIGN_IN_METHOD');
  });

  it('refuses to link an identity that belongs to another account', async () => {
    const claims = { sub: `a-${randomUUID()}` };
    await signIn('apple', await appleToken(claims));
    const other = await registerWithPassword();
    const response = await link(other.access_token, { provider: 'apple', ...(await appleToken(claims)) });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('IDENTITY_ALREADY_LINKED');
  });

  it('a closed account gets no session, by its provider or by a refresh token', async () => {
    const claims = { sub: `a-${randomUUID()}` };
    const created = await signIn('apple', await appleToken(claims));
    // Closed as DELETE /auth/me closes it, its refresh tokens left unrevoked: a session must still be refused.
    await api.orm.em.fork().execute(`update users set deleted_at = now() where id = ?`, [created.body.user.id]);
    expectInvalid(await signIn('apple', await appleToken(claims)), 'ACCOUNT_CLOSED');
    const refreshed = await api.request('POST', '/auth/refresh', { body: { refresh_token: created.body.refresh_token } });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('an account created by a provider has no password to log in with', async () => {
    const email = uniqueEmail();
    expect((await signIn('google', await googleToken({ email }))).status).toBe(201);
    const login = await api.request('POST', '/auth/login', { body: { email, password: 'anything at all' }, headers: { 'x-forwarded-for': uniqueIp() } });
    expect(login.status).toBe(401);
  });

  it('answers 503 IDENTITY_PROVIDER_NOT_CONFIGURED for a provider the server does not accept', async () => {
    const bare = await startApi();
    try {
      const issued = await bare.request('POST', '/auth/identity/nonce', { headers: { 'x-forwarded-for': uniqueIp() } });
      const response = await signIn('apple', { id_token: await keys.sign(appleClaims({ nonce: issued.body.provider_nonce })), nonce: issued.body.nonce }, bare);
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('IDENTITY_PROVIDER_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });
});
