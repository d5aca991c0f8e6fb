import { AppError, ErrorCode } from '../../domain/errors.js';

export interface ConcurrencyGateLimits {
  /** Tasks running at once. */
  concurrency: number;
  /** Callers that may wait for a slot; beyond that the gate refuses at once. */
  queue: number;
  /** How long a caller waits for a slot before it is refused. */
  waitMs: number;
}

/**
 * Bounds expensive work (argon2 holds 19 MiB and a core for ~50 ms per call): at most `concurrency` tasks run,
 * at most `queue` callers wait, none longer than `waitMs`. Anything beyond is 503 SERVICE_UNAVAILABLE with
 * Retry-After, so a burst costs bounded memory and CPU instead of queuing without limit.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: ConcurrencyGateLimits) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.queue) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(busy());
      }, this.limits.waitMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    // The slot passes straight to the next waiter, so `running` stays counted.
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

function busy(): AppError {
  return new AppError(503, ErrorCode.SERVICE_UNAVAILABLE, 'The server is busy; retry shortly.', undefined, { 'Retry-After': '1' });
}
