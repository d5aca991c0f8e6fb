import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import { readManifest } from '../inference/models/manifest.js';
import type { ObjectStore } from '../integrations/object-store.js';
import type { ReadinessCheck } from './routes/health.js';

export interface ReadinessDeps {
  orm: MikroORM;
  temporal: Client;
  objectStore: ObjectStore;
  inferenceTaskQueue: string;
  /** Where the inference workers' model manifest is, when this host can see it. */
  modelDir: string;
}

/**
 * The dependencies the API cannot serve without, plus what operators need to know about inference: how many
 * workers poll the GPU queue (jobs wait in the queue while there are none) and which models are placeholders.
 */
export function readinessChecks(deps: ReadinessDeps): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => void (await deps.orm.em.getConnection().execute('select 1')) },
    {
      name: 'temporal',
      check: async () => ({ server_version: (await deps.temporal.workflowService.getSystemInfo({})).serverVersion }),
    },
    { name: 's3', check: () => deps.objectStore.ping() },
    {
      name: 'inference',
      check: async () => {
        const [{ pollers }, manifest] = await Promise.all([
          deps.temporal.workflowService.describeTaskQueue({
            namespace: deps.temporal.options.namespace,
            taskQueue: { name: deps.inferenceTaskQueue },
            taskQueueType: protos.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
          }),
          readManifest(deps.modelDir),
        ]);
        return {
          task_queue: deps.inferenceTaskQueue,
          workers: pollers?.length ?? 0,
          models: manifest.models.map((model) => model.name),
          placeholder_models: manifest.models.filter((model) => model.placeholder).map((model) => model.name),
        };
      },
    },
  ];
}
