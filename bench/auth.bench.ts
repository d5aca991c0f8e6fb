/**
 * Auth benchmark (prints figures; not a test). Usage:
 *   npx tsx bench/auth.bench.ts [--seconds 5] [--connections 10] [--logins 20]
 * Needs the local stack (scripts/stack/stack.sh up). Runs the real API (api/server.ts) in a child process on a
 * fresh `oneshot_bench` database, then measures:
 *  - GET /auth/me under load with autocannon (JWT check + per-user rate limit in PostgreSQL + user read);
 *  - login latency (argon2id verify + throttling + token issue), and raw argon2id hash/verify cost.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import { z } from 'zod';
import { PASSWORD_HASH_OPTIONS } from '../api/services/passwords.js';
import { createMigratedDatabase, readStackEnv } from '../scripts/stack/local-stack.js';
import { loadTest as autocannon, median, quantile, startMain, stopMains, waitForHealth } from './lib/harness.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    logins: { type: 'string', default: '20' },
  },
});
const PORT = 3917;
const base = `http://127.0.0.1:${PORT}`;

const stack = readStackEnv();
const databaseUrl = await createMigratedDatabase(z.string().parse(stack.DATABASE_URL), 'oneshot_bench');

const server = startMain('api/server.ts', {
  ...stack,
  DATABASE_URL: databaseUrl,
  JWT_SECRET: randomBytes(32).toString('hex'),
  API_PORT: String(PORT),
  LOG_LEVEL: 'warn',
  // Budgets high enough not to refuse the benchmark's own traffic (their checks still run).
  RATE_LIMIT_API_PER_MINUTE: '100000000',
  LOGIN_ATTEMPTS_PER_IP: '100000',
});
try {
  await waitForHealth(base);
  const password = 'benchmark password 123';
  const register = await post('/auth/register', { email: 'bench@example.test', password });
  const token = z.object({ access_token: z.string() }).parse(await register.json()).access_token;

  const logins = Number(values.logins);
  const ok = await timeLogins(logins, () => post('/auth/login', { email: 'bench@example.test', password }), 200);
  const wrong = await timeLogins(logins / 4, () => post('/auth/login', { email: 'bench@example.test', password: 'wrong' }), 401);
  const unknown = await timeLogins(logins / 4, () => post('/auth/login', { email: `x${Date.now()}@example.test`, password }), 401);
  console.log(`POST /auth/login (ok, sequential x${logins}): p50 ${ok.p50.toFixed(1)} ms, p99 ${ok.p99.toFixed(1)} ms`);
  console.log(`POST /auth/login wrong password p50 ${wrong.p50.toFixed(1)} ms; unknown email p50 ${unknown.p50.toFixed(1)} ms`);

  const floor = await loadTest('/healthz');
  console.log(`GET /healthz (framework floor, no auth, no database): ${floor.requests.average.toFixed(0)} req/s, p50 ${floor.latency.p50} ms`);
  const load = await loadTest('/auth/me', token);
  console.log(
    `GET /auth/me: ${load.requests.average.toFixed(0)} req/s, latency p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms ` +
      `(${values.connections} connections, ${values.seconds} s, ${load.non2xx} non-2xx)`,
  );

  const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_OPTIONS;
  const hash = await argon2.hash(password, PASSWORD_HASH_OPTIONS);
  const hashMs = await median(5, () => argon2.hash(password, PASSWORD_HASH_OPTIONS));
  const verifyMs = await median(5, () => argon2.verify(hash, password));
  console.log(`argon2id m=${memoryCost} KiB t=${timeCost} p=${parallelism}: hash ${hashMs.toFixed(1)} ms, verify ${verifyMs.toFixed(1)} ms (median of 5)`);
} finally {
  await stopMains([server]);
}

function post(path: string, body: object): Promise<Response> {
  return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}



async function timeLogins(count: number, login: () => Promise<Response>, expected: number) {
  const times: number[] = [];
  for (let n = 0; n < count; n++) {
    const started = performance.now();
    const response = await login();
    times.push(performance.now() - started);
    if (response.status !== expected) throw new Error(`login answered ${response.status}, expected ${expected}`);
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

function loadTest(path: string, token?: string) {
  return autocannon(base + path, { connections: Number(values.connections), seconds: Number(values.seconds), ...(token ? { token } : {}) });
}
