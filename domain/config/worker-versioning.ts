import { z } from 'zod';
import { bool } from './env-values.js';

/** Temporal Worker Deployments (integrations/worker-deployment.ts; docs/deployment.md: rolling out a new version). */
export const workerVersioningEnvSchema = z.object({
  // Register the worker as a version of a Worker Deployment: jobs stay on the version that started them, so a
  // deploy never changes the code under a running job. Off: unversioned workers (tests, a single dev process).
  TEMPORAL_WORKER_VERSIONING: bool.default(false),
  TEMPORAL_DEPLOYMENT_NAME: z.string().min(1).default('oneshot'),
  // The version's build id; by default derived from the workers' code (the same checkout or image, the same id).
  // Every worker process of one release must have the same one: set it (e.g. to the image tag) when they differ.
  TEMPORAL_WORKER_BUILD_ID: z.string().min(1).max(255).optional(),
  // On start, the orchestrator makes its version the current one once all its task queues are polled (a
  // single-host stack: `npm start`, compose). Off where a rollout sets the current version itself.
  TEMPORAL_WORKER_SET_CURRENT: bool.default(false),
});
