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

const appleToken = (claims: Record<string, unknown> = {}) =>
  keys.sign({ iss: APPLE_ISSUER, aud: BUNDLE_ID, sub: `001234.${randomUUID()}`, email: `${randomUUID()}@privaterelay.appleid.com`, email_verified: 'true', ...claims });
const googleToken = (claims: Record<string, unknown> = {}) =>
  keys.sign({ iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT_ID, sub: String(Date.now()) + Math.floor(Math.random() * 1e6), email: uniqueEmail(), email_verified: true, ...claims });

function signIn(provider: 'apple' | 'google', id_token: string, nonce?: string) {
  return api.request('POST', '/auth/identity', { body: { provider, id_token, ...(nonce ? { nonce } : {}) }, headers: { 'x-forwarded-for': uniqueIp() } });
}

function expectInvalid(response: { status: number; body: { error: { code: string } } }) {
  expect(response.status).toBe(401);
  expect(response.body.error.code).toBe('IDENTITY_TOKEN_INVALID');
}

describe('Sign in with Apple', () => {
  it('creates the account on first sign-in with the signup bonus, then signs in to it', async () => {
    const nonce = randomUUID();
    const token = await appleToken({ nonce: createHash('sha256').update(nonce).digest('hex') });
    const first = await signIn('apple', token, nonce);
    expect(first.status).toBe(201);
    expect(first.body.user.credits).toBe(5);
    const again = await signIn('apple', token, nonce);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    const me = await api.request('GET', '/auth/me', { token: again.body.access_token });
    expect(me.body.credits).toBe(5);
  });

  it('refuses a wrong nonce, a missing nonce, another audience, another issuer, an expired token and an unknown key', async () => {
    const hashed = createHash('sha256').update('right').digest('hex');
    expectInvalid(await signIn('apple', await appleToken({ nonce: hashed }), 'wrong'));
    expectInvalid(await signIn('apple', await appleToken({ nonce: hashed })));
    expectInvalid(await signIn('apple', await appleToken(), 'unexpected'));
    expectInvalid(await signIn('apple', await appleToken({ aud: 'com.someone.else' })));
    expectInvalid(await signIn('apple', await appleToken({ iss: 'https://evil.example' })));
    expectInvalid(await signIn('apple', await appleToken({ iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })));
    expectInvalid(await signIn('apple', await keys.sign({ iss: APPLE_ISSUER, aud: BUNDLE_ID, sub: 'x' }, await keys.unpublished())));
  });

  it('follows key rotation: a new key id refetches the keys, unknown ones refetch at most once per cooldown', async () => {
    await signIn('apple', await appleToken());
    await sleep(COOLDOWN_MS + 50);
    await keys.rotate();
    expect((await signIn('apple', await appleToken())).status).toBe(201);

    await sleep(COOLDOWN_MS + 50);
    const before = keys.fetches;
    const stranger = await keys.unpublished();
    const attempts = await Promise.all(Array.from({ length: 6 }, () => keys.sign({ iss: APPLE_ISSUER, aud: BUNDLE_ID, sub: 'x' }, stranger).then((token) => signIn('apple', token))));
    attempts.forEach(expectInvalid);
    expect(keys.fetches - before).toBeLessThanOrEqual(1);
  });
});

describe('Sign in with Google', () => {
  it('creates the account, signs in, and refuses another audience', async () => {
    const token = await googleToken();
    const first = await signIn('google', token);
    expect(first.status).toBe(201);
    expect((await signIn('google', token)).body.user.id).toBe(first.body.user.id);
    expectInvalid(await signIn('google', await googleToken({ aud: 'another-client' })));
    expectInvalid(await signIn('google', await googleToken({ iss: 'https://evil.example' })));
  });

  it('refetches the certificates for a rotated key, at most once per cooldown for unknown ones', async () => {
    await signIn('google', await googleToken());
    await sleep(COOLDOWN_MS + 50);
    await keys.rotate();
    expect((await signIn('google', await googleToken())).status).toBe(201);
    const before = keys.fetches;
    const stranger = await keys.unpublished();
    for (let attempt = 0; attempt < 4; attempt++) {
      expectInvalid(await signIn('google', await keys.sign({ iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT_ID, sub: 'x' }, stranger)));
    }
    expect(keys.fetches - before).toBeLessThanOrEqual(1);
  });
});

describe('accounts and providers', () => {
  it('never merges into a password account by email; the signed-in owner links the provider instead', async () => {
    const email = uniqueEmail();
    const registered = await api.request('POST', '/auth/register', { body: { email, password: 'correct horse battery' }, headers: { 'x-forwarded-for': uniqueIp() } });
    const token = await googleToken({ email: email.toUpperCase() });
    const refused = await signIn('google', token);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('IDENTITY_EMAIL_IN_USE');

    const link = () => api.request('POST', '/auth/identity/link', { token: registered.body.access_token, body: { provider: 'google', id_token: token } });
    expect((await link()).body).toEqual({ provider: 'google', linked: true });
    expect((await link()).status).toBe(200);
    const signedIn = await signIn('google', token);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(registered.body.user.id);
  });

  it('refuses to link an identity that belongs to another account', async () => {
    const token = await appleToken();
    await signIn('apple', token);
    const other = await api.request('POST', '/auth/register', { body: { email: uniqueEmail(), password: 'correct horse battery' }, headers: { 'x-forwarded-for': uniqueIp() } });
    const response = await api.request('POST', '/auth/identity/link', { token: other.body.access_token, body: { provider: 'apple', id_token: token } });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('IDENTITY_ALREADY_LINKED');
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
      const response = await bare.request('POST', '/auth/identity', { body: { provider: 'apple', id_token: await appleToken() } });
      expect(response.status).toBe(503);
      expect(response.body.error.code).toBe('IDENTITY_PROVIDER_NOT_CONFIGURED');
    } finally {
      await bare.close();
    }
  });
});
