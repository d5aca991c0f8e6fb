import pg from 'pg';
import type { Logger } from './logger.js';

const CHANNEL = 'job_changed';
const RECONNECT_DELAY_MS = 1_000;

/**
 * One LISTEN connection per API process that wakes the live streams of the jobs that changed (the `job_changed`
 * notifications come from a trigger on `jobs`). Waiting always has a timeout, so a missed notification (e.g.
 * while reconnecting) only delays an update, never loses it: the stream re-reads the row either way.
 */
export class JobChangeFeed {
  private readonly waiters = new Map<string, Set<() => void>>();
  private client: pg.Client | undefined;
  private closed = false;

  private constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  static async start(databaseUrl: string, logger: Logger): Promise<JobChangeFeed> {
    const feed = new JobChangeFeed(databaseUrl, logger);
    await feed.connect();
    return feed;
  }

  /** Resolves at the job's next change, or after `timeoutMs`, whichever comes first. */
  nextChange(jobId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(jobId) ?? new Set();
      this.waiters.set(jobId, waiters);
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0) this.waiters.delete(jobId);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiters of this.waiters.values()) for (const wake of [...waiters]) wake();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', ({ payload }) => {
      for (const wake of [...(payload ? (this.waiters.get(payload) ?? []) : [])]) wake();
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'job change feed lost its connection; reconnecting');
      void client.end().catch(() => undefined);
      this.reconnectLater();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    this.client = client;
  }

  private reconnectLater(): void {
    if (this.closed) return;
    setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'job change feed could not reconnect; retrying');
        this.reconnectLater();
      });
    }, RECONNECT_DELAY_MS).unref();
  }
}
