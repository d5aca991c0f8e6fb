import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '../../../integrations/object-store.js';
import { startApi, type TestApi } from '../../helpers/api.js';
import { testConfig } from '../../helpers/env.js';
import { integrationModelDir } from '../../helpers/workers.js';
import { apiProcessSchema } from '../../../domain/config/index.js';

describe('GET /readyz against the real stack', () => {
  let api: TestApi;
  let broken: TestApi;

  beforeAll(async () => {
    const modelDir = await integrationModelDir();
    api = await startApi({ MODEL_DIR: modelDir });
    // Same app, but its S3 endpoint is a port nobody listens on.
    const unreachable = testConfig(apiProcessSchema, { S3_ENDPOINT: 'http://127.0.0.1:9' });
    broken = await startApi({ MODEL_DIR: modelDir }, { objectStore: createObjectStore(unreachable) });
  });
  afterAll(async () => {
    await api?.close();
    await broken?.close();
  });

  it('is ready when PostgreSQL, Temporal and S3 answer, and names the placeholder models', async () => {
    const response = await api.request('GET', '/readyz');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(Object.keys(response.body.checks)).toEqual(['database', 'temporal', 's3', 'inference']);
    expect(response.body.checks.inference.detail).toMatchObject({
      workers: expect.any(Number),
      placeholder_models: expect.arrayContaining(['gfpgan', 'codeformer', 'inswapper', 'arcface']),
    });
  });

  it('answers 503 naming the dependency that is down', async () => {
    const response = await broken.request('GET', '/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'unavailable', failing: ['s3'] });
    expect(response.body.checks.database.ok).toBe(true);
  });
});
