import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { ObjectStore } from '../integrations/object-store.js';
import type { ReadinessCheck } from './routes/health.js';

/** The dependencies the API cannot serve without. */
export function readinessChecks(deps: { orm: MikroORM; temporal: Client; objectStore: ObjectStore }): ReadinessCheck[] {
  return [
    { name: 'database', check: () => deps.orm.em.getConnection().execute('select 1') },
    { name: 'temporal', check: () => deps.temporal.workflowService.getSystemInfo({}) },
    { name: 's3', check: () => deps.objectStore.ping() },
  ];
}
