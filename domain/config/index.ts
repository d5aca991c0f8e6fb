import type { z } from 'zod';
import { LONGEST_JOB_STEP_MS } from '../jobs/contract.js';
import { billingEnvSchema } from './billing.js';
import { identityEnvSchema } from './identity.js';
import { durationMs } from './env-values.js';
import { apiEnvSchema, coreEnvSchema } from './core.js';
import { inferenceEnvSchema } from './inference.js';
import { jobsEnvSchema, reconcilerEnvSchema } from './jobs.js';
import { accountEnvSchema } from './account.js';
import { pushEnvSchema } from './push.js';
import { retentionEnvSchema, retentionSweepEnvSchema } from './retention.js';
import { apiTelemetryEnvSchema, inferenceTelemetryEnvSchema, orchestratorTelemetryEnvSchema } from './telemetry.js';
import { orchestratorWorkerEnvSchema, workerShutdownEnvSchema } from './workers.js';
import { workerVersioningEnvSchema } from './worker-versioning.js';

/**
 * The environment, declared once. Sections live in their own files; each process parses the sections it
 * uses (so a worker does not demand the API's JWT secret), once, in its main, and passes the result down.
 */
export const apiProcessSchema = coreEnvSchema
  .extend(apiEnvSchema.shape)
  .extend(jobsEnvSchema.shape)
  .extend(billingEnvSchema.shape)
  .extend(identityEnvSchema.shape)
  .extend(accountEnvSchema.shape)
  .extend(retentionEnvSchema.shape)
  // Read-only: /readyz reports which models in the workers' MODEL_DIR are placeholders; upscale jobs that name no
  // model record the default the workers run, so their price names it.
  .extend(inferenceEnvSchema.pick({ MODEL_DIR: true, UPSCALE_DEFAULT_MODEL: true }).shape)
  .extend(apiTelemetryEnvSchema.shape);
export const orchestratorProcessSchema = coreEnvSchema
  .extend(orchestratorTelemetryEnvSchema.shape)
  .extend(workerShutdownEnvSchema.shape)
  .extend(orchestratorWorkerEnvSchema.shape)
  .extend(workerVersioningEnvSchema.shape)
  // The stale-reservations gauge counts reservations older than a job may live.
  .extend(jobsEnvSchema.pick({ JOB_LIFETIME: true }).shape)
  .extend(billingEnvSchema.shape)
  .extend(reconcilerEnvSchema.shape)
  .extend(retentionEnvSchema.shape)
  .extend(retentionSweepEnvSchema.shape)
  .extend(pushEnvSchema.shape);
export const inferenceProcessSchema = coreEnvSchema
  .extend(inferenceEnvSchema.shape)
  .extend(inferenceTelemetryEnvSchema.shape)
  .extend(workerShutdownEnvSchema.shape)
  // A deploy or scale-in lets running jobs finish on the worker that runs them: none is cut short and retried.
  .extend({ WORKER_SHUTDOWN_GRACE: durationMs.default(LONGEST_JOB_STEP_MS) })
  .extend(workerVersioningEnvSchema.pick({ TEMPORAL_WORKER_VERSIONING: true, TEMPORAL_DEPLOYMENT_NAME: true, TEMPORAL_WORKER_BUILD_ID: true }).shape);
/** Everything, for tooling that documents or checks the whole environment. */
export const envSchema = apiProcessSchema.extend(orchestratorProcessSchema.shape).extend(inferenceProcessSchema.shape);

export type ApiConfig = z.infer<typeof apiProcessSchema>;
export type OrchestratorConfig = z.infer<typeof orchestratorProcessSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment against a process's schema; the error names every missing or invalid variable. */
export function loadConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
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
