import { describe, expect, it } from 'vitest';
import { StreamSlots } from '../../../api/services/stream-slots.js';

describe('StreamSlots', () => {
  it('caps streams per user and in total, and gives a slot back once', () => {
    const slots = new StreamSlots(2, 3);
    const a1 = slots.acquire('a');
    slots.acquire('a');
    expect(() => slots.acquire('a')).toThrow(expect.objectContaining({ status: 429, code: 'TOO_MANY_STREAMS' }));
    slots.acquire('b');
    expect(() => slots.acquire('c')).toThrow(expect.objectContaining({ status: 429 }));
    a1();
    a1();
    expect(slots.open).toBe(2);
    expect(() => slots.acquire('c')).not.toThrow();
    expect(() => slots.acquire('a')).toThrow(expect.objectContaining({ status: 429 }));
  });
});
