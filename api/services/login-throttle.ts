import { RateLimiterRes } from 'rate-limiter-flexible';
import { consumePoint, rateLimited, type RateLimiters } from '../middleware/rate-limit.js';

/**
 * Brute-force protection for login: every attempt spends from the client IP's budget, and failures spend
 * from the account's (known or unknown email alike, so the limits reveal nothing). A locked account answers
 * 429 even to the right password until its window passes; a success clears the account's failures.
 */
export class LoginThrottle {
  constructor(private readonly limiters: Pick<RateLimiters, 'loginByIp' | 'loginFailuresByAccount'>) {}

  async beforeAttempt(ip: string, email: string): Promise<void> {
    await consumePoint(this.limiters.loginByIp, ip);
    const failures = await this.limiters.loginFailuresByAccount.get(email);
    if (failures && failures.consumedPoints >= this.limiters.loginFailuresByAccount.points) {
      throw rateLimited(failures.msBeforeNext);
    }
  }

  async failed(email: string): Promise<void> {
    try {
      await this.limiters.loginFailuresByAccount.consume(email);
    } catch (rejection) {
      // Over the budget already: the next attempt is refused by beforeAttempt.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    }
  }

  async succeeded(email: string): Promise<void> {
    await this.limiters.loginFailuresByAccount.delete(email);
  }
}
