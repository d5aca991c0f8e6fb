import { z } from 'zod';
import { apiEnvSchema, coreEnvSchema } from './core.js';

/**
 * The one environment schema, parsed once in each process's main and passed down.
 * Sections live in their own files; this is the only place that combines them.
 */
export const envSchema = coreEnvSchema.extend(apiEnvSchema.shape);

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; the error names every missing or invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return env[name] === undefined ? `${name} is required` : `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}
