import { describe, expect, it } from 'vitest';
import type { ChangeChannel, ChangeListener } from '../../../integrations/change-feed.js';
import { ChangeInvalidatedCache } from '../../../integrations/change-invalidated-cache.js';

/** A feed whose notifications and connection losses the test fires by hand. */
class ManualFeed {
  listening = true;
  private readonly listeners = new Set<ChangeListener>();
  subscribe(listener: ChangeListener) {
    this.listeners.add(listener);
  }
  change(channel: ChangeChannel, id: string) {
    for (const listener of this.listeners) listener.changed(channel, id);
  }
  lose() {
    this.listening = false;
    for (const listener of this.listeners) listener.reset();
  }
}

/** A load that resolves when the test says so, to place notifications in the middle of a read. */
function deferredLoad<V>() {
  let release!: (value: V) => void;
  const loaded = new Promise<V>((resolve) => (release = resolve));
  return { load: () => loaded, release };
}

function setUp(options: { maxEntries?: number; ttlMs?: number } = {}) {
  const feed = new ManualFeed();
  let now = 0;
  const cache = new ChangeInvalidatedCache<string>(feed, 'job_changed', { maxEntries: options.maxEntries ?? 10, ttlMs: options.ttlMs ?? 1_000, now: () => now });
  let reads = 0;
  const value = { current: 'v1' };
  const get = (id = 'a') =>
    cache.get(id, async () => {
      reads++;
      return value.current;
    });
  return { feed, cache, get, value, reads: () => reads, advance: (ms: number) => (now += ms) };
}

describe('ChangeInvalidatedCache', () => {
  it('reads once, then serves from memory until the row is announced as changed', async () => {
    const { feed, get, value, reads } = setUp();
    expect(await get()).toBe('v1');
    expect(await get()).toBe('v1');
    expect(reads()).toBe(1);
    value.current = 'v2';
    feed.change('job_changed', 'a');
    expect(await get()).toBe('v2');
    expect(reads()).toBe(2);
  });

  it('ignores notifications of other rows and other channels', async () => {
    const { feed, get, reads } = setUp();
    await get();
    feed.change('job_changed', 'b');
    feed.change('account_changed', 'a');
    await get();
    expect(reads()).toBe(1);
  });

  it('does not keep a value whose row changed while it was being read', async () => {
    const { feed, cache } = setUp();
    const stale = deferredLoad<string>();
    const reading = cache.get('a', stale.load);
    feed.change('job_changed', 'a'); // committed after the read's snapshot, announced before it returns
    stale.release('old');
    expect(await reading).toBe('old');
    expect(cache.size).toBe(0);
    expect(await cache.get('a', async () => 'new')).toBe('new');
  });

  it('reads through, and keeps nothing, while the feed is not listening; a reset forgets everything', async () => {
    const { feed, cache, get, reads } = setUp();
    await get();
    const inFlight = deferredLoad<string>();
    const reading = cache.get('b', inFlight.load);
    feed.lose();
    inFlight.release('b1');
    await reading;
    expect(cache.size).toBe(0);
    await get();
    await get();
    expect(reads()).toBe(3);
    expect(cache.size).toBe(0);
    feed.listening = true;
    await get();
    await get();
    expect(reads()).toBe(4);
  });

  it('keeps only values the caller calls cacheable', async () => {
    const { cache } = setUp();
    let reads = 0;
    const missing = () => cache.get('a', async () => (reads++, 'missing'), (value) => value !== 'missing');
    await missing();
    await missing();
    expect(reads).toBe(2);
  });

  it('drops the oldest entries beyond maxEntries, and entries past their backstop TTL', async () => {
    const { get, reads, advance } = setUp({ maxEntries: 2, ttlMs: 1_000 });
    await get('a');
    await get('b');
    await get('c');
    expect(reads()).toBe(3);
    await get('a');
    expect(reads()).toBe(4);
    advance(1_001);
    await get('c');
    expect(reads()).toBe(5);
  });

  it('does not cache at all with maxEntries 0', async () => {
    const { get, reads } = setUp({ maxEntries: 0 });
    await get();
    await get();
    expect(reads()).toBe(2);
  });

  it('stores nothing when the read fails, and a later read still works', async () => {
    const { cache } = setUp();
    await expect(cache.get('a', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(cache.size).toBe(0);
    expect(await cache.get('a', async () => 'v')).toBe('v');
    expect(cache.size).toBe(1);
  });

  it('reports each lookup as a hit, a miss, or a bypass while the feed is in doubt', async () => {
    const feed = new ManualFeed();
    const lookups: string[] = [];
    const cache = new ChangeInvalidatedCache<string>(feed, 'job_changed', { maxEntries: 10, ttlMs: 1_000, onLookup: (result) => lookups.push(result) });
    await cache.get('a', async () => 'v');
    await cache.get('a', async () => 'v');
    feed.lose();
    await cache.get('a', async () => 'v');
    expect(lookups).toEqual(['miss', 'hit', 'bypass']);
  });
});

