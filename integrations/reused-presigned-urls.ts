export type SignUrl = (key: string, expiresInSeconds: number, signingDate: Date) => Promise<string>;

/**
 * Presigned GET URLs reused for the first half of their lifetime. Time is cut into windows half a lifetime long;
 * a URL is signed as of the start of its window, so each one handed out has at least half its lifetime left, and
 * every process signing the same key in the same window hands out the same URL. Entries of past windows are
 * dropped as new ones arrive; `maxEntries` bounds the rest.
 */
export class ReusedPresignedUrls {
  private readonly urls = new Map<string, { windowStart: number; url: Promise<string> }>();

  constructor(
    private readonly sign: SignUrl,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, expiresInSeconds: number): Promise<string> {
    const windowMs = (expiresInSeconds * 1000) / 2;
    const windowStart = Math.floor(this.now() / windowMs) * windowMs;
    const cacheKey = `${expiresInSeconds}|${key}`;
    const cached = this.urls.get(cacheKey);
    if (cached?.windowStart === windowStart) return cached.url;
    const url = this.sign(key, expiresInSeconds, new Date(windowStart));
    url.catch(() => {
      if (this.urls.get(cacheKey)?.url === url) this.urls.delete(cacheKey); // a failed signing is not reused
    });
    this.urls.delete(cacheKey); // re-inserted last: the map stays ordered oldest window first
    this.urls.set(cacheKey, { windowStart, url });
    this.dropStale(windowStart);
    return url;
  }

  private dropStale(currentWindowStart: number): void {
    for (const [cacheKey, entry] of this.urls) {
      if (entry.windowStart >= currentWindowStart && this.urls.size <= this.maxEntries) break;
      this.urls.delete(cacheKey);
    }
  }
}
