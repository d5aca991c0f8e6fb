import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiProcessSchema, ConfigError, envSchema, inferenceProcessSchema, loadConfig, orchestratorProcessSchema } from '../../../domain/config/index.js';

const minimal = {
  DATABASE_URL: 'postgres://app:secret@db.internal:5432/oneshot',
  S3_BUCKET: 'oneshot-images',
  S3_KEY: 'AKIAEXAMPLE',
  S3_SECRET: 'not-a-default',
};

describe('environment configuration', () => {
  it('documents every variable in .env.example', async () => {
    const example = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    expect(Object.keys(envSchema.shape).filter((name) => !documented.has(name))).toEqual([]);
  });

  it('refuses to start without secrets and names every missing variable', () => {
    const attempt = () => loadConfig(apiProcessSchema, { NODE_ENV: 'production' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual(
        expect.arrayContaining(['DATABASE_URL is required', 'S3_KEY is required', 'S3_SECRET is required', 'JWT_SECRET is required']),
      );
    }
  });

  it('rejects a short JWT secret with its own message', () => {
    expect(() => loadConfig(apiProcessSchema, { ...minimal, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: JWT_SECRET must be at least 32 characters/);
  });

  it('lets each worker start without the API-only secrets', () => {
    expect(loadConfig(orchestratorProcessSchema, minimal)).toMatchObject({ TEMPORAL_TASK_QUEUE_ORCHESTRATOR: 'oneshot-orchestrator' });
    expect(loadConfig(inferenceProcessSchema, minimal)).toMatchObject({ TEMPORAL_TASK_QUEUE_INFERENCE: 'inference-gpu', ONNX_EXECUTION_PROVIDER: 'cpu' });
  });

  it('parses types and applies defaults', () => {
    const config = loadConfig(apiProcessSchema, { ...minimal, JWT_SECRET: 'x'.repeat(32), API_PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example', S3_FORCE_PATH_STYLE: 'true' });
    expect(config).toMatchObject({ API_PORT: 8080, CORS_ORIGINS: ['https://a.example', 'https://b.example'], S3_FORCE_PATH_STYLE: true, DEFAULT_CREDITS: 10, MAX_JOBS_IN_FLIGHT: 5 });
  });
});
