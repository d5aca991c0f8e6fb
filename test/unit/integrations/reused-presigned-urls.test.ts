import { describe, expect, it } from 'vitest';
import { ReusedPresignedUrls, type SignUrl } from '../../../integrations/reused-presigned-urls.js';

function fixture(maxEntries?: number) {
  let now = 1_000_000_000_000;
  const signed: { key: string; expiresInSeconds: number; signingDate: number }[] = [];
  const sign: SignUrl = (key, expiresInSeconds, signingDate) => {
    signed.push({ key, expiresInSeconds, signingDate: signingDate.getTime() });
    return Promise.resolve(`https://s3.test/${key}?date=${signingDate.getTime()}&n=${signed.length}`);
  };
  const urls = new ReusedPresignedUrls(sign, maxEntries, () => now);
  return { urls, signed, advance: (ms: number) => (now += ms), now: () => now };
}

describe('ReusedPresignedUrls', () => {
  it('reuses a URL within its window and signs it as of the window start, so at least half its lifetime is left', async () => {
    const { urls, signed, advance, now } = fixture();
    const first = await urls.get('results/a.png', 300);
    advance(10_000);
    expect(await urls.get('results/a.png', 300)).toBe(first);
    expect(signed).toHaveLength(1);
    const windowStart = signed[0]!.signingDate;
    expect(windowStart % 150_000).toBe(0);
    expect(windowStart + 300_000 - now()).toBeGreaterThanOrEqual(150_000);
  });

  it('signs anew in the next window, and per key and lifetime', async () => {
    const { urls, signed, advance } = fixture();
    const first = await urls.get('a', 300);
    await urls.get('b', 300);
    await urls.get('a', 600);
    advance(150_000);
    expect(await urls.get('a', 300)).not.toBe(first);
    expect(signed.map((s) => `${s.key}/${s.expiresInSeconds}`)).toEqual(['a/300', 'b/300', 'a/600', 'a/300']);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { urls, signed } = fixture(2);
    for (const key of ['a', 'b', 'c', 'a']) await urls.get(key, 300);
    expect(signed.map((s) => s.key)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not reuse a failed signing', async () => {
    let fail = true;
    const urls = new ReusedPresignedUrls(() => (fail ? Promise.reject(new Error('no credentials')) : Promise.resolve('https://ok')));
    await expect(urls.get('a', 300)).rejects.toThrow('no credentials');
    fail = false;
    expect(await urls.get('a', 300)).toBe('https://ok');
  });
});
