import { consumePoint, type RateLimiters } from '../middleware/rate-limit.js';

/**
 * Sign-up budgets: each attempt spends from the client IP's budget and from one global budget, so scripts can
 * neither farm signup credits from one address nor, spread over many, create accounts faster than the global
 * rate. 429 RATE_LIMITED with Retry-After beyond either.
 */
export class RegistrationThrottle {
  constructor(private readonly limiters: Pick<RateLimiters, 'registrationByIp' | 'registrationGlobal'>) {}

  async beforeAttempt(ip: string): Promise<void> {
    await consumePoint(this.limiters.registrationByIp, ip);
    await consumePoint(this.limiters.registrationGlobal, 'all');
  }
}
