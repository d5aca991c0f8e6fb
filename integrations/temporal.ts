import { Client, Connection } from '@temporalio/client';

export interface TemporalConfig {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
}

/** One connection per process (never per request); close it on shutdown. */
export async function connectTemporalClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}
