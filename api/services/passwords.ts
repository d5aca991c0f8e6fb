import argon2 from 'argon2';
import { ConcurrencyGate, type ConcurrencyGateLimits } from './concurrency-gate.js';

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane); bench/auth.bench.ts measures the
 * cost. Each hash records its parameters, so raising them later only affects new hashes.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A hash with the same parameters, of a password nobody knows: verifying against it makes a login for an
 * unknown email cost the same as a wrong password (a unit test keeps its parameters in step).
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$UnYbwEp5/OC0pb8QakLg9A$ZgfYKwD5Z7EFDPIzr7YsoPf0fSeAIEMO2axbWwTqwCE';

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

/** Checks a password; with no stored hash (unknown account) it does the same work, then says no. */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  const matches = await argon2.verify(storedHash ?? DUMMY_PASSWORD_HASH, password);
  return matches && storedHash !== undefined;
}

/** Hashing and verification through one process-wide concurrency gate (503 when it is full). */
export class PasswordHasher {
  private readonly gate: ConcurrencyGate;

  constructor(limits: ConcurrencyGateLimits) {
    this.gate = new ConcurrencyGate(limits);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hashPassword(password));
  }

  verify(storedHash: string | undefined, password: string): Promise<boolean> {
    return this.gate.run(() => verifyPassword(storedHash, password));
  }
}
