import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from './logger.js';
import type { Tracing } from './tracing.js';
import { tracedClientInterceptors } from './tracing-temporal.js';

export interface TemporalConfig {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
}

/** One connection per process (never per request); close it on shutdown. */
export async function connectTemporalClient(config: TemporalConfig, tracing?: Tracing): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const interceptors = tracedClientInterceptors(tracing);
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(interceptors ? { interceptors } : {}) });
}

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 30_000;

/**
 * Runs `connect` until it succeeds, backing off exponentially (capped) and logging each failure: a process
 * started while Temporal is briefly unreachable (a restart, a deploy in the wrong order) waits for it.
 */
export async function untilConnected<T>(what: string, connect: () => Promise<T>, logger: Pick<Logger, 'warn' | 'info'>): Promise<T> {
  for (let attempt = 1, wait = FIRST_RETRY_MS; ; attempt++, wait = Math.min(wait * 2, LONGEST_RETRY_MS)) {
    try {
      const connected = await connect();
      if (attempt > 1) logger.info({ attempt }, `${what}: connected`);
      return connected;
    } catch (error) {
      logger.warn({ attempt, retryInMs: wait, err: error }, `${what}: Temporal unreachable, retrying`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The worker's and the client's connections, each waiting for Temporal to answer. */
export async function connectToTemporal(
  config: TemporalConfig,
  logger: Pick<Logger, 'warn' | 'info'>,
  tracing?: Tracing,
): Promise<{ connection: NativeConnection; client: Client }> {
  const connection = await untilConnected('worker connection', () => NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }), logger);
  const client = await untilConnected('client connection', () => connectTemporalClient(config, tracing), logger);
  return { connection, client };
}
