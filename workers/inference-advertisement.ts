import type { MikroORM } from '@mikro-orm/postgresql';
import { InferenceWorkers } from '../db/inference-workers.js';
import { ADVERTISEMENT_INTERVAL_MS, type WorkerCapabilities } from '../domain/jobs/capabilities.js';

export interface AdvertisementLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Tells the API what this worker can run (db/inference-workers.ts): once before it starts polling, then every
 * ADVERTISEMENT_INTERVAL_MS while it runs. A failed refresh is logged and retried at the next interval; the
 * worker keeps serving jobs meanwhile.
 */
export async function advertiseCapabilities(deps: {
  orm: MikroORM;
  workerId: string;
  taskQueue: string;
  capabilities: WorkerCapabilities;
  logger: AdvertisementLogger;
}): Promise<{ stop(): void }> {
  const advertise = () => new InferenceWorkers(deps.orm.em.fork()).advertise(deps.workerId, deps.taskQueue, deps.capabilities);
  await advertise();
  const timer = setInterval(() => {
    advertise().catch((error: unknown) => deps.logger.warn({ err: error }, 'could not refresh the capability advertisement'));
  }, ADVERTISEMENT_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
