import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../../../api/services/concurrency-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ConcurrencyGate', () => {
  it('runs at most `concurrency` tasks, queues up to `queue`, refuses the rest with 503', async () => {
    const gate = new ConcurrencyGate({ concurrency: 2, queue: 1, waitMs: 10_000 });
    const release = deferred();
    let running = 0;
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, ++running);
      await release.promise;
      running--;
      return 'done';
    };
    const calls = Array.from({ length: 5 }, () => gate.run(task).catch((error: { status: number; headers: object }) => error));
    await new Promise((resolve) => setImmediate(resolve));
    release.resolve();
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((outcome) => outcome === 'done')).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome !== 'done')).toEqual([
      expect.objectContaining({ status: 503, headers: { 'Retry-After': '1' } }),
      expect.objectContaining({ status: 503, headers: { 'Retry-After': '1' } }),
    ]);
    expect(peak).toBe(2);
  });

  it('refuses a waiter after waitMs, and frees its place in the queue', async () => {
    const gate = new ConcurrencyGate({ concurrency: 1, queue: 1, waitMs: 20 });
    const release = deferred();
    const holder = gate.run(() => release.promise);
    await expect(gate.run(async () => 'late')).rejects.toMatchObject({ status: 503 });
    // The timed-out waiter left the queue: the next caller may wait again and runs once the slot frees.
    const next = gate.run(async () => 'next');
    release.resolve();
    await holder;
    await expect(next).resolves.toBe('next');
  });

  it('releases the slot when a task throws', async () => {
    const gate = new ConcurrencyGate({ concurrency: 1, queue: 0, waitMs: 0 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
  });
});
