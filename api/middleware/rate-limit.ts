import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { ApiConfig } from '../../domain/config/index.js';
import { AppError, ErrorCode } from '../../domain/errors.js';
import type { AuthedState } from '../state.js';

/**
 * The API's budgets. All but the general one share one PostgreSQL table (created by migration), told apart by key
 * prefix, so they are exact across API processes: login and sign-up throttling, and job submissions.
 */
export interface RateLimiters {
  /**
   * Every authenticated request, per user: counted in this process's memory with its share of the budget, so
   * reads cost no database write. A guard against floods, not a quota: the share assumes requests spread
   * evenly over the processes.
   */
  api: RateLimiterAbstract;
  /** Job submissions, per user (the jobs routes apply it with `limitPerUser`). */
  jobSubmission: RateLimiterAbstract;
  /** Login attempts, per client IP. */
  loginByIp: RateLimiterAbstract;
  /** Failed logins, per account (lower-cased email, known or not). */
  loginFailuresByAccount: RateLimiterAbstract;
  /** Sign-ups, per client IP. */
  registrationByIp: RateLimiterAbstract;
  /** Sign-ups from everyone together. */
  registrationGlobal: RateLimiterAbstract;
}

export type RateLimitConfig = Pick<
  ApiConfig,
  | 'RATE_LIMIT_API_PER_MINUTE'
  | 'RATE_LIMIT_API_SPLIT'
  | 'API_PROCESSES'
  | 'RATE_LIMIT_JOBS_PER_MINUTE'
  | 'LOGIN_THROTTLE_WINDOW_SECONDS'
  | 'LOGIN_ATTEMPTS_PER_IP'
  | 'LOGIN_FAILURES_PER_ACCOUNT'
  | 'REGISTRATION_WINDOW_SECONDS'
  | 'REGISTRATIONS_PER_IP'
  | 'REGISTRATIONS_GLOBAL'
>;

export const RATE_LIMIT_TABLE = 'rate_limits';

/** Stored keys longer than this (`rate_limits.key` is varchar(255)) are replaced by their SHA-256. */
const MAX_PLAIN_KEY_LENGTH = 128;

/**
 * Keys are caller-controlled (an email may be 254 characters, and the prefix comes on top): a long key is stored
 * as its hash, so no input can overflow the column. Short keys stay readable for operators.
 */
class BoundedKeyRateLimiterPostgres extends RateLimiterPostgres {
  override getKey(key: string | number): string {
    const full = super.getKey(key);
    return full.length <= MAX_PLAIN_KEY_LENGTH ? full : `${this.keyPrefix}:sha256:${createHash('sha256').update(full).digest('hex')}`;
  }
}

export function createRateLimiters(pool: pg.Pool, config: RateLimitConfig): RateLimiters {
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new BoundedKeyRateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration,
    });
  const apiShare = Math.ceil(config.RATE_LIMIT_API_PER_MINUTE / (config.RATE_LIMIT_API_SPLIT ?? config.API_PROCESSES));
  return {
    api: new RateLimiterMemory({ keyPrefix: 'api', points: apiShare, duration: 60 }),
    jobSubmission: limiter('jobs', config.RATE_LIMIT_JOBS_PER_MINUTE, 60),
    loginByIp: limiter('login-ip', config.LOGIN_ATTEMPTS_PER_IP, config.LOGIN_THROTTLE_WINDOW_SECONDS),
    loginFailuresByAccount: limiter('login-account', config.LOGIN_FAILURES_PER_ACCOUNT, config.LOGIN_THROTTLE_WINDOW_SECONDS),
    registrationByIp: limiter('register-ip', config.REGISTRATIONS_PER_IP, config.REGISTRATION_WINDOW_SECONDS),
    registrationGlobal: limiter('register-all', config.REGISTRATIONS_GLOBAL, config.REGISTRATION_WINDOW_SECONDS),
  };
}

/** 429 RATE_LIMITED with `Retry-After` (whole seconds, at least 1). */
export function rateLimited(msBeforeNext: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    429,
    ErrorCode.RATE_LIMITED,
    `Too many requests; retry in ${retryAfter} s.`,
    { retry_after_seconds: retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

/** Takes one point for `key`, or throws 429 when the budget is spent. Store failures propagate (500). */
export async function consumePoint(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext);
    throw rejection;
  }
}

/** Middleware that charges one point per request to the caller's budget; use on authenticated routes. */
export function limitPerUser(limiter: RateLimiterAbstract): Middleware<AuthedState> {
  return async (ctx, next) => {
    await consumePoint(limiter, ctx.state.user.id);
    await next();
  };
}
