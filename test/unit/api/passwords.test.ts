import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH, PASSWORD_HASH_OPTIONS, hashPassword, verifyPassword } from '../../../api/services/passwords.js';

describe('password hashing', () => {
  it('uses argon2id at least at OWASP strength, and the dummy hash has the same parameters', async () => {
    expect(PASSWORD_HASH_OPTIONS).toMatchObject({ type: argon2.argon2id, parallelism: 1 });
    expect(PASSWORD_HASH_OPTIONS.memoryCost).toBeGreaterThanOrEqual(19_456);
    expect(PASSWORD_HASH_OPTIONS.timeCost).toBeGreaterThanOrEqual(2);
    // Same cost for unknown accounts only holds while the dummy hash needs no rehash under current options.
    expect(argon2.needsRehash(DUMMY_PASSWORD_HASH, PASSWORD_HASH_OPTIONS)).toBe(false);
    expect(argon2.needsRehash(await hashPassword('x'), PASSWORD_HASH_OPTIONS)).toBe(false);
  });

  it('verifies the right password only, and never an unknown account', async () => {
    const hash = await hashPassword('right password');
    expect(await verifyPassword(hash, 'right password')).toBe(true);
    expect(await verifyPassword(hash, 'wrong password')).toBe(false);
    expect(await verifyPassword(undefined, 'right password')).toBe(false);
  });
});
