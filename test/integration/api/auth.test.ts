import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConsistent } from '../../helpers/db.js';
import { startApi, uniqueEmail, uniqueIp, type TestApi } from '../../helpers/api.js';

const PASSWORD = 'correct horse battery staple';
let api: TestApi;

beforeAll(async () => {
  api = await startApi({ DEFAULT_CREDITS: '7' });
});
afterEach(() => expectLedgerConsistent(api.orm.em.fork()));
afterAll(() => api.close());

async function register(email = uniqueEmail()) {
  const response = await api.request('POST', '/auth/register', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': uniqueIp() } });
  expect(response.status).toBe(201);
  return response.body as { access_token: string; refresh_token: string; user: { id: string; email: string } };
}

function login(email: string, password: string, ip = uniqueIp()) {
  return api.request('POST', '/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
}

function expectError(response: { status: number; body: unknown; headers: Headers }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error: { code, message: expect.any(String), request_id: expect.any(String) } });
  expect((response.body as { error: { request_id: string } }).error.request_id).toBe(response.headers.get('x-request-id'));
}

describe('register, login, me', () => {
  it('registers with the signup bonus in the ledger, then logs in and reads the profile', async () => {
    const email = uniqueEmail();
    const registered = await register(email);
    expect(registered).toMatchObject({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      user: { id: expect.any(String), email, credits: 7 },
    });
    const [entry] = await api.orm.em
      .fork()
      .execute(`select amount, type from credit_transactions where user_id = ?`, [registered.user.id]);
    expect(entry).toEqual({ amount: 7, type: 'signup_bonus' });

    const loggedIn = await login(email.toUpperCase(), PASSWORD);
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.body).toMatchObject({ token_type: 'bearer', user: { id: registered.user.id, email, credits: 7 } });

    const me = await api.request('GET', '/auth/me', { token: loggedIn.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: registered.user.id,
      email,
      credits: 7,
      subscription_status: 'inactive',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('refuses a duplicate email whatever its case, and two racing registrations create one account', async () => {
    const email = uniqueEmail();
    await register(email);
    const duplicate = await api.request('POST', '/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD } });
    expectError(duplicate, 409, 'EMAIL_TAKEN');

    const racing = uniqueEmail();
    const outcomes = await Promise.all(
      [racing, racing.toUpperCase()].map((address) =>
        api.request('POST', '/auth/register', { body: { email: address, password: PASSWORD } }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([201, 409]);
  });

  it('answers a wrong password and an unknown email identically, after similar work', async () => {
    const { user } = await register();
    const wrong = await login(user.email, 'not the password');
    const unknown = await login(uniqueEmail(), 'not the password');
    expectError(wrong, 401, 'INVALID_CREDENTIALS');
    expectError(unknown, 401, 'INVALID_CREDENTIALS');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);

    // Both paths run argon2 (the unknown email against a dummy hash): their medians stay within a factor of 2.
    const time = async (email: string) => {
      const started = performance.now();
      await login(email, 'still not the password');
      return performance.now() - started;
    };
    const known: number[] = [];
    const missing: number[] = [];
    for (let round = 0; round < 3; round++) {
      known.push(await time(user.email));
      missing.push(await time(uniqueEmail()));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
    expect(median(missing) / median(known)).toBeGreaterThan(0.5);
    expect(median(missing) / median(known)).toBeLessThan(2);
  });
});

describe('request validation', () => {
  it('reports malformed JSON, wrong types, missing fields, non-JSON and oversized bodies with their codes', async () => {
    expectError(await api.request('POST', '/auth/login', { rawBody: '{"email": ', headers: { 'content-type': 'application/json' } }), 400, 'MALFORMED_JSON');

    const wrongTypes = await api.request('POST', '/auth/register', { body: { email: 42, password: ['x'] } });
    expectError(wrongTypes, 400, 'VALIDATION_FAILED');
    const paths = new Set(wrongTypes.body.error.details.issues.map((issue: { path: string }) => issue.path));
    expect(paths).toEqual(new Set(['email', 'password']));

    const missing = await api.request('POST', '/auth/register', { body: { email: uniqueEmail() } });
    expectError(missing, 400, 'VALIDATION_FAILED');
    expect(missing.body.error.details.issues).toEqual([{ location: 'body', path: 'password', message: expect.any(String) }]);

    expectError(await api.request('POST', '/auth/register'), 400, 'VALIDATION_FAILED');
    expectError(
      await api.request('POST', '/auth/login', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const huge = { email: uniqueEmail(), password: 'x'.repeat(api.config.JSON_BODY_LIMIT_KB * 1024 + 1) };
    expectError(await api.request('POST', '/auth/register', { body: huge }), 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('access tokens', () => {
  const sign = (claims: object, options: jwt.SignOptions = {}, secret = api.config.JWT_SECRET) =>
    jwt.sign({ email: 'x@example.test', ...claims }, secret, {
      algorithm: 'HS256',
      subject: randomUUID(),
      issuer: api.config.JWT_ISSUER,
      audience: api.config.JWT_AUDIENCE,
      expiresIn: 600,
      ...options,
    });
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses missing, tampered, expired, foreign, wrong-audience and alg:none tokens with 401', async () => {
    const { access_token: valid, user } = await register();
    expect((await api.request('GET', '/auth/me', { token: valid })).status).toBe(200);

    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = {
      missing: undefined,
      tampered: `${header}.${base64url({ ...claims, sub: randomUUID() })}.${signature}`,
      badSignature: `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      expired: sign({}, { expiresIn: -60, subject: user.id }),
      wrongAudience: sign({}, { audience: 'someone-else', subject: user.id }),
      wrongIssuer: sign({}, { issuer: 'someone-else', subject: user.id }),
      wrongSecret: sign({}, { subject: user.id }, 'another secret that is at least 32 chars'),
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
      hs512: sign({}, { algorithm: 'HS512', subject: user.id }),
      notAUser: sign({}, { subject: 'not-a-uuid' }),
    };
    for (const [name, token] of Object.entries(forged)) {
      const response = await api.request('GET', '/auth/me', token === undefined ? {} : { token });
      expect.soft(response.status, name).toBe(401);
      expect.soft(response.body?.error?.code, name).toBe('UNAUTHORIZED');
    }
  });
});

describe('refresh tokens', () => {
  it('rotates: each refresh token works once, and reusing a spent one revokes the whole family', async () => {
    const first = await register();
    const second = await api.request('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'bearer', user: { id: first.user.id } });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await api.request('GET', '/auth/me', { token: second.body.access_token })).status).toBe(200);

    const third = await api.request('POST', '/auth/refresh', { body: { refresh_token: second.body.refresh_token } });
    expect(third.status).toBe(200);

    // The first token again: reuse. It is refused, and so is the newest token of its family.
    expectError(await api.request('POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN');
    expectError(await api.request('POST', '/auth/refresh', { body: { refresh_token: third.body.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN');

    // Another login's family is untouched.
    const other = await login(first.user.email, PASSWORD);
    expect((await api.request('POST', '/auth/refresh', { body: { refresh_token: other.body.refresh_token } })).status).toBe(200);
  });

  it('lets exactly one of two concurrent refreshes with the same token through', async () => {
    const session = await register();
    const outcomes = await Promise.all(
      [1, 2].map(() => api.request('POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } })),
    );
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual([200, 401]);
  });

  it('logout revokes the family; unknown tokens are refused', async () => {
    const session = await register();
    const rotated = await api.request('POST', '/auth/refresh', { body: { refresh_token: session.refresh_token } });
    const logout = await api.request('POST', '/auth/logout', { body: { refresh_token: rotated.body.refresh_token } });
    expect(logout.status).toBe(204);
    expectError(await api.request('POST', '/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN');
    expect((await api.request('POST', '/auth/logout', { body: { refresh_token: 'unknown' } })).status).toBe(204);
    expectError(await api.request('POST', '/auth/refresh', { body: { refresh_token: 'unknown' } }), 401, 'INVALID_REFRESH_TOKEN');
  });
});

describe('login throttling (PostgreSQL-backed)', () => {
  let throttled: TestApi;
  beforeAll(async () => {
    throttled = await startApi({ LOGIN_FAILURES_PER_ACCOUNT: '3', LOGIN_ATTEMPTS_PER_IP: '5', LOGIN_THROTTLE_WINDOW_SECONDS: '60' });
  });
  afterAll(() => throttled.close());
  const attempt = (email: string, password: string, ip: string) =>
    throttled.request('POST', '/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  it('locks an account after repeated failures, even for the right password and from another IP', async () => {
    const { user } = await register();
    for (let failure = 0; failure < 3; failure++) expect((await attempt(user.email, 'wrong password', uniqueIp())).status).toBe(401);
    const locked = await attempt(user.email, PASSWORD, uniqueIp());
    expectError(locked, 429, 'RATE_LIMITED');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('locks unknown emails the same way (no enumeration through the limiter)', async () => {
    const email = uniqueEmail();
    for (let failure = 0; failure < 3; failure++) expect((await attempt(email, 'wrong password', uniqueIp())).status).toBe(401);
    expectError(await attempt(email, 'wrong password', uniqueIp()), 429, 'RATE_LIMITED');
  });

  it('counts a 254-character email like any other (its key is hashed to fit the store): 401, then 429, never 500', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(53)}.example`;
    expect(email).toHaveLength(254);
    for (let failure = 0; failure < 3; failure++) expectError(await attempt(email, 'wrong password', uniqueIp()), 401, 'INVALID_CREDENTIALS');
    expectError(await attempt(email, 'wrong password', uniqueIp()), 429, 'RATE_LIMITED');
  });

  it('a success clears the account failures', async () => {
    const { user } = await register();
    for (let round = 0; round < 3; round++) {
      expect((await attempt(user.email, 'wrong password', uniqueIp())).status).toBe(401);
      expect((await attempt(user.email, 'wrong password', uniqueIp())).status).toBe(401);
      expect((await attempt(user.email, PASSWORD, uniqueIp())).status).toBe(200);
    }
  });

  it('limits attempts per client IP across accounts', async () => {
    const ip = uniqueIp();
    for (let n = 0; n < 5; n++) expect((await attempt(uniqueEmail(), 'wrong password', ip)).status).toBe(401);
    const limited = await attempt(uniqueEmail(), 'wrong password', ip);
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('registration limits', () => {
  let limited: TestApi;
  let hashing: TestApi;
  beforeAll(async () => {
    limited = await startApi({ DEFAULT_CREDITS: '0', REGISTRATIONS_PER_IP: '3', REGISTRATIONS_GLOBAL: '5' });
    hashing = await startApi({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' });
  });
  afterAll(async () => {
    await limited?.close();
    await hashing?.close();
  });
  const registerFrom = (target: TestApi, ip: string) =>
    target.request('POST', '/auth/register', { body: { email: uniqueEmail(), password: PASSWORD }, headers: { 'x-forwarded-for': ip } });

  it('lets a burst from one address create only its budget of accounts, then answers 429 with Retry-After', async () => {
    // The global budget is one key in this file's database, which the other tests' sign-ups have spent from.
    await limited.orm.em.fork().execute(`delete from rate_limits where key like 'register-all:%'`);
    const ip = uniqueIp();
    const burst = await Promise.all(Array.from({ length: 8 }, () => registerFrom(limited, ip)));
    expect(burst.map((response) => response.status).sort()).toEqual([201, 201, 201, 429, 429, 429, 429, 429]);
    for (const refused of burst.filter((response) => response.status === 429)) {
      expectError(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The signup bonus is configurable down to nothing: no ledger entry, no credits.
    const created = burst.filter((response) => response.status === 201).map((response) => response.body.user);
    expect(created.map((user: { credits: number }) => user.credits)).toEqual([0, 0, 0]);
    const [entries] = await limited.orm.em
      .fork()
      .execute(`select count(*)::int as n from credit_transactions where user_id in (?)`, [created.map((user: { id: string }) => user.id)]);
    expect(entries).toEqual({ n: 0 });

    // Other addresses share the global budget: two more fit, then everyone waits.
    const others = [];
    for (let index = 0; index < 3; index++) others.push((await registerFrom(limited, uniqueIp())).status);
    expect(others).toEqual([201, 201, 429]);
  });

  it('bounds concurrent password hashing: a burst beyond it gets 503 with Retry-After, never an unbounded queue', async () => {
    const burst = await Promise.all(Array.from({ length: 8 }, () => registerFrom(hashing, uniqueIp())));
    const statuses = burst.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 503)).toBe(true);
    expect(statuses).toContain(201);
    expect(statuses).toContain(503);
    for (const refused of burst.filter((response) => response.status === 503)) {
      expectError(refused, 503, 'SERVICE_UNAVAILABLE');
      expect(refused.headers.get('retry-after')).toBe('1');
    }
  });
});
