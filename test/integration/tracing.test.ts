import type { MikroORM } from '@mikro-orm/postgresql';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOrm } from '../../db/orm.js';
import { orchestratorProcessSchema } from '../../domain/config/index.js';
import type { InferenceEngine } from '../../inference/index.js';
import { createObjectStore } from '../../integrations/object-store.js';
import { startTracing, type Tracing } from '../../integrations/tracing.js';
import { startApi, type TestApi } from '../helpers/api.js';
import { signUp, uploadImage } from '../helpers/client-flows.js';
import { testConfig } from '../helpers/env.js';
import { gradientPng } from '../helpers/uploads.js';
import { startTestWorkers, testInferenceEngine, type TestWorkers } from '../helpers/workers.js';

// Tracing through the real stack: the API's server span, the Temporal SDK's client, workflow and activity spans,
// all exported to an in-memory exporter that stands in for the OTLP collector.

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let api: TestApi;
let workers: TestWorkers;
let engine: InferenceEngine;
let orm: MikroORM;

beforeAll(async () => {
  tracing = startTracing('oneshot-test', { spanProcessor: new SimpleSpanProcessor(exporter) })!;
  const config = testConfig(orchestratorProcessSchema);
  orm = await createOrm(config);
  engine = await testInferenceEngine();
  workers = await startTestWorkers({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, orm, objectStore: createObjectStore(config), engine, tracing });
  api = await startApi({}, { taskQueues: workers.taskQueues, tracing });
});
afterAll(async () => {
  await api?.close();
  await workers?.shutdown();
  await engine?.close();
  await orm?.close();
  await tracing?.shutdown();
});

it('one job yields one connected trace, from the HTTP request through the workflow to each activity', async () => {
  const user = await signUp(api);
  const input = await uploadImage(api, user.token, await gradientPng(32, 32));
  exporter.reset();
  const accepted = await api.request('POST', '/jobs', { token: user.token, body: { job_type: 'upscale', input } });
  expect(accepted.status).toBe(202);
  await workers.client.workflow.getHandle(accepted.body.job_id).result();

  const spans = () => exporter.getFinishedSpans();
  await expect.poll(() => spans().some((span) => span.name === 'CompleteWorkflow:processJobWorkflow' || span.name.startsWith('RunWorkflow')), { timeout: 10_000 }).toBe(true);
  const request = spans().find((span) => span.name === 'POST /jobs');
  expect(request).toBeDefined();
  const trace = spans().filter((span) => span.spanContext().traceId === request!.spanContext().traceId);
  const names = trace.map((span) => span.name);
  expect(names).toEqual(expect.arrayContaining(['POST /jobs', 'RunActivity:runInference', 'StartActivity:runInference']));
  expect(names.some((name) => name.includes('processJobWorkflow'))).toBe(true);
  // Connected: every span but the request's has its parent in the same trace.
  const ids = new Set(trace.map((span) => span.spanContext().spanId));
  for (const span of trace.filter((span) => span !== request)) expect(ids.has(span.parentSpanId!), span.name).toBe(true);
});
