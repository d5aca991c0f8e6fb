import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiProcessSchema } from '../../../domain/config/index.js';
import { createObjectStore, type ObjectStore } from '../../../integrations/object-store.js';
import { startApi, type TestApi } from '../../helpers/api.js';
import { testConfig } from '../../helpers/env.js';
import { integrationModelDir } from '../../helpers/workers.js';

const OPERATOR_TOKEN = 'operator-token-for-readiness-tests-0123456789';
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('GET /readyz against the real stack', () => {
  let api: TestApi;
  let broken: TestApi;
  let pings = 0;

  beforeAll(async () => {
    const modelDir = await integrationModelDir();
    api = await startApi({ MODEL_DIR: modelDir, OPERATOR_TOKEN, READINESS_CACHE_MS: '60000' });
    // Same app, but its S3 endpoint is a port nobody listens on; counts how often S3 is asked.
    const unreachable = createObjectStore(testConfig(apiProcessSchema, { S3_ENDPOINT: 'http://127.0.0.1:9' }));
    const counted: ObjectStore = { ...unreachable, ping: () => (pings++, unreachable.ping()) };
    broken = await startApi({ MODEL_DIR: modelDir, OPERATOR_TOKEN }, { objectStore: counted });
  });
  afterAll(async () => {
    await api?.close();
    await broken?.close();
  });

  it('tells the public only the status, and operators the details', async () => {
    const response = await api.request('GET', '/readyz');
    expect([response.status, response.body]).toEqual([200, { status: 'ready' }]);

    const details = await api.request('GET', '/readyz/details', { headers: operator });
    expect(details.status).toBe(200);
    expect(details.body).toMatchObject({ status: 'ready', failing: [], checked_at: expect.any(String) });
    expect(Object.keys(details.body.checks)).toEqual(['database', 'temporal', 's3', 'inference']);
    expect(details.body.checks.inference.detail).toMatchObject({
      workers: expect.any(Number),
      placeholder_models: expect.arrayContaining(['gfpgan', 'codeformer', 'inswapper', 'arcface']),
    });
  });

  it('refuses the details without the operator token, and serves none when no token is configured', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: OPERATOR_TOKEN }];
    for (const headers of attempts) {
      const response = await api.request('GET', '/readyz/details', { headers });
      expect([response.status, response.body.error?.code]).toEqual([401, 'UNAUTHORIZED']);
    }
    const tokenless = await startApi();
    try {
      const response = await tokenless.request('GET', '/readyz/details', { headers: operator });
      expect([response.status, response.body.error?.code]).toEqual([404, 'NOT_FOUND']);
    } finally {
      await tokenless.close();
    }
  });

  it('answers 503 with the status only; operators see which dependency is down and why', async () => {
    const response = await broken.request('GET', '/readyz');
    expect([response.status, response.body]).toEqual([503, { status: 'unavailable' }]);
    expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
    const details = await broken.request('GET', '/readyz/details', { headers: operator });
    expect(details.status).toBe(503);
    expect(details.body).toMatchObject({ status: 'unavailable', failing: ['s3'], checks: { database: { ok: true }, s3: { ok: false } } });
  });

  it('checks the dependencies once per cache interval, however many requests ask at once', async () => {
    const before = pings;
    const flood = await Promise.all(Array.from({ length: 50 }, () => broken.request('GET', '/readyz')));
    expect(flood.every((response) => response.status === 503)).toBe(true);
    expect(pings - before).toBeLessThanOrEqual(1);
  });
});
