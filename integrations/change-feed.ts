import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.js';

/** Channels announced by triggers (payload: the row's id), delivered at commit. */
export type ChangeChannel = 'job_changed' | 'account_changed';
const CHANNELS: readonly ChangeChannel[] = ['job_changed', 'account_changed'];
/** The feed notifies itself here to prove that notifications reach its session. */
const PROBE_CHANNEL = 'change_feed_probe';

const RECONNECT_DELAY_MS = 1_000;
/**
 * How often the session proves that notifications still reach it: a LISTEN socket that died silently, or a
 * transaction-pooling proxy that moved the session, would otherwise look healthy while delivering nothing.
 */
const DEFAULT_LIVENESS_INTERVAL_MS = 5_000;

/** Told of every change, and of every moment notifications may have been missed (the connection was lost). */
export interface ChangeListener {
  changed(channel: ChangeChannel, id: string): void;
  reset(): void;
}

/**
 * One LISTEN connection per API process: wakes the live streams of the jobs that changed and tells in-process
 * caches what to forget. `listening` is true only while notifications are known to arrive: the session notifies
 * itself every liveness interval and must hear it back before the next; on any doubt listeners are reset and it
 * reconnects. It needs a session of its own (a direct connection, or a pooler in session mode).
 * Waiting always has a timeout, so a missed notification only delays a stream's update, never loses it.
 */
export class ChangeFeed {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly probes = new Map<string, () => void>();
  private client: pg.Client | undefined;
  private liveness: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly options: { livenessIntervalMs: number; applicationName: string },
  ) {}

  /** `applicationName` names the session in `pg_stat_activity`. */
  static async start(databaseUrl: string, logger: Logger, options: { livenessIntervalMs?: number; applicationName?: string } = {}): Promise<ChangeFeed> {
    const feed = new ChangeFeed(databaseUrl, logger, {
      livenessIntervalMs: options.livenessIntervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS,
      applicationName: options.applicationName ?? 'oneshot-change-feed',
    });
    await feed.connect();
    return feed;
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Resolves at the row's next change, at a reset, or after `timeoutMs`, whichever comes first. */
  nextChange(channel: ChangeChannel, id: string, timeoutMs: number): Promise<void> {
    const key = `${channel}:${id}`;
    return new Promise((resolve) => {
      const waiters = this.waiters.get(key) ?? new Set();
      this.waiters.set(key, waiters);
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      waiters.add(wake);
    });
  }

  subscribe(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.lose(client);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, application_name: this.options.applicationName });
    client.on('notification', ({ channel, payload }) => {
      if (channel === PROBE_CHANNEL) {
        if (payload) this.probes.get(payload)?.();
        return;
      }
      if (!payload || !CHANNELS.includes(channel as ChangeChannel)) return;
      for (const listener of this.listeners) listener.changed(channel as ChangeChannel, payload);
      for (const wake of [...(this.waiters.get(`${channel}:${payload}`) ?? [])]) wake();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      for (const channel of [...CHANNELS, PROBE_CHANNEL]) await client.query(`listen ${channel}`);
      await this.probe(client);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    this.liveness = setInterval(() => {
      this.probe(client).catch((error: unknown) => this.lost(client, error));
    }, this.options.livenessIntervalMs).unref();
  }

  /** Notifies its own session and resolves when that notification arrives; rejects if it does not within the interval. */
  private probe(client: pg.Client): Promise<void> {
    const nonce = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        clearTimeout(timer);
        this.probes.delete(nonce);
        if (error) reject(error instanceof Error ? error : new Error('change feed probe failed', { cause: error }));
        else resolve();
      };
      const timer = setTimeout(() => settle(new Error('change feed probe not delivered in time')), this.options.livenessIntervalMs).unref();
      this.probes.set(nonce, () => settle());
      client.query('select pg_notify($1, $2)', [PROBE_CHANNEL, nonce]).catch(settle);
    });
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.logger.warn({ err: error }, 'change feed lost its connection; reconnecting');
    this.lose(client);
    void client.end().catch(() => undefined);
    this.reconnectLater();
  }

  /** Notifications may be missed from here on: caches forget everything, streams re-read their rows. */
  private lose(client: pg.Client | undefined): void {
    if (!client || this.client !== client) return;
    this.client = undefined;
    clearInterval(this.liveness);
    for (const listener of this.listeners) listener.reset();
    for (const waiters of [...this.waiters.values()]) for (const wake of [...waiters]) wake();
  }

  private reconnectLater(): void {
    if (this.closed) return;
    setTimeout(() => {
      this.connect().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'change feed could not reconnect; retrying');
        this.reconnectLater();
      });
    }, RECONNECT_DELAY_MS).unref();
  }
}
