import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { z } from 'zod';
import { loadConfig } from '../../domain/config/index.js';

/** The environment of the real local stack (from the global setup) plus per-run test secrets. */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_POOL_MAX: '20',
    ...inject('stackEnv'),
    ...overrides,
  };
}

export function testConfig<T extends z.ZodType>(schema: T, overrides: Record<string, string> = {}): z.infer<T> {
  return loadConfig(schema, testEnv(overrides));
}
