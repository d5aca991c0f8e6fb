import { describe, expect, it, vi } from 'vitest';
import { untilConnected } from '../../../integrations/temporal.js';

describe('untilConnected', () => {
  it('retries with growing waits, logging each failure, until Temporal answers', async () => {
    vi.useFakeTimers();
    try {
      const warnings: { attempt: number; retryInMs: number }[] = [];
      const logger = { warn: (fields: object) => void warnings.push(fields as { attempt: number; retryInMs: number }), info: () => undefined };
      let calls = 0;
      const connect = () => (++calls < 4 ? Promise.reject(new Error('connection refused')) : Promise.resolve('connected'));
      const connected = untilConnected('worker connection', connect, logger);
      await vi.runAllTimersAsync();
      await expect(connected).resolves.toBe('connected');
      expect(calls).toBe(4);
      expect(warnings.map((warning) => warning.retryInMs)).toEqual([500, 1_000, 2_000]);
    } finally {
      vi.useRealTimers();
    }
  });
});
