import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inferenceProcessSchema, loadConfig, orchestratorProcessSchema } from '../../../domain/config/index.js';
import { durationMs } from '../../../domain/config/env-values.js';
import { LONGEST_JOB_STEP_MS } from '../../../domain/jobs/contract.js';

// A deploy or scale-in must not cut a running job short: the inference worker's drain (WORKER_SHUTDOWN_GRACE)
// outlasts the longest job step, and the process manager waits longer than each worker's drain before it kills.

const env = { DATABASE_URL: 'postgres://app:secret@db.internal:5432/oneshot', S3_BUCKET: 'oneshot-images', S3_KEY: 'AKIAEXAMPLE', S3_SECRET: 'not-a-default' };
const compose = parse(readFileSync(new URL('../../../temporal-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, { stop_grace_period?: string; environment?: Record<string, string> }>;
};
/** compose's stop_grace_period in ms (its durations read like ours: 60s, 16m). */
const stopGraceMs = (service: string) => durationMs.parse(compose.services[service]?.stop_grace_period ?? '10s');

describe('worker drain on SIGTERM', () => {
  it('the inference worker drains for at least the longest job step by default', () => {
    expect(loadConfig(inferenceProcessSchema, env).WORKER_SHUTDOWN_GRACE).toBeGreaterThanOrEqual(LONGEST_JOB_STEP_MS);
  });

  it.each([
    ['worker-inference', inferenceProcessSchema],
    ['worker-inference-gpu', inferenceProcessSchema],
    ['worker-orchestrator', orchestratorProcessSchema],
  ] as const)('compose waits longer than %s drains before it kills', (service, schema) => {
    const configured = compose.services[service]?.environment?.WORKER_SHUTDOWN_GRACE;
    const grace = loadConfig(schema, { ...env, ...(configured ? { WORKER_SHUTDOWN_GRACE: configured } : {}) }).WORKER_SHUTDOWN_GRACE;
    expect(stopGraceMs(service)).toBeGreaterThan(grace);
  });
});
