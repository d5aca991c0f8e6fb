import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { BillingEnv } from '../../domain/config/billing.js';
import type { Logger } from '../logger.js';
import { temporalAcknowledgements } from './acknowledgements.js';
import { BillingService } from './billing-service.js';
import { createBillingProviders } from './providers.js';
import { createBillingStores } from './stores.js';

export type BillingServiceConfig = BillingEnv & { NODE_ENV: string; TEMPORAL_TASK_QUEUE_ORCHESTRATOR: string };

/** The billing service of one process, built once by its main from the configuration. */
export function createBillingService(config: BillingServiceConfig, deps: { orm: MikroORM; temporal: Client; logger: Logger }): BillingService {
  const logger = deps.logger.child({ module: 'billing' });
  return new BillingService({
    orm: deps.orm,
    stores: createBillingStores(config),
    catalog: config.BILLING_PRODUCTS,
    timing: config,
    ownershipPolicy: config.PURCHASE_OWNERSHIP_POLICY,
    acknowledgements: temporalAcknowledgements(deps.temporal, {
      taskQueue: config.TEMPORAL_TASK_QUEUE_ORCHESTRATOR,
      windowMs: config.GOOGLE_ACKNOWLEDGE_WINDOW,
      retry: { initialIntervalMs: config.GOOGLE_ACKNOWLEDGE_RETRY_INITIAL, maximumIntervalMs: config.GOOGLE_ACKNOWLEDGE_RETRY_MAX },
    }),
    ...createBillingProviders(config, { orm: deps.orm, logger }),
    logger,
  });
}
