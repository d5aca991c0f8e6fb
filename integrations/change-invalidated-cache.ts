import type { ChangeChannel, ChangeFeed } from './change-feed.js';

/** What a lookup found: a live entry, nothing (read and maybe stored), or a feed in doubt (read, not stored). */
export type CacheLookup = 'hit' | 'miss' | 'bypass';

export interface ChangeInvalidatedCacheOptions {
  /** Most entries kept; the oldest go first. */
  maxEntries: number;
  /** A backstop only: entries are forgotten at their row's change notification, long before this. */
  ttlMs: number;
  now?: () => number;
  /** Told of every lookup's result (for metrics). */
  onLookup?: (result: CacheLookup) => void;
}

/**
 * A read-through cache of rows whose every change is announced on a ChangeFeed channel. An entry is forgotten
 * when its row's notification arrives; nothing is cached or served while the feed is not listening, and a reset
 * (notifications possibly missed) forgets everything. A value read while its row changed is not stored: each read
 * registers itself first and a notification for the row cancels the registration, so a stale read never outlives
 * the notification of the change it missed.
 */
export class ChangeInvalidatedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly readsInFlight = new Map<string, number>();
  private lastRead = 0;
  private readonly now: () => number;

  constructor(
    private readonly feed: Pick<ChangeFeed, 'listening' | 'subscribe'>,
    private readonly channel: ChangeChannel,
    private readonly options: ChangeInvalidatedCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
    feed.subscribe({
      changed: (changedChannel, id) => {
        if (changedChannel !== channel) return;
        this.entries.delete(id);
        this.readsInFlight.delete(id);
      },
      reset: () => {
        this.entries.clear();
        this.readsInFlight.clear();
      },
    });
  }

  /** The cached value for `id`, else `load()`'s; `cacheable` decides which loaded values may be kept. */
  async get(id: string, load: () => Promise<V>, cacheable: (value: V) => boolean = () => true): Promise<V> {
    if (this.options.maxEntries <= 0) return load();
    if (!this.feed.listening) {
      this.options.onLookup?.('bypass');
      return load();
    }
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > this.now()) {
      this.options.onLookup?.('hit');
      return hit.value;
    }
    this.options.onLookup?.('miss');
    const read = ++this.lastRead;
    this.readsInFlight.set(id, read);
    try {
      const value = await load();
      if (this.readsInFlight.get(id) === read && this.feed.listening && cacheable(value)) this.store(id, value);
      return value;
    } finally {
      if (this.readsInFlight.get(id) === read) this.readsInFlight.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private store(id: string, value: V): void {
    this.entries.delete(id); // re-inserted last: the map stays ordered oldest first
    this.entries.set(id, { value, expiresAt: this.now() + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
  }
}
