import { z } from 'zod';
import { bool, csv } from './env-values.js';

/** Settings every process shares: runtime mode, database, object store, Temporal. */
export const coreEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),

  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3),
  S3_KEY: z.string().min(1),
  S3_SECRET: z.string().min(1),
  S3_FORCE_PATH_STYLE: bool.default(false),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE_ORCHESTRATOR: z.string().min(1).default('oneshot-orchestrator'),
  TEMPORAL_TASK_QUEUE_INFERENCE: z.string().min(1).default('inference-gpu'),
});

/** HTTP API settings. */
export const apiEnvSchema = z.object({
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Processes serving the port (node:cluster); the API keeps no state between requests, so any may answer.
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  // Rows the API keeps in memory per process (which accounts are open, jobs being polled), each forgotten as soon
  // as PostgreSQL announces its change (api/read-caches.ts); 0 reads every one from the database.
  API_READ_CACHE_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  // Only behind a reverse proxy that sets X-Forwarded-For: otherwise clients could pick their own IP
  // and escape per-IP login throttling.
  TRUST_PROXY: bool.default(false),
  CORS_ORIGINS: csv.default([]),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  // Access tokens are short-lived: the app renews them with its rotating refresh token.
  JWT_EXPIRATION_HOURS: z.coerce.number().positive().max(24 * 30).default(1),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  JWT_ISSUER: z.string().min(1).default('oneshot-api'),
  JWT_AUDIENCE: z.string().min(1).default('oneshot-app'),
  MAX_FILE_SIZE_MB: z.coerce.number().positive().max(100).default(10),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600),
  // Signup bonus: credits a new account starts with (0: none). Real GPU cost, hence the registration budgets.
  DEFAULT_CREDITS: z.coerce.number().int().min(0).default(10),
  // Registration budgets per window: per client IP, and across all clients.
  REGISTRATION_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  REGISTRATIONS_PER_IP: z.coerce.number().int().min(1).default(10),
  REGISTRATIONS_GLOBAL: z.coerce.number().int().min(1).default(1000),
  // Password hashing (argon2, 19 MiB each): hashes at once per process, callers that may wait, and how long.
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  PASSWORD_HASH_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  // Bearer token for operator-only endpoints (/readyz/details); unset: they are not served.
  OPERATOR_TOKEN: z.string().min(32, 'OPERATOR_TOKEN must be at least 32 characters').optional(),
  // How long readiness results are reused: a flood of /readyz costs the dependencies nothing.
  READINESS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  // Legacy App Store receipts (base64, whole purchase history) reach tens of KiB for long-lived subscribers.
  JSON_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(256),
  // Per-user budgets. Job submissions are counted in PostgreSQL (exact across API processes); the general API
  // budget is counted in each process's memory (no database write per request), split evenly between
  // RATE_LIMIT_API_SPLIT processes (default: API_PROCESSES; set it to the deployment's total).
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_API_SPLIT: z.coerce.number().int().min(1).max(1024).optional(),
  RATE_LIMIT_JOBS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  // Login throttling: every attempt counts per IP; failures count per account (reset by a success).
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  LOGIN_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
});
