import { z } from 'zod';
import { durationMs } from './env-values.js';

/** How a Temporal worker process (orchestrator, inference) stops: SIGTERM first stops polling, then drains. */
export const workerShutdownEnvSchema = z.object({
  // In-flight tasks get this long to finish after SIGTERM; those still running are then cancelled, and Temporal
  // retries them on another worker. Keep the process manager's kill delay (compose stop_grace_period, Kubernetes
  // terminationGracePeriodSeconds) longer than this.
  WORKER_SHUTDOWN_GRACE: durationMs.default(30_000),
});

/** The orchestrator's workflow cache (docs/performance.md: what holds the orchestrator's memory). */
export const orchestratorWorkerEnvSchema = z.object({
  // Workflows kept in memory between their tasks (sticky cache). Each costs memory for as long as it stays; one
  // that was evicted replays its history on its next task. The SDK's default grows with the heap limit (≈ 2,300
  // on a 4 GiB heap), which is what let the orchestrator grow to a GiB under load.
  ORCHESTRATOR_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
});
